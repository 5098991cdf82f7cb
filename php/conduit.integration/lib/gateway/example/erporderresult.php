<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\Dto;

/** The ERP's answer to an order: its id, and whether this call created it (false: a replay). */
final readonly class ErpOrderResult implements Dto
{
    public function __construct(public string $id, public int $number, public bool $created)
    {
    }

    public static function fromArray(array $data): static
    {
        return new static((string) $data['id'], (int) $data['number'], (bool) $data['created']);
    }

    public function toArray(): array
    {
        return ['id' => $this->id, 'number' => $this->number, 'created' => $this->created];
    }
}
