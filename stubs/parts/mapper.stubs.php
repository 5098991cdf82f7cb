<?php
/**
 * IDE stubs for the record mapper of the conduit extension. Docs: docs/mapper.md.
 */

namespace Conduit;

/**
 * A record could not be mapped. getErrors() lists every problem (of every failing
 * record for mapMany()/mapJson()), at most 1000; the message gives the totals.
 */
class MappingException extends \RuntimeException implements ConduitException
{
    /** @var list<array{path: string, reason: string, message: string, value: ?string, record: int|string|null}> */
    protected array $errors = [];

    /**
     * Each problem: `path` (output field path such as "ITEMS.2.PRICE"; the input
     * path for invalid_utf8/too_deep), `reason` (a stable code: required,
     * invalid_type, invalid_int, invalid_float, invalid_bool, invalid_decimal,
     * out_of_range, unmapped_value, invalid_date, nonexistent_time, ambiguous_time,
     * callback_failed, invalid_utf8, too_deep, invalid_json, not_found), `message`,
     * `value` (the offending value JSON-encoded and cut to 100 characters, or null
     * when it is missing) and `record` (the record's key in mapMany(), its position
     * in mapJson(), null for map()).
     *
     * @return list<array{path: string, reason: string, message: string, value: ?string, record: int|string|null}>
     */
    public function getErrors(): array {}
}

/**
 * A declarative mapping spec, validated and compiled once, applied to records in
 * Rust. The same language maps API → Bitrix (imports) and Bitrix → API (exports).
 *
 * ```php
 * $mapper = new Mapper(['fields' => [
 *     'XML_ID'      => ['from' => 'id', 'cast' => 'string', 'required' => true],
 *     'NAME'        => ['from' => 'title', 'trim' => true, 'truncate' => 255],
 *     'ACTIVE'      => ['from' => 'status', 'map' => ['active' => 'Y'], 'map_default' => 'N'],
 *     'PRICE'       => ['from' => 'price.amount', 'cast' => 'decimal', 'scale' => 2],
 *     'TIMESTAMP_X' => ['from' => 'updated_at', 'date' => ['in' => 'iso8601', 'out' => 'd.m.Y H:i:s', 'out_tz' => 'Europe/Moscow']],
 * ]]);
 * $row = $mapper->map($apiRecord);
 * ```
 */
final class Mapper
{
    /**
     * @param array{fields: array<string, string|array<string, mixed>>, omit_null?: bool} $spec
     *   `fields`: output name => a source path string, or an array of operations:
     *   from, const, template, concat (+ separator), callback, default, required,
     *   trim, case, map (+ map_default | map_keep), date (in, in_tz, out, out_tz,
     *   dst), cast (int|float|bool|string|decimal, + scale, rounding), truncate,
     *   join, fields (a nested sub-spec). See docs/mapper.md.
     *   `callback`: `callable(mixed $value, array $record): mixed`, called on the
     *   PHP thread; an exception it throws propagates and stops the mapping.
     * @throws ConfigException naming the spec path (e.g. "fields.price.cast") of an
     *   unknown operation, a bad path, format, time zone or type
     */
    public function __construct(array $spec) {}

    /**
     * @return array<string, mixed> the mapped record, fields in spec order
     * @throws MappingException listing every problem of the record
     */
    public function map(array $record): array {}

    /**
     * Maps every record; keys are kept.
     *
     * @param array<array-key, array<string, mixed>> $records
     * @return array<array-key, array<string, mixed>>
     * @throws MappingException listing the problems of all failing records (with their key)
     */
    public function mapMany(array $records): array {}

    /**
     * Decodes a JSON body in Rust and maps the records the selector picks — a path
     * with a wildcard (`items[*]`, `data.items.*`, top-level `[*]`), or a path to a
     * list (its elements) or to one object — so PHP never builds the decoded body.
     *
     * @param string $selector a source path (docs/mapper.md "Paths")
     * @return list<array<string, mixed>>
     * @throws ConfigException when the selector is not a valid path
     * @throws MappingException invalid_json, not_found (selector matched nothing),
     *   or the problems of all failing records (with their position)
     */
    public function mapJson(string $json, string $selector): array {}
}
