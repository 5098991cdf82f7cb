<?php
declare(strict_types=1);

namespace Conduit\Tests\Mapper;

use Conduit\ConduitException;
use Conduit\ConfigException;
use Conduit\Mapper;
use Conduit\MappingException;
use PHPUnit\Framework\TestCase;

/**
 * Conduit\Mapper from PHP: every operation through the binding, both directions,
 * the error report, invalid UTF-8, huge records and the callable escape hatch.
 * The language itself is tested operation by operation in crates/conduit-mapper.
 */
final class MapperTest extends TestCase
{
    /** @param array<string, mixed> $fields */
    private static function one(array $fields, array $record): array
    {
        return (new Mapper(['fields' => $fields]))->map($record);
    }

    /** @return list<array{path: string, reason: string, message: string, value: ?string, record: int|string|null}> */
    private static function errorsOf(callable $fn): array
    {
        try {
            $fn();
        } catch (MappingException $e) {
            return $e->getErrors();
        }
        self::fail('expected a MappingException');
    }

    /** @return list<array{0: string, 1: string}> path, reason */
    private static function reasons(array $errors): array
    {
        return array_map(static fn (array $e): array => [$e['path'], $e['reason']], $errors);
    }

    // ---- sources ------------------------------------------------------------

    public function testSourcesRenameAndOrder(): void
    {
        $out = self::one([
            'NAME' => 'title',
            'CITY' => ['from' => 'customer.address.city'],
            'id' => [],
            'FIRST' => 'items[0].sku',
            'SECOND' => 'items.1.sku',
            'ALL' => 'items[*].sku',
            'DOTTED' => 'a~1b',
            'STAR' => '~2',
            'TYPE' => ['const' => 'product'],
            'FULL' => ['template' => '{first} {last} ({customer.address.city})'],
            'JOINED' => ['concat' => ['first', 'middle', 'last'], 'separator' => ' '],
        ], [
            'id' => 7, 'title' => 'T', 'first' => 'Ivan', 'last' => 'Petrov', 'middle' => null,
            'customer' => ['address' => ['city' => 'Kazan']],
            'items' => [['sku' => 'A'], ['sku' => 'B']], 'a.b' => 1, '*' => 2,
        ]);
        self::assertSame([
            'NAME' => 'T', 'CITY' => 'Kazan', 'id' => 7, 'FIRST' => 'A', 'SECOND' => 'B', 'ALL' => ['A', 'B'],
            'DOTTED' => 1, 'STAR' => 2, 'TYPE' => 'product', 'FULL' => 'Ivan Petrov (Kazan)', 'JOINED' => 'Ivan Petrov',
        ], $out);
    }

    public function testMissingNullDefaultRequired(): void
    {
        $fields = ['a' => 'a', 'b' => ['from' => 'b', 'default' => 'dflt'], 'c' => ['from' => 'c', 'required' => true]];
        self::assertSame(['a' => null, 'b' => 'dflt', 'c' => 0], self::one($fields, ['c' => 0]));
        self::assertSame(['a' => null, 'b' => 'dflt', 'c' => ''], self::one($fields, ['b' => null, 'c' => '']));
        $errors = self::errorsOf(fn () => self::one($fields, ['c' => null]));
        self::assertSame([['c', 'required']], self::reasons($errors));
        self::assertSame('null', $errors[0]['value']);
        self::assertNull($errors[0]['record']);
        $errors = self::errorsOf(fn () => self::one($fields, []));
        self::assertNull($errors[0]['value'], 'missing is not null');
        self::assertSame(['a' => 1], (new Mapper(['omit_null' => true, 'fields' => ['a' => 'a', 'b' => 'b']]))->map(['a' => 1]));
    }

    // ---- casts ----------------------------------------------------------------

    public function testCasts(): void
    {
        $out = self::one([
            'i' => ['from' => 'i', 'cast' => 'int'],
            'f' => ['from' => 'f', 'cast' => 'float'],
            'b' => ['from' => 'b', 'cast' => 'bool'],
            'n' => ['from' => 'n', 'cast' => 'bool'],
            's' => ['from' => 's', 'cast' => 'string'],
            'd' => ['from' => 'd', 'cast' => 'decimal', 'scale' => 2],
            'e' => ['from' => 'e', 'cast' => 'decimal', 'scale' => 2, 'rounding' => 'half_even'],
            'z' => ['from' => 'z', 'cast' => 'decimal', 'scale' => 0],
            'pf' => ['from' => 'pf', 'cast' => 'decimal', 'scale' => 2],
        ], ['i' => ' 42 ', 'f' => '1.5', 'b' => 'Y', 'n' => 'N', 's' => 12, 'd' => '2.345', 'e' => '2.345', 'z' => '0.5', 'pf' => 1.005]);
        self::assertSame(['i' => 42, 'f' => 1.5, 'b' => true, 'n' => false, 's' => '12', 'd' => '2.35', 'e' => '2.34', 'z' => '1', 'pf' => '1.01'], $out);
    }

