<?php

namespace Conduit\Integration\Gateway;

/**
 * A typed record a gateway sends or receives: a readonly class built from a mapped
 * array. `toArray()` gives back the array form (the JSON body of a call).
 *
 * ```php
 * final readonly class OrderResult implements Dto
 * {
 *     public function __construct(public string $id, public bool $created) {}
 *     public static function fromArray(array $data): static { return new static((string) $data['id'], (bool) $data['created']); }
 *     public function toArray(): array { return ['id' => $this->id, 'created' => $this->created]; }
 * }
 * ```
 */
interface Dto
{
    /** @param array<string, mixed> $data a mapped record */
    public static function fromArray(array $data): static;

    /** @return array<string, mixed> */
    public function toArray(): array;
}
