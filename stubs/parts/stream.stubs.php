<?php
declare(strict_types=1);

namespace Conduit;

/**
 * A response body read record by record (ApiClient::stream()). Call records()
 * once, then foreach: each value is a list of up to $batch (mapped) records,
 * keys 0, 1, 2… (the batch number). The body is never one PHP string; memory is
 * bounded by the batch and the largest record. A stream is read once.
 *
 * ```php
 * $stream = $client->stream('GET', '/export', ['query' => ['offset' => $offset]]);
 * foreach ($stream->records('items[*]', $mapper, 500) as $batch) { … }
 * ```
 *
 * Failures: a malformed body (invalid_json / invalid_xml) or a failing record
 * with `fail_fast` is a MappingException naming the record; the batch holding it
 * is not delivered. A connection lost mid-body is a TransportException whose
 * getRecordsDelivered() is the offset to resume from.
 *
 * @implements \Iterator<int, list<array<mixed>>>
 */
final class RecordStream implements \Iterator
{
    /** Streams come from ApiClient::stream(): `new RecordStream()` throws ConfigException. */
    public function __construct() {}

    /**
     * Sets what to read and returns this stream. `$selector`: a JSON path ending in
     * its only wildcard (`items[*]`, `data.items[*]`, `[*]`), `""` or `[*]` for
     * NDJSON, element names from the root for XML
     * (`КоммерческаяИнформация/Каталог/Товары/Товар`).
     * @throws ConfigException bad selector or batch size (1 to 100000), second call
     */
    public function records(string $selector, ?Mapper $mapper = null, int $batch = 500): RecordStream {}

    /**
     * The next batch, or null at the end — the loop without foreach.
     * @return list<array<mixed>>|null
     * @throws MappingException|TransportException|TimeoutException
     */
    public function nextBatch(): mixed {}

    /** @return list<array<mixed>>|null */
    public function current(): mixed {}
    public function key(): int {}
    /** @throws MappingException|TransportException|TimeoutException */
    public function next(): void {}
    /** @throws ConfigException when the stream was already read */
    public function rewind(): void {}
    public function valid(): bool {}

    /**
     * `records`: read from the body; `mapped`: delivered; `batches`: delivered
     * batches; `errors`: records skipped for mapping errors.
     * @return array{records: int, mapped: int, batches: int, errors: int}
     */
    public function getStats(): array {}

    /**
     * The mapping errors of skipped records (first 1000), shaped like
     * MappingException::getErrors() with `record` the record's position.
     * @return list<array{path: string, reason: string, message: string, value: ?string, record: int}>
     */
    public function getErrors(): array {}

    /** Records read in delivered batches (mapped or skipped): the resume offset. */
    public function getRecordsDelivered(): int {}

    public function getStatus(): int {}
    /** @return array<string, string> */
    public function getHeaders(): array {}
    public function getHeader(string $name): ?string {}
    public function getAttempts(): int {}
    public function getCorrelationId(): string {}
}