    public function testDecimalsAreExactAndStrict(): void
    {
        $m = new Mapper(['fields' => ['p' => ['from' => 'p', 'cast' => 'decimal', 'scale' => 2]]]);
        // Through a float, 0.1 + 0.2 style errors would show; the decimal path is exact.
        self::assertSame(['p' => '19.99'], $m->map(['p' => '19.985']));
        self::assertSame(['p' => '1234567890123456789.13'], $m->map(['p' => '1234567890123456789.125']));
        self::assertSame(['p' => '12.50'], $m->map(['p' => '12,5']));
        self::assertSame(['p' => '0.00'], $m->map(['p' => '-0.001']));
        foreach (['1e3', '1 000', 'abc', '', '1.2.3'] as $bad) {
            self::assertSame([['p', 'invalid_decimal']], self::reasons(self::errorsOf(fn () => $m->map(['p' => $bad]))), $bad);
        }
        self::assertSame([['p', 'invalid_type']], self::reasons(self::errorsOf(fn () => $m->map(['p' => true]))));
        self::assertSame([['p', 'out_of_range']], self::reasons(self::errorsOf(fn () => $m->map(['p' => str_repeat('9', 40)]))));
    }

    public function testWrongTypesAreErrors(): void
    {
        $m = new Mapper(['fields' => [
            'i' => ['from' => 'i', 'cast' => 'int'],
            'f' => ['from' => 'f', 'cast' => 'float'],
            'b' => ['from' => 'b', 'cast' => 'bool'],
            's' => ['from' => 's', 'cast' => 'string'],
        ]]);
        $errors = self::errorsOf(fn () => $m->map(['i' => 1.5, 'f' => 'x', 'b' => 'maybe', 's' => ['k' => 1]]));
        self::assertSame([['i', 'invalid_int'], ['f', 'invalid_float'], ['b', 'invalid_bool'], ['s', 'invalid_type']], self::reasons($errors));
        self::assertSame('1.5', $errors[0]['value']);
        self::assertSame('"maybe"', $errors[2]['value']);
        self::assertSame('{"k":1}', $errors[3]['value']);
    }

    // ---- strings, maps --------------------------------------------------------

    public function testStringOperationsCountCharacters(): void
    {
        $out = self::one([
            't' => ['from' => 'v', 'trim' => true],
            'u' => ['from' => 'v', 'trim' => true, 'case' => 'upper'],
            'l' => ['from' => 'v', 'trim' => true, 'case' => 'lower'],
            'x' => ['from' => 'v', 'trim' => true, 'truncate' => 3],
        ], ['v' => "  Привет Мир \n"]);
        self::assertSame(['t' => 'Привет Мир', 'u' => 'ПРИВЕТ МИР', 'l' => 'привет мир', 'x' => 'При'], $out);
        self::assertSame(6, strlen($out['x']), '3 characters = 6 bytes in UTF-8');
    }

    public function testValueMaps(): void
    {
        $fields = [
            'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
            'STRICT' => ['from' => 'status', 'case' => 'lower', 'map' => ['active' => 1, 'archived' => 0]],
            'KEEP' => ['from' => 'status', 'map' => ['x' => 'y'], 'map_keep' => true],
            'FLAG' => ['from' => 'flag', 'map' => [true => 'Y', false => 'N']],
        ];
        self::assertSame(['ACTIVE' => 'N', 'STRICT' => 1, 'KEEP' => 'Active', 'FLAG' => 'Y'], self::one($fields, ['status' => 'Active', 'flag' => true]));
        $out = self::one($fields, ['status' => 'active', 'flag' => false]);
        self::assertSame(['ACTIVE' => 'Y', 'STRICT' => 1, 'KEEP' => 'active', 'FLAG' => 'N'], $out);
        $errors = self::errorsOf(fn () => self::one($fields, ['status' => 'deleted', 'flag' => true]));
        self::assertSame([['STRICT', 'unmapped_value']], self::reasons($errors));
        self::assertSame('"deleted"', $errors[0]['value']);
    }

    // ---- dates ----------------------------------------------------------------

    public function testErpMoscowTimeToIsoUtcAndBack(): void
    {
        $import = new Mapper(['fields' => ['at' => ['from' => 'at', 'date' => ['in' => 'd.m.Y H:i:s', 'in_tz' => 'Europe/Moscow', 'out' => 'iso8601', 'out_tz' => 'UTC']]]]);
        $export = new Mapper(['fields' => ['at' => ['from' => 'at', 'date' => ['in' => 'iso8601', 'out' => 'd.m.Y H:i:s', 'out_tz' => 'Europe/Moscow']]]]);
        self::assertSame(['at' => '2024-03-01T09:30:00Z'], $import->map(['at' => '01.03.2024 12:30:00']));
        self::assertSame(['at' => '01.03.2024 12:30:00'], $export->map(['at' => '2024-03-01T09:30:00Z']));
        // The same instant as PHP computes it.
        $php = (new \DateTimeImmutable('01.03.2024 12:30:00', new \DateTimeZone('Europe/Moscow')))->setTimezone(new \DateTimeZone('UTC'));
        self::assertSame($php->format('Y-m-d\TH:i:s\Z'), $import->map(['at' => '01.03.2024 12:30:00'])['at']);
        self::assertSame([['at', 'invalid_date']], self::reasons(self::errorsOf(fn () => $import->map(['at' => '2024-03-01']))));
    }

