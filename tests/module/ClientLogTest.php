<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Exception\ReadOnlyEntityException;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Orm\Time;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Tests\Support\MockApi;

/** A call through Services::client() against the mock API lands in the request log, readable through the ORM. */
final class ClientLogTest extends ModuleTestCase
{
    private string $connection;
    private string $prefix;
    private string $token;

    protected function setUp(): void
    {
        self::ensureInstalled();
        $this->connection = self::uniqueName('t');
        $this->prefix = MockApi::prefix();
        $this->token = 'bearer-' . bin2hex(random_bytes(10));
        Settings::saveConnection($this->connection, [
            'base_url' => MockApi::get()->url($this->prefix),
            'auth' => ['type' => 'bearer', 'token' => $this->token],
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 5],
            'timeout' => 5.0,
        ]);
    }

    protected function tearDown(): void
    {
        Settings::deleteConnection($this->connection);
        foreach (RequestLogTable::getList(['select' => ['ID'], 'filter' => ['%URL' => $this->prefix]])->fetchAll() as $row) {
            RequestLogTable::delete($row['ID']);
        }
    }

    public function testCallsAreLoggedAndFilterableThroughTheOrm(): void
    {
        $startedMs = Time::toMilliseconds(time() - 1);
        $client = Services::client($this->connection);
        $this->assertSame($client, Services::client($this->connection), 'one client per connection and process');

        $echo = $client->request('GET', '/items', ['query' => ['page' => 2]]);
        $this->assertSame($this->prefix . '/items', $echo['path']);
        $this->assertSame('Bearer ' . $this->token, $echo['headers']['authorization'], 'the decrypted token was sent');
        try {
            $client->request('POST', '/orders', ['json' => ['sku' => 'A-1'], 'headers' => ['X-Mock-Status' => '422']]);
            $this->fail('422 did not throw');
        } catch (\Conduit\ApiException $e) {
            $this->assertSame(422, $e->getStatusCode());
        }
        try {
            $client->request('GET', '/flaky', ['headers' => ['X-Mock-Status' => '503']]);
            $this->fail('503 did not throw');
        } catch (\Conduit\ApiException $e) {
            $this->assertSame(2, $e->getAttempts());
        }
        Services::requestLog()->flush();

        $mine = ['%URL' => $this->prefix];
        $all = RequestLogTable::getList(['filter' => $mine, 'order' => ['ID' => 'ASC'], 'count_total' => true]);
        $this->assertSame(4, $all->getCount(), 'one row per attempt: GET, POST, 2 × GET /flaky');
        $rows = $all->fetchAll();
        $this->assertSame(['GET', 'POST', 'GET', 'GET'], array_column($rows, 'METHOD'));
        $this->assertSame(['200', '422', '503', '503'], array_column($rows, 'STATUS'), 'fetch() returns numbers as strings, like Bitrix');
        $this->assertSame(['/items', '/orders', '/flaky', '/flaky'], array_column($rows, 'ENDPOINT'));
        $this->assertSame(['1', '2'], [$rows[2]['ATTEMPT'], $rows[3]['ATTEMPT']]);
        $this->assertSame($rows[2]['CORRELATION_ID'], $rows[3]['CORRELATION_ID'], 'attempts of one call share a correlation id');
        foreach ($rows as $row) {
            $this->assertGreaterThanOrEqual($startedMs, (int) $row['CREATED_AT']);
            $this->assertStringNotContainsString($this->token, $row['REQUEST_HEADERS'] . $row['URL'] . $row['RESPONSE_BODY'], 'the token is redacted in the log');
        }

        // Bitrix filters: =, >=, <, %, @, LOGIC OR; order, limit/offset, count_total; select.
        $this->assertSame(1, RequestLogTable::getCount($mine + ['=METHOD' => 'POST']));
        $this->assertSame(2, RequestLogTable::getCount($mine + ['>=STATUS' => 500]));
        $this->assertSame(1, RequestLogTable::getCount($mine + ['<STATUS' => 300]));
        $this->assertSame(3, RequestLogTable::getCount($mine + ['@STATUS' => [422, 503]]));
        $this->assertSame(2, RequestLogTable::getCount($mine + ['%ENDPOINT' => 'flak']));
        $this->assertSame(2, RequestLogTable::getCount($mine + [['LOGIC' => 'OR', ['=STATUS' => 200], ['=STATUS' => 422]]]));
        $this->assertSame(4, RequestLogTable::getCount($mine + ['>=CREATED_AT' => $startedMs]));
        $this->assertSame(1, RequestLogTable::getCount($mine + ['=CORRELATION_ID' => $rows[1]['CORRELATION_ID']]));

        $page = RequestLogTable::getList(['select' => ['ID', 'STATUS'], 'filter' => $mine, 'order' => ['ID' => 'DESC'], 'limit' => 2, 'offset' => 1, 'count_total' => true]);
        $this->assertSame(4, $page->getCount());
        $pageRows = $page->fetchAll();
        $this->assertSame([$rows[2]['ID'], $rows[1]['ID']], array_column($pageRows, 'ID'));
        $this->assertSame(['ID', 'STATUS'], array_keys($pageRows[0]));

        // The extension's own reader sees the same rows.
        $this->assertSame(2, Services::requestLog()->count(['endpoint' => '/flaky', 'correlation_id' => $rows[2]['CORRELATION_ID']]));

        // Deletes go through the ORM; writes do not.
        $this->assertTrue(RequestLogTable::delete($rows[0]['ID'])->isSuccess());
        $this->assertSame(3, RequestLogTable::getCount($mine));
        $this->expectException(ReadOnlyEntityException::class);
        RequestLogTable::add(['METHOD' => 'GET']);
    }

    public function testTheServiceLocatorClientIsTheDefaultConnection(): void
    {
        if (Settings::hasConnection('default')) {
            $this->markTestSkipped('the site has its own "default" connection');
        }
        Settings::saveConnection('default', ['base_url' => MockApi::get()->url($this->prefix . '/dflt')]);
        try {
            $client = \Bitrix\Main\DI\ServiceLocator::getInstance()->get('conduit.integration.client');
            $this->assertSame(Services::client(), $client);
            $this->assertSame($this->prefix . '/dflt/ping', $client->request('GET', '/ping')['path']);
        } finally {
            Settings::deleteConnection('default');
        }
    }

    public function testDisabledLoggingWritesNothing(): void
    {
        $before = Settings::get('log_enabled');
        Settings::set('log_enabled', false);
        try {
            Services::client($this->connection)->request('GET', '/quiet');
            Services::requestLog()->flush();
            $this->assertSame(0, RequestLogTable::getCount(['%URL' => $this->prefix]));
        } finally {
            Settings::set('log_enabled', $before);
        }
    }

    public function testQueueRowsAreReadableAndDeletableThroughTheOrm(): void
    {
        $type = self::uniqueName('t.orm');
        $queue = Services::queue();
        $ids = [
            $queue->push($type, ['n' => 1], ['priority' => 5, 'dedupe_key' => $type . ':1']),
            $queue->push($type, ['n' => 2], ['group_key' => $type . ':g']),
            $queue->pushRequest('POST', '/orders', ['json' => ['n' => 3], 'dedupe_key' => $type . ':req']),
        ];
        try {
            $rows = QueueTable::getList(['filter' => ['=TYPE' => $type], 'order' => ['PRIORITY' => 'DESC', 'ID' => 'ASC'], 'count_total' => true]);
            $this->assertSame(2, $rows->getCount());
            $list = $rows->fetchAll();
            $this->assertSame([(string) $ids[0], (string) $ids[1]], array_column($list, 'ID'));
            $this->assertSame(['pending', 'pending'], array_column($list, 'STATUS'));
            $this->assertSame(['n' => 1], json_decode($list[0]['PAYLOAD'], true));
            $this->assertSame($type . ':1', $list[0]['DEDUPE_KEY']);
            $this->assertNull($list[0]['LEASE_UNTIL']);
            $this->assertSame($type . ':g', $list[1]['GROUP_KEY']);
            $this->assertEqualsWithDelta(time(), Time::toDateTime($list[0]['CREATED_AT'])->getTimestamp(), 5);

            $this->assertSame(1, QueueTable::getCount(['=TYPE' => \Conduit\SyncQueue::DELIVERY_TYPE, '=DEDUPE_KEY' => $type . ':req']));
            $this->assertSame(2, QueueTable::getCount(['=TYPE' => $type, '@STATUS' => QueueTable::STATUSES]));

            $this->assertTrue(QueueTable::delete($ids[1])->isSuccess());
            $this->assertNull($queue->get($ids[1]), 'deleted through the ORM, gone for the extension too');
            try {
                QueueTable::update($ids[0], ['STATUS' => 'done']);
                $this->fail('update() through the ORM was allowed');
            } catch (ReadOnlyEntityException $e) {
                $this->assertStringContainsString('SyncQueue', $e->getMessage());
            }
        } finally {
            foreach ($ids as $id) {
                $queue->delete($id);
            }
        }
    }
}
