<?php

namespace Conduit\Integration\Gateway\Example;

use Conduit\Integration\Gateway\AbstractGateway;
use Conduit\Integration\Gateway\ImportResult;
use Conduit\Mapper;

/**
 * The worked example: an ERP reached through the connection "erp" (tests/mockapi's
 * /erp endpoints have the same shape).
 *
 * - orders go out queued and idempotent: {@see exportOrder()} (or synchronously,
 *   {@see sendOrder()});
 * - the catalog comes in as the JSON export ({@see importCatalog()}) or as the
 *   CommerceML pair import.xml + offers.xml ({@see importCommerceMl()}), stock as JSON
 *   ({@see importStock()}), in batches to a {@see CatalogHandler}.
 *
 * ```php
 * $erp = new ErpGateway();
 * $jobId = $erp->exportOrder($orderFields);          // from an OnSaleOrderSaved handler
 * $erp->importCatalog(new IblockCatalogHandler(5));   // from an agent, nightly
 * ```
 */
class ErpGateway extends AbstractGateway
{
    protected const CONNECTION = 'erp';

    public const CATALOG_PATH = '/erp/catalog';
    public const OFFERS_PATH = '/erp/offers';
    public const ORDERS_PATH = '/erp/orders';

    public const XML_PRODUCTS = 'КоммерческаяИнформация/Каталог/Товары/Товар';
    public const XML_OFFERS = 'КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение';

    /** @var array<string, Mapper> compiled once per process */
    private static array $mappers = [];

    /**
     * Bitrix order fields (\Bitrix\Sale\Order::getFieldValues() plus BASKET rows and
     * the buyer's USER_* fields) → the ERP's order JSON.
     */
    public static function orderMapper(): Mapper
    {
        return self::$mappers['order'] ??= new Mapper(['fields' => [
            'external_id' => ['from' => 'ID', 'cast' => 'string', 'required' => true],
            'number' => ['from' => 'ACCOUNT_NUMBER', 'cast' => 'string', 'required' => true],
            'created_at' => ['from' => 'DATE_INSERT', 'date' => ['in' => 'd.m.Y H:i:s', 'in_tz' => 'Europe/Moscow', 'out' => 'iso8601', 'out_tz' => 'UTC']],
            'status' => ['from' => 'STATUS_ID', 'map' => ['N' => 'new', 'P' => 'paid', 'F' => 'completed'], 'map_default' => 'new'],
            'currency' => ['from' => 'CURRENCY', 'default' => 'RUB'],
            'total' => ['from' => 'PRICE', 'cast' => 'decimal', 'scale' => 2, 'required' => true],
            'customer' => ['fields' => [
                'email' => ['from' => 'USER_EMAIL', 'trim' => true, 'case' => 'lower'],
                'name' => ['template' => '{USER_NAME} {USER_LAST_NAME}', 'trim' => true],
            ]],
            'items' => ['from' => 'BASKET', 'fields' => [
                'sku' => ['from' => 'PRODUCT_XML_ID', 'required' => true],
                'name' => ['from' => 'NAME', 'truncate' => 255],
                'quantity' => ['from' => 'QUANTITY', 'cast' => 'float'],
                'price' => ['from' => 'PRICE', 'cast' => 'decimal', 'scale' => 2],
            ]],
        ]]);
    }

    /** JSON catalog record → ProductDto fields. */
    public static function productMapper(): Mapper
    {
        return self::$mappers['product'] ??= new Mapper(['fields' => [
            'XML_ID' => ['from' => 'id', 'cast' => 'string', 'required' => true],
            'NAME' => ['from' => 'title', 'trim' => true, 'truncate' => 255, 'required' => true],
            'ARTICLE' => 'sku',
            'SECTION_XML_ID' => 'category.id',
            'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
            'DETAIL_TEXT' => ['from' => 'description', 'default' => ''],
            'PROPERTIES' => ['from' => 'attributes[*].value'],
            'PRICE' => ['from' => 'price.amount', 'cast' => 'decimal', 'scale' => 2],
            'QUANTITY' => ['from' => 'quantity', 'cast' => 'int'],
        ]]);
    }

    /** CommerceML <Товар> (import.xml) → ProductDto fields. */
    public static function xmlProductMapper(): Mapper
    {
        return self::$mappers['xml_product'] ??= new Mapper(['fields' => [
            'XML_ID' => ['from' => 'Ид', 'required' => true],
            'NAME' => ['from' => 'Наименование', 'trim' => true, 'truncate' => 255, 'required' => true],
            'ARTICLE' => 'Артикул',
            'SECTION_XML_ID' => 'Группы.Ид',
            'ACTIVE' => ['from' => 'Статус', 'map' => ['active' => 'Y', 'archived' => 'N', 'Удален' => 'N'], 'map_default' => 'Y', 'default' => 'Y'],
            'DETAIL_TEXT' => ['from' => 'Описание', 'default' => ''],
            'PROPERTIES' => ['from' => 'ЗначенияСвойств.ЗначенияСвойства[*].Значение'],
        ]]);
    }