    /** The DST rule is PHP's: a skipped time moves forward, a repeated one is the earlier instant. */
    public function testDstGapAndOverlapMatchPhp(): void
    {
        $m = new Mapper(['fields' => ['at' => ['from' => 'at', 'date' => ['in' => 'Y-m-d H:i:s', 'in_tz' => 'Europe/Berlin', 'out' => 'timestamp']]]]);
        $strict = new Mapper(['fields' => ['at' => ['from' => 'at', 'date' => ['in' => 'Y-m-d H:i:s', 'in_tz' => 'Europe/Berlin', 'out' => 'timestamp', 'dst' => 'error']]]]);
        foreach (['2024-03-31 02:30:00', '2024-03-31 02:00:00', '2024-03-31 02:59:59', '2024-03-31 01:59:59', '2024-03-31 03:00:00', '2024-10-27 02:30:00', '2024-10-27 02:00:00', '2024-10-27 02:59:59', '2024-10-27 01:59:59', '2024-10-27 03:00:00', '2024-07-01 12:00:00'] as $local) {
            $php = (new \DateTimeImmutable($local, new \DateTimeZone('Europe/Berlin')))->getTimestamp();
            self::assertSame(['at' => $php], $m->map(['at' => $local]), $local);
        }
        self::assertSame([['at', 'nonexistent_time']], self::reasons(self::errorsOf(fn () => $strict->map(['at' => '2024-03-31 02:30:00']))));
        self::assertSame([['at', 'ambiguous_time']], self::reasons(self::errorsOf(fn () => $strict->map(['at' => '2024-10-27 02:30:00']))));
    }

    // ---- nesting --------------------------------------------------------------

    public function testNestedObjectsAndLists(): void
    {
        $m = new Mapper(['fields' => [
            'ID' => ['from' => 'id', 'cast' => 'int'],
            'PRICE' => ['fields' => ['amount' => ['from' => 'price', 'cast' => 'decimal'], 'currency' => ['const' => 'RUB']]],
            'ITEMS' => ['from' => 'items', 'fields' => ['SKU' => ['from' => 'sku', 'required' => true], 'QTY' => ['from' => 'qty', 'cast' => 'int', 'default' => 1]]],
        ]]);
        self::assertSame(
            ['ID' => 5, 'PRICE' => ['amount' => '10.00', 'currency' => 'RUB'], 'ITEMS' => [['SKU' => 'A', 'QTY' => 2], ['SKU' => 'B', 'QTY' => 1]]],
            $m->map(['id' => '5', 'price' => 10, 'items' => [['sku' => 'A', 'qty' => '2'], ['sku' => 'B']]]),
        );
        $errors = self::errorsOf(fn () => $m->map(['id' => 'x', 'price' => 'y', 'items' => [['qty' => 'z'], 'scalar']]));
        self::assertSame(
            [['ID', 'invalid_int'], ['PRICE.amount', 'invalid_decimal'], ['ITEMS.0.SKU', 'required'], ['ITEMS.0.QTY', 'invalid_int'], ['ITEMS.1', 'invalid_type']],
            self::reasons($errors),
        );
    }

    // ---- both directions --------------------------------------------------------

