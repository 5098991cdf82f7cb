<?php

namespace Conduit\Integration\Gateway\Example;

/**
 * Where the imported batches go. A site implements it with \Bitrix\Iblock and
 * \Bitrix\Catalog calls (docs/gateways.md shows one); each call gets one batch
 * (up to the import's batch size), in export order.
 */
interface CatalogHandler
{
    /** @param list<ProductDto> $products */
    public function products(array $products): void;

    /** @param list<OfferDto> $offers prices and stock */
    public function offers(array $offers): void;
}
