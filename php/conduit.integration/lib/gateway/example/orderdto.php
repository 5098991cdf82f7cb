<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\Dto;

/** An order as the ERP takes it (POST /erp/orders), built from a Bitrix order by {@see ErpGateway::orderMapper()}. */
final readonly class OrderDto implements Dto
{
    /** @param list<OrderItemDto> $items */
    public function __construct(
        public string $externalId,
        public string $number,
        public ?string $createdAt,
        public string $status,
        public string $currency,
        public string $total,
        public ?string $email,
        public string $customerName,
        public array $items,
    ) {
    }

    public static function fromArray(array $data): static
    {
        return new static(
            (string) $data['external_id'],
            (string) $data['number'],
            $data['created_at'] ?? null,
            (string) ($data['status'] ?? 'new'),
            (string) ($data['currency'] ?? 'RUB'),
            (string) ($data['total'] ?? '0.00'),
            $data['customer']['email'] ?? null,
            (string) ($data['customer']['name'] ?? ''),
            array_map(static fn (array $i): OrderItemDto => OrderItemDto::fromArray($i), array_values((array) ($data['items'] ?? []))),
        );
    }

    public function toArray(): array
    {
        return [
            'external_id' => $this->externalId,
            'number' => $this->number,
            'created_at' => $this->createdAt,
            'status' => $this->status,
            'currency' => $this->currency,
            'total' => $this->total,
            'customer' => ['email' => $this->email, 'name' => $this->customerName],
            'items' => array_map(static fn (OrderItemDto $i): array => $i->toArray(), $this->items),
        ];
    }
}