    public function testRoundTripApiToBitrixAndBack(): void
    {
        $import = new Mapper(['fields' => [
            'XML_ID' => ['from' => 'id', 'cast' => 'string', 'required' => true],
            'NAME' => ['from' => 'title', 'trim' => true, 'truncate' => 255, 'required' => true],
            'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
            'CATALOG_PRICE' => ['from' => 'price.amount', 'cast' => 'decimal', 'scale' => 2],
            'CURRENCY' => ['from' => 'price.currency', 'default' => 'RUB'],
            'TIMESTAMP_X' => ['from' => 'updated_at', 'date' => ['in' => 'iso8601', 'out' => 'd.m.Y H:i:s', 'out_tz' => 'Europe/Moscow']],
            'PROPERTY_SKUS' => ['from' => 'variants[*].sku'],
        ]]);
        $api = [
            'id' => 1001, 'title' => ' Чайник ', 'status' => 'active', 'price' => ['amount' => '1999.9', 'currency' => 'RUB'],
            'updated_at' => '2024-07-15T09:00:00Z', 'variants' => [['sku' => 'K1-W'], ['sku' => 'K1-B']],
        ];
        $bitrix = $import->map($api);
        self::assertSame([
            'XML_ID' => '1001', 'NAME' => 'Чайник', 'ACTIVE' => 'Y', 'CATALOG_PRICE' => '1999.90', 'CURRENCY' => 'RUB',
            'TIMESTAMP_X' => '15.07.2024 12:00:00', 'PROPERTY_SKUS' => ['K1-W', 'K1-B'],
        ], $bitrix);
        // The wildcard source gives the callback the list; it builds one object per SKU.
        $export = new Mapper(['fields' => [
            'id' => ['from' => 'XML_ID', 'cast' => 'int'],
            'title' => 'NAME',
            'status' => ['from' => 'ACTIVE', 'map' => ['Y' => 'active', 'N' => 'archived']],
            'price' => ['fields' => ['amount' => ['from' => 'CATALOG_PRICE', 'cast' => 'decimal'], 'currency' => 'CURRENCY']],
            'updated_at' => ['from' => 'TIMESTAMP_X', 'date' => ['in' => 'd.m.Y H:i:s', 'in_tz' => 'Europe/Moscow', 'out' => 'iso8601']],
            'variants' => ['from' => 'PROPERTY_SKUS', 'callback' => static fn (array $skus): array => array_map(static fn ($s) => ['sku' => $s], $skus)],
        ]]);
        self::assertSame(
            ['id' => 1001, 'title' => 'Чайник', 'status' => 'active', 'price' => ['amount' => '1999.90', 'currency' => 'RUB'],
             'updated_at' => '2024-07-15T09:00:00Z', 'variants' => [['sku' => 'K1-W'], ['sku' => 'K1-B']]],
            $export->map($bitrix),
        );
    }

    // ---- callbacks --------------------------------------------------------------

    public function testCallbackGetsValueAndRecordAndFeedsTheRestOfThePipeline(): void
    {
        $seen = [];
        $m = new Mapper(['fields' => [
            'CODE' => ['from' => 'name', 'callback' => function (mixed $value, array $record) use (&$seen): string {
                $seen[] = [$value, $record['id']];
                return "  {$value}-{$record['id']}  ";
            }, 'trim' => true, 'case' => 'lower'],
            'SUB' => ['fields' => ['X' => ['from' => 'id', 'callback' => static fn ($v): string => (string) $v]]],
        ]]);
        self::assertSame(['CODE' => 'kettle-7', 'SUB' => ['X' => '7']], $m->map(['id' => 7, 'name' => 'Kettle']));
        self::assertSame([['Kettle', 7]], $seen);
        self::assertSame(['CODE' => '-8', 'SUB' => ['X' => '8']], $m->map(['id' => 8]), 'missing → null for the callback');
    }

    public function testOneParameterClosuresAreNotPassedTheRecord(): void
    {
        // A closure declaring one parameter gets the value alone (no record array is
        // built for it); two parameters, a variadic one, or a non-closure callable get both.
        $m = new Mapper(['fields' => [
            'one' => ['from' => 'a', 'callback' => static fn ($v) => func_num_args()],
            'two' => ['from' => 'a', 'callback' => static fn ($v, $r) => func_num_args() . ':' . $r['b']],
            'rest' => ['from' => 'a', 'callback' => static fn (...$args) => count($args)],
        ]]);
        self::assertSame(['one' => 1, 'two' => '2:x', 'rest' => 2], $m->map(['a' => 1, 'b' => 'x']));
        $records = [];
        foreach ($m->mapJson('{"items": [{"a": 1, "b": "y"}]}', 'items[*]') as $row) {
            $records[] = $row;
        }
        self::assertSame([['one' => 1, 'two' => '2:y', 'rest' => 2]], $records);
    }

    public function testACallbackMayKeepTheRecordOfALiteralArray(): void
    {
        $kept = [];
        $m = new Mapper(['fields' => ['a' => ['from' => 'a', 'callback' => static function ($v, array $r) use (&$kept) {
            $kept[] = $r;
            return $v;
        }]]]);
        for ($i = 0; $i < 3; $i++) {
            self::assertSame(['a' => 1], $m->map(['a' => 1, 'b' => [2]]));
        }
        self::assertSame(array_fill(0, 3, ['a' => 1, 'b' => [2]]), $kept);
        unset($kept);
        self::assertSame(['a' => 1], $m->map(['a' => 1, 'b' => [2]]));
    }

    public function testCallbackExceptionPropagatesUnchanged(): void
    {
        $m = new Mapper(['fields' => ['a' => ['from' => 'a', 'callback' => static function (): never {
            throw new \DomainException('from the callback', 42);
        }]]]);
        try {
            $m->mapMany([['a' => 1], ['a' => 2]]);
            self::fail('expected the callback exception');
        } catch (\DomainException $e) {
            self::assertSame('from the callback', $e->getMessage());
            self::assertSame(42, $e->getCode());
        }
    }

