<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\Dto;

/** One basket line of an {@see OrderDto}. */
final readonly class OrderItemDto implements Dto
{
    public function __construct(public string $sku, public string $name, public float $quantity, public string $price)
    {
    }

    public static function fromArray(array $data): static
    {
        return new static((string) $data['sku'], (string) ($data['name'] ?? ''), (float) ($data['quantity'] ?? 0), (string) ($data['price'] ?? '0.00'));
    }

    public function toArray(): array
    {
        return ['sku' => $this->sku, 'name' => $this->name, 'quantity' => $this->quantity, 'price' => $this->price];
    }
}
