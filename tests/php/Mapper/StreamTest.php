<?php
declare(strict_types=1);

namespace Conduit\Tests\Mapper;

use Conduit\ApiClient;
use Conduit\ConfigException;
use Conduit\Mapper;
use Conduit\MappingException;
use Conduit\RecordStream;
use Conduit\Tests\Support\MockApi;
use Conduit\TransportException;
use PHPUnit\Framework\TestCase;

/**
 * Conduit\RecordStream against the mock ERP exports (tests/mockapi/src/erp.rs):
 * JSON, NDJSON and CommerceML bodies read batch by batch from the response.
 */
final class StreamTest extends TestCase
{
    private static function client(array $options = []): ApiClient
    {
        return new ApiClient(MockApi::get()->url(), $options + [
            'retry' => ['max_attempts' => 3, 'base_delay_ms' => 5, 'max_delay_ms' => 50],
            'timeout' => 5.0,
        ]);
    }

    private static function mapper(): Mapper
    {
        return new Mapper(['fields' => [
            'XML_ID' => ['from' => 'id', 'required' => true],
            'NAME' => ['from' => 'title', 'required' => true],
            'PRICE' => ['from' => 'price.amount', 'cast' => 'decimal', 'scale' => 2],
            'QUANTITY' => ['from' => 'quantity', 'cast' => 'int'],
            'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N']],
        ]]);
    }

    /** The mock's price of product $i, as the mapper formats it. */
    private static function price(int $i): string
    {
        $kop = ($i * 7919) % 1_000_000 + 100;
        return intdiv($kop, 100) . '.' . str_pad((string) ($kop % 100), 2, '0', STR_PAD_LEFT);
    }

    /** @return list<array<string, mixed>> every record of every batch, batch sizes in $sizes */
    private static function drain(RecordStream $stream, ?array &$sizes = null): array
    {
        $all = [];
        $sizes = [];
        foreach ($stream as $i => $batch) {
            self::assertSame(count($sizes), $i);
            self::assertTrue(array_is_list($batch));
            $sizes[] = count($batch);
            array_push($all, ...$batch);
        }
        return $all;
    }

    public function testJsonExportInBatchesMapped(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 1234]]);
        self::assertSame(200, $stream->getStatus());
        $rows = self::drain($stream->records('items[*]', self::mapper(), 500), $sizes);
        self::assertSame([500, 500, 234], $sizes);
        self::assertCount(1234, $rows);
        self::assertSame(['XML_ID' => 'P00000007', 'NAME' => 'Товар №7', 'PRICE' => self::price(7), 'QUANTITY' => 7, 'ACTIVE' => 'Y'], $rows[7]);
        self::assertSame('N', $rows[9]['ACTIVE']);
        self::assertSame(['records' => 1234, 'mapped' => 1234, 'batches' => 3, 'errors' => 0], $stream->getStats());
        self::assertSame(1234, $stream->getRecordsDelivered());
    }

    public function testRawRecordsWithoutMapperAndNextBatch(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 3]])->records('items[*]', null, 2);
        $first = $stream->nextBatch();
        self::assertCount(2, $first);
        self::assertSame('SKU-1', $first[1]['sku']);
        self::assertSame('Цвет', $first[0]['attributes'][0]['name']);
        self::assertCount(1, $stream->nextBatch());
        self::assertNull($stream->nextBatch());
    }

    public function testNdjsonByContentType(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 1001, 'format' => 'ndjson']]);
        $rows = self::drain($stream->records('', self::mapper(), 1000), $sizes);
        self::assertSame([1000, 1], $sizes);
        self::assertSame('P00001000', $rows[1000]['XML_ID']);
    }

    public function testOneByteWritesJsonAndXml(): void
    {
        $rows = self::drain(self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 25, 'byte_writes' => 1]])
            ->records('items[*]', self::mapper(), 10), $sizes);
        self::assertSame([10, 10, 5], $sizes);
        self::assertSame(self::price(24), $rows[24]['PRICE']);

        $xml = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 7, 'format' => 'xml', 'encoding' => 'windows-1251', 'byte_writes' => 1]])
            ->records('КоммерческаяИнформация/Каталог/Товары/Товар', new Mapper(['fields' => ['ID' => 'Ид', 'NAME' => 'Наименование']]), 3);
        $rows = self::drain($xml, $sizes);
        self::assertSame([3, 3, 1], $sizes);
        self::assertSame(['ID' => 'P00000006', 'NAME' => 'Товар №6'], $rows[6]);
    }

    public function testCommerceMlImportAndOffersInWindows1251(): void
    {
        $import = new Mapper(['fields' => [
            'XML_ID' => ['from' => 'Ид', 'required' => true],
            'NAME' => 'Наименование',
            'ARTICLE' => 'Артикул',
            'UNIT' => 'БазоваяЕдиница.@НаименованиеПолное',
            'SECTION' => 'Группы.Ид',
            'PROPS' => ['from' => 'ЗначенияСвойств.ЗначенияСвойства[*].Значение'],
        ]]);
        $rows = self::drain(self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 12, 'format' => 'xml', 'encoding' => 'windows-1251']])
            ->records('КоммерческаяИнформация/Каталог/Товары/Товар', $import, 5));
        self::assertCount(12, $rows);
        self::assertSame(['XML_ID' => 'P00000002', 'NAME' => 'Товар №2', 'ARTICLE' => 'SKU-2', 'UNIT' => 'Штука', 'SECTION' => 'group-2', 'PROPS' => ['зелёный', '102']], $rows[2]);

        $offers = new Mapper(['fields' => [
            'XML_ID' => 'Ид',
            'PRICE' => ['from' => 'Цены.Цена.ЦенаЗаЕдиницу', 'cast' => 'decimal'],
            'QUANTITY' => ['from' => 'Количество', 'cast' => 'int'],
            'STORE' => 'Склад.@ИдСклада',
        ]]);
        $rows = self::drain(self::client()->stream('GET', '/erp/offers', ['query' => ['n' => 60, 'format' => 'xml', 'encoding' => 'windows-1251']])
            ->records('КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение', $offers, 50));
        self::assertCount(60, $rows);
        self::assertSame(['XML_ID' => 'P00000055', 'PRICE' => self::price(55), 'QUANTITY' => 5, 'STORE' => 'main'], $rows[55]);
    }

    public function testMalformedJsonMidStreamNamesTheRecordAndDeliversNoPartialBatch(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 100, 'bad_at' => 57]])->records('items[*]', self::mapper(), 20);
        $seen = 0;
        try {
            foreach ($stream as $batch) {
                $seen += count($batch);
            }
            self::fail('expected a MappingException');
        } catch (MappingException $e) {
            self::assertSame(40, $seen, 'batches 0 and 1 delivered, batch 2 (records 40-59) not');
            $err = $e->getErrors()[0];
            self::assertSame('invalid_json', $err['reason']);
            self::assertSame(57, $err['record']);
        }
        self::assertSame(40, $stream->getRecordsDelivered());
        self::assertFalse($stream->valid());
    }

    public function testMalformedXmlMidStream(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 30, 'format' => 'xml', 'bad_at' => 12]])
            ->records('КоммерческаяИнформация/Каталог/Товары/Товар', null, 10);
        $seen = 0;
        try {
            foreach ($stream as $batch) {
                $seen += count($batch);
            }
            self::fail('expected a MappingException');
        } catch (MappingException $e) {
            self::assertSame(10, $seen);
            self::assertSame('invalid_xml', $e->getErrors()[0]['reason']);
            self::assertSame(12, $e->getErrors()[0]['record']);
        }
    }

    public function testConnectionLostMidStreamIsTransportExceptionWithDeliveredCount(): void
    {
        // Each record is about 600 bytes: 100 KB is past record 150.
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 1000, 'cut_after' => 100_000]])->records('items[*]', self::mapper(), 50);
        $seen = 0;
        try {
            foreach ($stream as $batch) {
                $seen += count($batch);
            }
            self::fail('expected a TransportException');
        } catch (TransportException $e) {
            self::assertGreaterThan(0, $seen);
            self::assertSame(0, $seen % 50, 'whole batches only');
            self::assertSame($seen, $e->getRecordsDelivered());
            self::assertStringContainsString("after $seen records", $e->getMessage());
        }
        // Resume from the delivered count.
        $rest = self::drain(self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 1000, 'offset' => $seen]])->records('items[*]', self::mapper(), 500));
        self::assertCount(1000 - $seen, $rest);
        self::assertSame(sprintf('P%08d', $seen), $rest[0]['XML_ID']);
    }

    public function testRetriesApplyToOpening(): void
    {
        $mock = MockApi::get();
        $mock->script('/erp/catalog', [['status' => 503], ['status' => 503]], 'GET');
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 5]]);
        self::assertSame(3, $stream->getAttempts());
        self::assertCount(5, self::drain($stream->records('items[*]')));
    }

    public function testMappingErrorsSkipRecordsOrFailFast(): void
    {
        $strict = new Mapper(['fields' => ['ID' => 'id', 'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y']]]]);
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 30]])->records('items[*]', $strict, 10);
        $rows = self::drain($stream);
        self::assertCount(27, $rows, 'records 9, 19, 29 are archived: unmapped');
        self::assertSame(['records' => 30, 'mapped' => 27, 'batches' => 3, 'errors' => 3], $stream->getStats());
        self::assertSame([9, 19, 29], array_column($stream->getErrors(), 'record'));
        self::assertSame('unmapped_value', $stream->getErrors()[0]['reason']);

        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 30], 'fail_fast' => true])->records('items[*]', $strict, 5);
        $seen = 0;
        try {
            foreach ($stream as $batch) {
                $seen += count($batch);
            }
            self::fail('expected a MappingException');
        } catch (MappingException $e) {
            self::assertSame(5, $seen, 'the batch with record 9 is not delivered');
            self::assertSame(9, $e->getErrors()[0]['record']);
        }
    }

    public function testHugeSingleRecord(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 5, 'huge_at' => 2, 'huge_bytes' => 8_000_000]]);
        $rows = self::drain($stream->records('items[*]', new Mapper(['fields' => ['ID' => 'id', 'LEN' => ['from' => 'description', 'callback' => static fn ($v) => strlen($v)]]]), 2));
        self::assertCount(5, $rows);
        self::assertGreaterThanOrEqual(8_000_000, $rows[2]['LEN']);
    }

    public function testLargeCatalogKeepsPhpMemoryFlat(): void
    {
        $n = 200_000;
        memory_reset_peak_usage();
        $base = memory_get_usage();
        $stream = self::client(['timeout' => 60.0])->stream('GET', '/erp/catalog', ['query' => ['n' => $n]])->records('items[*]', self::mapper(), 500);
        $count = 0;
        $sum = 0;
        foreach ($stream as $batch) {
            $count += count($batch);
            foreach ($batch as $row) {
                $sum += $row['QUANTITY'];
            }
        }
        self::assertSame($n, $count);
        self::assertSame(intdiv($n, 50) * array_sum(range(0, 49)), $sum);
        // About 120 MB of JSON; PHP holds one batch of 500 mapped rows at a time.
        self::assertLessThan(4 * 1024 * 1024, memory_get_peak_usage() - $base);
    }

    public function testStreamIsReadOnceAndOptionsChecked(): void
    {
        $stream = self::client()->stream('GET', '/erp/catalog', ['query' => ['n' => 2]]);
        $stream->records('items[*]');
        try {
            $stream->records('items[*]');
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringContainsString('read once', $e->getMessage());
        }
        self::drain($stream);
        try {
            foreach ($stream as $_) {
            }
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringContainsString('rewound', $e->getMessage());
        }
        $this->expectException(ConfigException::class);
        self::client()->stream('GET', '/erp/catalog', ['format' => 'csv']);
    }

    public function testErrorStatusIsAnApiExceptionBeforeAnyRecord(): void
    {
        $this->expectException(\Conduit\ApiException::class);
        self::client(['retry' => ['max_attempts' => 1]])->stream('GET', '/erp/nothing');
    }

    public function testResponseMapForABodyInHand(): void
    {
        $response = self::client()->send('GET', '/erp/catalog', ['query' => ['n' => 3]]);
        $rows = $response->map(self::mapper(), 'items[*]');
        self::assertCount(3, $rows);
        self::assertSame('P00000002', $rows[2]['XML_ID']);
    }
}