    public function testCallbackReturningSomethingWithoutArrayFormIsAFieldError(): void
    {
        $m = new Mapper(['fields' => ['a' => ['from' => 'a', 'callback' => static fn () => static fn () => 1], 'b' => ['from' => 'b', 'cast' => 'int']]]);
        self::assertSame([['a', 'callback_failed'], ['b', 'invalid_int']], self::reasons(self::errorsOf(fn () => $m->map(['a' => 1, 'b' => 'x']))));
    }

    public function testCallablesAreHeldByTheMapper(): void
    {
        $m = (static function (): Mapper {
            $suffix = '!';
            return new Mapper(['fields' => ['a' => ['from' => 'a', 'callback' => static fn ($v) => $v . $suffix]]]);
        })();
        gc_collect_cycles();
        self::assertSame(['a' => 'x!'], $m->map(['a' => 'x']));
        $before = memory_get_usage();
        for ($i = 0; $i < 20_000; $i++) {
            $m->map(['a' => 'x']);
        }
        self::assertLessThan(64 * 1024, memory_get_usage() - $before, 'no zval leaks per call');
    }

    // ---- invalid UTF-8 ----------------------------------------------------------

    public function testInvalidUtf8IsAMappingErrorNotACrash(): void
    {
        $m = new Mapper(['fields' => ['name' => ['from' => 'name', 'truncate' => 2], 'tags' => 'tags', 'deep' => 'deep.x']]);
        $record = ['name' => "ab\xff\xfe", 'tags' => ['ok', "\xc3\x28"], 'deep' => ['x' => ["\x80"], "k\xff" => 1]];
        $errors = self::errorsOf(fn () => $m->map($record));
        // What the spec reads is checked: deep.x, not its sibling key "k\xff"…
        self::assertSame([['name', 'invalid_utf8'], ['tags.1', 'invalid_utf8'], ['deep.x.0', 'invalid_utf8']], self::reasons($errors));
        self::assertSame('"ab\\xff\\xfe"', $errors[0]['value']);
        // …which a field reading the whole of "deep" reports.
        $whole = new Mapper(['fields' => ['deep' => 'deep']]);
        $errors = self::errorsOf(fn () => $whole->map($record));
        self::assertSame([['deep.x.0', 'invalid_utf8'], ['deep', 'invalid_utf8']], self::reasons($errors));
        self::assertSame('"k\\xff"', $errors[1]['value']);
        // Keys the spec does not read are neither converted nor checked…
        self::assertSame(['name' => 'ok', 'tags' => null, 'deep' => null], $m->map(['name' => 'ok', "bad\xff" => "\xff", 'unused' => "\xfe"]));
        // …unless the spec reads the whole record (a root wildcard or a callback).
        $all = new Mapper(['fields' => ['all' => '[*]']]);
        self::assertSame('invalid_utf8', self::errorsOf(fn () => $all->map(["bad\xff" => 1]))[0]['reason']);
        // Binary JSON input to mapJson: invalid_json, not a crash.
        $errors = self::errorsOf(fn () => $m->mapJson("[{\"name\": \"a\xff\"}]", '[*]'));
        self::assertSame('invalid_json', $errors[0]['reason']);
    }

    public function testUnsupportedValuesInRecords(): void
    {
        $m = new Mapper(['fields' => ['a' => 'a', 'b' => 'b']]);
        $errors = self::errorsOf(fn () => $m->map(['a' => NAN, 'b' => static fn () => 1]));
        self::assertSame([['a', 'invalid_type'], ['b', 'invalid_type']], self::reasons($errors));
        $r = ['a' => 1];
        $r['b'] = &$r;
        self::assertSame('too_deep', self::errorsOf(fn () => $m->map($r))[0]['reason']);
        // JsonSerializable objects are serialized.
        $obj = new class () implements \JsonSerializable {
            public function jsonSerialize(): mixed
            {
                return ['k' => 'v'];
            }
        };
        self::assertSame(['a' => ['k' => 'v'], 'b' => null], $m->map(['a' => $obj]));
    }

    // ---- errors -----------------------------------------------------------------

    public function testEveryProblemIsReportedWithQuotedCutValues(): void
    {
        $m = new Mapper(['fields' => [
            'a' => ['from' => 'a', 'cast' => 'int'],
            'b' => ['from' => 'b', 'required' => true],
            'c' => ['from' => 'c', 'cast' => 'decimal'],
        ]]);
        try {
            $m->map(['a' => str_repeat('ж', 500), 'c' => 'x']);
            self::fail('expected a MappingException');
        } catch (MappingException $e) {
            self::assertInstanceOf(ConduitException::class, $e);
            self::assertInstanceOf(\RuntimeException::class, $e);
            self::assertSame(__FILE__, $e->getFile(), 'PHP file and line of the call');
            self::assertStringContainsString('3 errors', $e->getMessage());
            $errors = $e->getErrors();
            self::assertSame([['a', 'invalid_int'], ['b', 'required'], ['c', 'invalid_decimal']], self::reasons($errors));
            self::assertSame(101, mb_strlen($errors[0]['value']), '100 characters + …');
            self::assertStringEndsWith('…', $errors[0]['value']);
            self::assertSame(['path', 'reason', 'message', 'value', 'record'], array_keys($errors[0]));
        }
        self::assertTrue(is_subclass_of(MappingException::class, ConduitException::class));
    }

