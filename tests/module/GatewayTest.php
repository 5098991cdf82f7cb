<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Agent;
use Conduit\Integration\Gateway\Example\CatalogHandler;
use Conduit\Integration\Gateway\Example\ErpGateway;
use Conduit\Integration\Gateway\Example\ErpOrderResult;
use Conduit\Integration\Gateway\Example\OfferDto;
use Conduit\Integration\Gateway\Example\ProductDto;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Tests\Support\MockApi;
use Conduit\TransportException;

/**
 * The example gateway (lib/gateway/example) against the mock ERP (tests/mockapi
 * /erp endpoints): orders out (synchronous and queued, idempotent), catalog in (JSON,
 * CommerceML import.xml + offers.xml in windows-1251, stock), resumed after a cut.
 */
final class GatewayTest extends ModuleTestCase
{
    private string $connection;
    private string $prefix;
    /** @var list<int> */
    private array $jobs = [];

    protected function setUp(): void
    {
        self::ensureInstalled();
        $this->connection = self::uniqueName('erp');
        $this->prefix = MockApi::prefix();
        Settings::saveConnection($this->connection, [
            'base_url' => MockApi::get()->url($this->prefix),
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 5, 'max_delay_ms' => 20],
            'timeout' => 10.0,
        ]);
    }

    protected function tearDown(): void
    {
        foreach ($this->jobs as $id) {
            Services::queue()->delete($id);
        }
        Settings::deleteConnection($this->connection);
        Services::forgetClient($this->connection);
    }

    private function gateway(): ErpGateway
    {
        return new ErpGateway($this->connection);
    }

    /** @return array<string, mixed> a Bitrix order as \Bitrix\Sale\Order::getFieldValues() + basket rows */
    private static function bitrixOrder(int $id): array
    {
        return [
            'ID' => $id, 'ACCOUNT_NUMBER' => "A-$id", 'DATE_INSERT' => '01.03.2024 12:30:00', 'STATUS_ID' => 'P',
            'CURRENCY' => 'RUB', 'PRICE' => '1234.5', 'USER_EMAIL' => ' Ivan@Example.RU ', 'USER_NAME' => 'Иван', 'USER_LAST_NAME' => 'Петров',
            'BASKET' => [
                ['PRODUCT_XML_ID' => 'P00000007', 'NAME' => 'Товар №7', 'QUANTITY' => '2.0000', 'PRICE' => '600.00'],
                ['PRODUCT_XML_ID' => 'P00000008', 'NAME' => 'Товар №8', 'QUANTITY' => '1', 'PRICE' => 34.5],
            ],
        ];
    }

    /** @return list<array<string, mixed>> the orders the mock ERP holds for this test */
    private function erpOrders(): array
    {
        return Services::client($this->connection)->request('GET', '/erp/orders')['items'];
    }

    public function testOrderMapsBitrixFieldsToErpJson(): void
    {
        $dto = ErpGateway::orderDto(self::bitrixOrder(42));
        $this->assertSame([
            'external_id' => '42', 'number' => 'A-42', 'created_at' => '2024-03-01T09:30:00Z', 'status' => 'paid',
            'currency' => 'RUB', 'total' => '1234.50', 'customer' => ['email' => 'ivan@example.ru', 'name' => 'Иван Петров'],
            'items' => [
                ['sku' => 'P00000007', 'name' => 'Товар №7', 'quantity' => 2.0, 'price' => '600.00'],
                ['sku' => 'P00000008', 'name' => 'Товар №8', 'quantity' => 1.0, 'price' => '34.50'],
            ],
        ], $dto->toArray());
    }

    public function testSendOrderIsATypedIdempotentCall(): void
    {
        $first = $this->gateway()->sendOrder(self::bitrixOrder(7));
        $this->assertInstanceOf(ErpOrderResult::class, $first);
        $this->assertTrue($first->created);
        $again = $this->gateway()->sendOrder(self::bitrixOrder(7));
        $this->assertFalse($again->created, 'same business key, same idempotency key: a replay');
        $this->assertSame($first->id, $again->id);
        $this->assertCount(1, $this->erpOrders());
    }

    public function testExportOrderIsQueuedOnceAndDeliveredIdempotently(): void
    {
        $gateway = $this->gateway();
        $id = $this->jobs[] = $gateway->exportOrder(self::bitrixOrder(9));
        $this->assertSame($id, $gateway->exportOrder(self::bitrixOrder(9)), 'the dedupe key keeps one job per order');
        $other = $this->jobs[] = $gateway->exportOrder(self::bitrixOrder(10));
        $this->assertNotSame($id, $other);
        Agent::run();
        $this->assertSame('done', Services::queue()->get($id)->status);
        $this->assertSame('done', Services::queue()->get($other)->status);

        $orders = $this->erpOrders();
        $this->assertCount(2, $orders);
        $byExternal = array_column($orders, null, 'idempotency_key');
        $key = $gateway->idempotencyKey('POST', ErpGateway::ORDERS_PATH, 'order:9');
        $this->assertArrayHasKey($key, $byExternal);
        $this->assertSame('9', $byExternal[$key]['received']['external_id']);
        $this->assertSame('1234.50', $byExternal[$key]['received']['total']);
        $this->assertSame($key, $gateway->idempotencyKey('post', ErpGateway::ORDERS_PATH, 'order:9'), 'derived, stable');
    }

    public function testImportCatalogJsonInBatches(): void
    {
        $handler = new ChecksumCatalogHandler();
        $result = $this->gateway()->importCatalog($handler, ['query' => ['n' => 2345], 'batch' => 500]);
        $this->assertSame(2345, $handler->products);
        $this->assertSame([500, 500, 500, 500, 345], $handler->batchSizes);
        $this->assertSame(ChecksumCatalogHandler::expectedProducts(0, 2345), $handler->productSum);
        $this->assertSame(ChecksumCatalogHandler::expectedStock(0, 2345), [$handler->quantity, $handler->priceKop]);
        $this->assertSame(2345, $result->records);
        $this->assertSame(5, $result->batches);
        $this->assertSame(0, $result->skipped);
        $this->assertSame([], $result->resumedAt);
    }

    public function testImportCommerceMlPairInWindows1251(): void
    {
        $handler = new ChecksumCatalogHandler();
        $result = $this->gateway()->importCommerceMl($handler, ['query' => ['n' => 777, 'encoding' => 'windows-1251'], 'batch' => 200]);
        $this->assertSame(777, $handler->products);
        $this->assertSame(777, $handler->offers);
        $this->assertSame(ChecksumCatalogHandler::expectedProducts(0, 777), $handler->productSum);
        $this->assertSame(ChecksumCatalogHandler::expectedStock(0, 777), [$handler->offerQuantity, $handler->offerPriceKop]);
        $this->assertSame('Товар №5', $handler->names[5]);
        $this->assertSame(4, $result['import']->batches);
        $this->assertSame(777, $result['offers']->mapped);
    }

    public function testImportStockJson(): void
    {
        $handler = new ChecksumCatalogHandler();
        $this->gateway()->importStock($handler, ['query' => ['n' => 1500]]);
        $this->assertSame(1500, $handler->offers);
        $this->assertSame(ChecksumCatalogHandler::expectedStock(0, 1500), [$handler->offerQuantity, $handler->offerPriceKop]);
    }

    public function testLostConnectionsAreResumedFromTheDeliveredOffset(): void
    {
        // Every response is cut after 60 KB (about 100 records): the import resumes
        // from the records delivered, again and again, and misses nothing.
        $handler = new ChecksumCatalogHandler();
        $result = $this->gateway()->importCatalog($handler, ['query' => ['n' => 600, 'cut_after' => 60_000], 'batch' => 25, 'resume_attempts' => 20]);
        $this->assertSame(600, $handler->products);
        $this->assertSame(ChecksumCatalogHandler::expectedProducts(0, 600), $handler->productSum);
        $this->assertGreaterThanOrEqual(4, count($result->resumedAt));
        $this->assertSame(600, $result->records);

        try {
            $this->gateway()->importCatalog(new ChecksumCatalogHandler(), ['query' => ['n' => 600, 'cut_after' => 60_000], 'resume_attempts' => 0]);
            $this->fail('expected TransportException');
        } catch (TransportException $e) {
            $this->assertIsInt($e->getRecordsDelivered());
        }
    }
}

