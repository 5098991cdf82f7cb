<?php

namespace Conduit\Integration\Gateway;

/**
 * What {@see AbstractGateway::import()} did: records read from the body, records
 * delivered to the batch callback, batches, records skipped for mapping errors (the
 * first of them in `errors`), and the offsets a broken stream was resumed from.
 */
final readonly class ImportResult
{
    /**
     * @param list<array<string, mixed>> $errors as RecordStream::getErrors()
     * @param list<int> $resumedAt
     */
    public function __construct(
        public int $records,
        public int $mapped,
        public int $batches,
        public int $skipped,
        public array $errors = [],
        public array $resumedAt = [],
    ) {
    }

    /** @param array{records: int, mapped: int, batches: int, errors: int} $stats */
    public function plus(array $stats, array $errors, ?int $resumedAt = null): self
    {
        return new self(
            $this->records + $stats['records'],
            $this->mapped + $stats['mapped'],
            $this->batches + $stats['batches'],
            $this->skipped + $stats['errors'],
            array_slice(array_merge($this->errors, $errors), 0, 1000),
            $resumedAt === null ? $this->resumedAt : [...$this->resumedAt, $resumedAt],
        );
    }
}