    public function testSpecErrorsNameTheSpecPath(): void
    {
        $cases = [
            [['fields' => ['price' => ['from' => 'p', 'cast' => 'money']]], 'fields.price.cast'],
            [['fields' => ['price' => ['from' => 'p', 'frobnicate' => 1]]], 'fields.price.frobnicate'],
            [['fields' => ['price' => ['from' => 'a..b']]], 'fields.price.from'],
            [['fields' => ['price' => 'items[x]']], 'fields.price'],
            [['fields' => ['d' => ['from' => 'd', 'date' => ['in_tz' => 'Europe/Atlantis']]]], 'fields.d.date.in_tz'],
            [['fields' => ['d' => ['from' => 'd', 'date' => ['in' => 'd.m.Y Q']]]], 'fields.d.date.in'],
            [['fields' => ['n' => ['from' => 'n', 'fields' => ['m' => ['cast' => 'nope']]]]], 'fields.n.fields.m.cast'],
            [['fields' => ['c' => ['from' => 'c', 'callback' => 'no_such_function_xyz']]], 'fields.c.callback'],
            [['fields' => ['c' => ['from' => 'c', 'callback' => 42]]], 'fields.c.callback'],
            [['fields' => ['s' => ['const' => fopen('php://memory', 'r')]]], 'fields.s.const'],
            [['fieldz' => []], 'spec.fieldz'],
            [[], 'fields'],
        ];
        foreach ($cases as [$spec, $path]) {
            try {
                new Mapper($spec);
                self::fail("spec for $path should be rejected");
            } catch (ConfigException $e) {
                self::assertStringContainsString("\"$path", $e->getMessage());
                self::assertInstanceOf(ConduitException::class, $e);
            }
        }
    }

    // ---- many, json -----------------------------------------------------------

    public function testMapManyKeepsKeysAndReportsRecordKeys(): void
    {
        $m = new Mapper(['fields' => ['ID' => ['from' => 'id', 'cast' => 'int', 'required' => true]]]);
        self::assertSame([3 => ['ID' => 1], 'x' => ['ID' => 2]], $m->mapMany([3 => ['id' => '1'], 'x' => ['id' => 2]]));
        self::assertSame([], $m->mapMany([]));
        try {
            $m->mapMany([['id' => 1], ['id' => 'bad'], ['x' => 1], 'k' => 'not an array']);
            self::fail('expected a MappingException');
        } catch (MappingException $e) {
            self::assertStringStartsWith('3 of 4 records could not be mapped', $e->getMessage());
            self::assertSame([1, 2, 'k'], array_column($e->getErrors(), 'record'));
            self::assertSame(['invalid_int', 'required', 'invalid_type'], array_column($e->getErrors(), 'reason'));
        }
    }

    public function testMapManyEqualsMapPerRecord(): void
    {
        $m = new Mapper(['fields' => [
            'ID' => ['from' => 'id', 'cast' => 'string'],
            'NAME' => ['from' => 'name', 'trim' => true, 'case' => 'upper'],
            'PRICE' => ['from' => 'price', 'cast' => 'decimal'],
        ]]);
        $records = [];
        for ($i = 0; $i < 10_000; $i++) {
            $records[] = ['id' => $i, 'name' => " item $i ", 'price' => $i / 8];
        }
        $many = $m->mapMany($records);
        self::assertCount(10_000, $many);
        self::assertSame(array_map([$m, 'map'], $records), $many);
        self::assertSame(['ID' => '9999', 'NAME' => 'ITEM 9999', 'PRICE' => '1249.88'], $many[9999]);
    }

