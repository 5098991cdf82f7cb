<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\Dto;

/** Price and stock of a product (CommerceML offers.xml, or the JSON stock export). */
final readonly class OfferDto implements Dto
{
    public function __construct(public string $xmlId, public string $price, public string $currency, public int $quantity, public ?string $storeXmlId)
    {
    }

    public static function fromArray(array $data): static
    {
        return new static((string) $data['XML_ID'], (string) $data['PRICE'], (string) ($data['CURRENCY'] ?? 'RUB'), (int) ($data['QUANTITY'] ?? 0), $data['STORE_XML_ID'] ?? null);
    }

    public function toArray(): array
    {
        return ['XML_ID' => $this->xmlId, 'PRICE' => $this->price, 'CURRENCY' => $this->currency, 'QUANTITY' => $this->quantity, 'STORE_XML_ID' => $this->storeXmlId];
    }
}
