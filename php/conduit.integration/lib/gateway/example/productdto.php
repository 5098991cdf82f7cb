<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\Dto;

/**
 * A catalog product, the same from the JSON export and from CommerceML import.xml
 * (keys are the mapped names, close to CIBlockElement fields).
 */
final readonly class ProductDto implements Dto
{
    /** @param list<string> $properties property values (colour, weight) */
    public function __construct(
        public string $xmlId,
        public string $name,
        public ?string $article,
        public ?string $sectionXmlId,
        public bool $active,
        public string $description,
        public array $properties,
        public ?string $price = null,
        public ?int $quantity = null,
    ) {
    }

    public static function fromArray(array $data): static
    {
        return new static(
            (string) $data['XML_ID'],
            (string) $data['NAME'],
            $data['ARTICLE'] ?? null,
            $data['SECTION_XML_ID'] ?? null,
            ($data['ACTIVE'] ?? 'Y') === 'Y',
            (string) ($data['DETAIL_TEXT'] ?? ''),
            array_values((array) ($data['PROPERTIES'] ?? [])),
            $data['PRICE'] ?? null,
            $data['QUANTITY'] ?? null,
        );
    }

    public function toArray(): array
    {
        return [
            'XML_ID' => $this->xmlId, 'NAME' => $this->name, 'ARTICLE' => $this->article, 'SECTION_XML_ID' => $this->sectionXmlId,
            'ACTIVE' => $this->active ? 'Y' : 'N', 'DETAIL_TEXT' => $this->description, 'PROPERTIES' => $this->properties,
            'PRICE' => $this->price, 'QUANTITY' => $this->quantity,
        ];
    }
}