    /**
     * mapMany builds its result list and the fast path's rows in place (no engine
     * call per element): they must behave as arrays PHP built itself, keys found by
     * lookup, growing, appending after the last index, holes and references in the
     * input kept apart.
     */
    public function testMapManyResultsAreOrdinaryArrays(): void
    {
        $m = new Mapper(['fields' => [
            'XML_ID' => ['from' => 'id', 'cast' => 'string'],
            'NAME' => ['from' => 'title', 'trim' => true],
            'QTY' => ['from' => 'qty', 'cast' => 'int', 'default' => 0],
        ]]);
        $records = [];
        for ($i = 0; $i < 20; $i++) {
            $records[] = ['id' => $i, 'title' => " Товар $i ", 'qty' => (string) $i];
        }
        // A record the fast path hands to the executor (no `qty`: the default).
        $records[5] = ['id' => 5, 'title' => 'five'];
        $rows = $m->mapMany($records);
        self::assertTrue(array_is_list($rows));
        self::assertSame(['XML_ID' => '5', 'NAME' => 'five', 'QTY' => 0], $rows[5]);
        $row = $rows[7];
        self::assertSame(['XML_ID', 'NAME', 'QTY'], array_keys($row));
        self::assertSame('Товар 7', $row['NAME']);
        self::assertTrue(isset($row['QTY']) && !isset($row['qty']));
        self::assertSame(['XML_ID' => '7', 'NAME' => 'Товар 7', 'QTY' => 7], $row);
        self::assertSame('{"XML_ID":"7","NAME":"Товар 7","QTY":7}', json_encode($row, JSON_UNESCAPED_UNICODE));
        // Grown past its first size, every key is still found.
        for ($k = 0; $k < 40; $k++) {
            $row["extra$k"] = $k;
        }
        unset($row['NAME']);
        self::assertSame('7', $row['XML_ID']);
        self::assertSame(39, $row['extra39']);
        self::assertArrayNotHasKey('NAME', $row);
        self::assertCount(42, $row);
        $rows[] = 'next';
        self::assertSame('next', $rows[20]);
        // Holes and references in the input list.
        $holes = $records;
        unset($holes[1], $holes[3]);
        $ref = &$holes[2];
        $ref['title'] = 'by reference';
        $out = $m->mapMany($holes);
        self::assertSame([0, 2, 4], array_slice(array_keys($out), 0, 3));
        self::assertSame('by reference', $out[2]['NAME']);
        self::assertSame(array_map([$m, 'map'], $holes), $out);
        unset($ref);
    }

    public function testMapJsonSelectors(): void
    {
        $m = new Mapper(['fields' => ['SKU' => 'sku', 'QTY' => ['from' => 'qty', 'cast' => 'int']]]);
        $json = '{"data": {"items": [{"sku": "A", "qty": "1"}, {"sku": "B", "qty": 2}]}}';
        $expected = [['SKU' => 'A', 'QTY' => 1], ['SKU' => 'B', 'QTY' => 2]];
        self::assertSame($expected, $m->mapJson($json, 'data.items[*]'));
        self::assertSame($expected, $m->mapJson($json, 'data.items'));
        self::assertSame($expected, $m->mapJson('[{"sku": "A", "qty": 1}, {"sku": "B", "qty": "2"}]', '[*]'));
        self::assertSame([['SKU' => 'C', 'QTY' => 3]], $m->mapJson('{"one": {"sku": "C", "qty": 3}}', 'one'));
        self::assertSame([], $m->mapJson('{"items": []}', 'items[*]'));
        self::assertSame('not_found', self::errorsOf(fn () => $m->mapJson('{"a": 1}', 'items[*]'))[0]['reason']);
        self::assertSame('invalid_json', self::errorsOf(fn () => $m->mapJson('{"items": [', 'items[*]'))[0]['reason']);
        $errors = self::errorsOf(fn () => $m->mapJson('{"items": [{"qty": 1}, 5, {"qty": "x"}]}', 'items[*]'));
        self::assertSame([[1, 'invalid_type'], [2, 'invalid_int']], array_map(null, array_column($errors, 'record'), array_column($errors, 'reason')));
        // Wildcard selectors stream: a syntax error mid-array names the record it broke.
        $errors = self::errorsOf(fn () => $m->mapJson('{"items": [{"sku": "A"}, {"sku": "B"}, {"sku" "C"}]}', 'items[*]'));
        self::assertSame([[2, 'invalid_json']], array_map(null, array_column($errors, 'record'), array_column($errors, 'reason')));
        $big = '{"meta": {"skip": "' . str_repeat('x', 1_000_000) . '"}, "items": [' . implode(',', array_fill(0, 50_000, '{"sku": "S", "qty": "1"}')) . ']}';
        self::assertCount(50_000, $m->mapJson($big, 'items[*]'));
        $this->expectException(ConfigException::class);
        $m->mapJson('[]', 'a..b');
    }

    public function testHugeRecords(): void
    {
        $m = new Mapper(['fields' => [
            'PRICES' => ['from' => 'offers[*].price', 'cast' => 'decimal'],
            'OFFERS' => ['from' => 'offers', 'fields' => ['ID' => 'id']],
            'TEXT' => ['from' => 'description', 'truncate' => 10],
        ]]);
        $offers = [];
        for ($i = 0; $i < 100_000; $i++) {
            $offers[] = ['id' => "o$i", 'price' => "$i.005"];
        }
        $out = $m->map(['offers' => $offers, 'description' => str_repeat('Ё', 5_000_000)]);
        self::assertCount(100_000, $out['PRICES']);
        self::assertSame('99999.01', $out['PRICES'][99_999]);
        self::assertSame(['ID' => 'o5'], $out['OFFERS'][5]);
        self::assertSame(str_repeat('Ё', 10), $out['TEXT']);
    }