/** The test kernel's catalog handler: counts and checksums what arrived (no iblock here). */
final class ChecksumCatalogHandler implements CatalogHandler
{
    public int $products = 0;
    public int $offers = 0;
    /** @var list<int> */
    public array $batchSizes = [];
    /** sum of crc32(xml id . name) */
    public int $productSum = 0;
    public int $quantity = 0;
    public int $priceKop = 0;
    public int $offerQuantity = 0;
    public int $offerPriceKop = 0;
    /** @var array<int, string> */
    public array $names = [];

    public function products(array $products): void
    {
        $this->batchSizes[] = count($products);
        foreach ($products as $p) {
            assert($p instanceof ProductDto);
            $this->productSum += crc32($p->xmlId . $p->name);
            $this->quantity += $p->quantity ?? 0;
            $this->priceKop += $p->price === null ? 0 : (int) str_replace('.', '', $p->price);
            if ($this->products < 10) {
                $this->names[$this->products] = $p->name;
            }
            $this->products++;
        }
    }

    public function offers(array $offers): void
    {
        foreach ($offers as $o) {
            assert($o instanceof OfferDto);
            $this->offerQuantity += $o->quantity;
            $this->offerPriceKop += (int) str_replace('.', '', $o->price);
            $this->offers++;
        }
    }

    /** What the mock's generator sends for products $from..$to (tests/mockapi/src/erp.rs). */
    public static function expectedProducts(int $from, int $to): int
    {
        $sum = 0;
        for ($i = $from; $i < $to; $i++) {
            $sum += crc32(sprintf('P%08d', $i) . "Товар №$i");
        }
        return $sum;
    }

    /** @return array{int, int} sum of quantities, sum of prices in kopecks */
    public static function expectedStock(int $from, int $to): array
    {
        $q = 0;
        $p = 0;
        for ($i = $from; $i < $to; $i++) {
            $q += $i % 50;
            $p += ($i * 7919) % 1_000_000 + 100;
        }
        return [$q, $p];
    }
}