    /** CommerceML <Предложение> (offers.xml) → OfferDto fields. */
    public static function xmlOfferMapper(): Mapper
    {
        return self::$mappers['xml_offer'] ??= new Mapper(['fields' => [
            'XML_ID' => ['from' => 'Ид', 'required' => true],
            'PRICE' => ['from' => 'Цены.Цена.ЦенаЗаЕдиницу', 'cast' => 'decimal', 'scale' => 2, 'required' => true],
            'CURRENCY' => ['from' => 'Цены.Цена.Валюта', 'default' => 'RUB'],
            'QUANTITY' => ['from' => 'Количество', 'cast' => 'int', 'default' => 0],
            'STORE_XML_ID' => 'Склад.@ИдСклада',
        ]]);
    }

    /** JSON stock record → OfferDto fields. */
    public static function stockMapper(): Mapper
    {
        return self::$mappers['stock'] ??= new Mapper(['fields' => [
            'XML_ID' => ['from' => 'id', 'required' => true],
            'PRICE' => ['from' => 'price', 'cast' => 'decimal', 'scale' => 2, 'required' => true],
            'CURRENCY' => ['from' => 'currency', 'default' => 'RUB'],
            'QUANTITY' => ['from' => 'quantity', 'cast' => 'int', 'default' => 0],
            'STORE_XML_ID' => 'warehouse',
        ]]);
    }

    /** @param array<string, mixed> $bitrixOrder */
    public static function orderDto(array $bitrixOrder): OrderDto
    {
        return OrderDto::fromArray(self::orderMapper()->map($bitrixOrder));
    }

    /**
     * Queues the order for the ERP. The business key is the Bitrix order ID: saving the
     * same order twice queues one job (dedupe key) and the ERP sees one idempotency key.
     *
     * @param array<string, mixed> $bitrixOrder
     * @return int the job id
     */
    public function exportOrder(array $bitrixOrder, array $options = []): int
    {
        $dto = self::orderDto($bitrixOrder);
        return $this->enqueue('POST', self::ORDERS_PATH, $dto, 'order:' . $dto->externalId, $options);
    }

    /** The same, now, with the ERP's answer. @param array<string, mixed> $bitrixOrder */
    public function sendOrder(array $bitrixOrder): ErpOrderResult
    {
        $dto = self::orderDto($bitrixOrder);
        return $this->call('POST', self::ORDERS_PATH, $dto, ErpOrderResult::class, null, [
            'idempotency_key' => $this->idempotencyKey('POST', self::ORDERS_PATH, 'order:' . $dto->externalId),
        ]);
    }

    /**
     * The JSON catalog export (`{"items": [...]}`), resumed by `offset` after a lost connection.
     * @param array<string, mixed> $options AbstractGateway::import() options
     */
    public function importCatalog(CatalogHandler $handler, array $options = []): ImportResult
    {
        return $this->import(self::CATALOG_PATH, 'items[*]', self::productMapper(), static function (array $rows) use ($handler): void {
            $handler->products(array_map(static fn (array $r): ProductDto => ProductDto::fromArray($r), $rows));
        }, $options + ['offset_param' => 'offset']);
    }

    /**
     * The CommerceML pair: import.xml (products) first, then offers.xml (prices, stock),
     * as 1C sends them; encoding from the XML declaration (windows-1251 from 1C).
     *
     * @param array<string, mixed> $options AbstractGateway::import() options (query goes to both)
     * @return array{import: ImportResult, offers: ImportResult}
     */
    public function importCommerceMl(CatalogHandler $handler, array $options = []): array
    {
        $xml = $options;
        $xml['query'] = ['format' => 'xml'] + (array) ($options['query'] ?? []);
        $xml += ['offset_param' => 'offset'];
        $import = $this->import(self::CATALOG_PATH, self::XML_PRODUCTS, self::xmlProductMapper(), static function (array $rows) use ($handler): void {
            $handler->products(array_map(static fn (array $r): ProductDto => ProductDto::fromArray($r), $rows));
        }, $xml);
        $offers = $this->import(self::OFFERS_PATH, self::XML_OFFERS, self::xmlOfferMapper(), static function (array $rows) use ($handler): void {
            $handler->offers(array_map(static fn (array $r): OfferDto => OfferDto::fromArray($r), $rows));
        }, $xml);
        return ['import' => $import, 'offers' => $offers];
    }

    /** Prices and stock from the JSON export. @param array<string, mixed> $options */
    public function importStock(CatalogHandler $handler, array $options = []): ImportResult
    {
        return $this->import(self::OFFERS_PATH, 'items[*]', self::stockMapper(), static function (array $rows) use ($handler): void {
            $handler->offers(array_map(static fn (array $r): OfferDto => OfferDto::fromArray($r), $rows));
        }, $options + ['offset_param' => 'offset']);
    }
}