    public function testOneOrManyWildcard(): void
    {
        // `[*]` takes a single object as a list of one (XML-derived records), `.*` iterates object values.
        $m = new Mapper(['fields' => ['IDS' => 'props.prop[*].id', 'VALS' => 'prices.*']]);
        self::assertSame(['IDS' => ['a', 'b'], 'VALS' => [1, 2]], $m->map(['props' => ['prop' => [['id' => 'a'], ['id' => 'b']]], 'prices' => ['x' => 1, 'y' => 2]]));
        self::assertSame(['IDS' => ['a'], 'VALS' => []], $m->map(['props' => ['prop' => ['id' => 'a']], 'prices' => []]));
        self::assertSame([['ID' => 'one']], (new Mapper(['fields' => ['ID' => 'id']]))->mapJson('{"item": {"id": "one"}}', 'item[*]'));
    }

    public function testMapperCannotBeClonedOrSerialized(): void
    {
        $m = new Mapper(['fields' => ['a' => ['from' => 'a', 'callback' => static fn ($v) => $v]]]);
        try {
            clone $m;
            self::fail('clone should fail');
        } catch (\Error $e) {
            self::assertStringContainsString('uncloneable', $e->getMessage());
        }
        $this->expectException(\Exception::class);
        serialize($m);
    }

    public function testNumericKeysComeBackAsPhpIntegers(): void
    {
        $out = self::one(['m' => 'm', '5' => ['const' => 'five']], ['m' => [10 => 'a', 20 => 'b']]);
        self::assertSame(['m' => [10 => 'a', 20 => 'b'], 5 => 'five'], $out);
    }
    /**
     * A spec of simple fields (one key; trim, value map, int/string cast, truncate)
     * takes the binding's fast path; adding a `const` field sends the same fields
     * through the general executor. Both must give the same rows and errors on
     * every kind of value, including those the fast path hands over.
     */
    public function testFastPathMapsLikeTheExecutor(): void
    {
        $fields = [
            'ID' => ['from' => 'id', 'cast' => 'string'],
            'NAME' => ['from' => 'title', 'trim' => true, 'truncate' => 3],
            'RAW' => 'title',
            'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N', 'long' => 'Longer text'], 'map_default' => 'N'],
            'KEPT' => ['from' => 'status', 'trim' => true, 'map' => ['active' => 'A'], 'map_keep' => true],
            'QTY' => ['from' => 'qty', 'cast' => 'int'],
        ];
        $fast = new Mapper(['fields' => $fields]);
        $general = new Mapper(['fields' => $fields + ['_GENERAL' => ['const' => 1]]]);
        $records = [
            ['id' => 7, 'title' => '  Товар №1 ', 'status' => 'active', 'qty' => '12'],
            ['id' => 1234567, 'title' => 'ab', 'status' => ' archived ', 'qty' => ' -3 '],
            ['id' => 'x9', 'title' => '', 'status' => 'long', 'qty' => 5],
            ['id' => -5, 'title' => "\u{a0}é\u{a0}", 'status' => 'other', 'qty' => PHP_INT_MAX],
            ['id' => 0, 'title' => 'plain', 'status' => 3, 'qty' => '0'],
            ['id' => null, 'title' => 'no status', 'qty' => true],
            ['id' => 1.5, 'title' => ['nested'], 'status' => false, 'qty' => 1.0],
            ['id' => 2, 'title' => 'ok', 'status' => 'active', 'qty' => 'twelve'],
            'k' => ['id' => 3, 'title' => "bad \xff", 'status' => "\xfe", 'qty' => '1'],
        ];
        $strip = static function (array $rows): array {
            foreach ($rows as &$row) {
                unset($row['_GENERAL']);
            }
            return $rows;
        };
        $one = static function (Mapper $m, array $r) use ($strip) {
            try {
                return $strip([$m->map($r)])[0];
            } catch (MappingException $e) {
                return $e->getErrors();
            }
        };
        foreach ($records as $k => $record) {
            self::assertSame($one($general, $record), $one($fast, $record), "record $k");
        }
        $valid = array_slice($records, 0, 5);
        $rows = $fast->mapMany($valid);
        self::assertSame($strip($general->mapMany($valid)), $rows);
        self::assertSame('7', $rows[0]['ID']);
        self::assertSame('Тов', $rows[0]['NAME']);
        self::assertSame('Longer text', $rows[2]['ACTIVE']);
        // Shared strings are copy-on-write: changing a result changes nothing else.
        $rows[2]['ACTIVE'] .= '!';
        $rows[1]['RAW'] .= '!';
        self::assertSame('Longer text', $fast->map($valid[2])['ACTIVE']);
        self::assertSame('ab', $valid[1]['title']);
        self::assertSame(
            self::errorsOf(static fn () => $general->mapMany($records)),
            self::errorsOf(static fn () => $fast->mapMany($records)),
        );
    }
}
