<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ConfigException;
use Conduit\RequestLog;
use Conduit\Store;
use Conduit\Tests\Queue\Support\StoreTestCase;

require_once __DIR__ . '/Support/StoreTestCase.php';

/** The request log: batched background writes, redaction, shutdown flush, fork. */
final class RequestLogTest extends StoreTestCase
{
    private const SECRET = 'sk_live_7f3a9c1e5b';

    private static function entry(int $i, string $secret = self::SECRET): array
    {
        return [
            'method' => $i % 2 ? 'post' : 'GET',
            'url' => "https://erp.example.com/api/orders/$i?page=2&api_key=$secret",
            'endpoint' => '/api/orders/' . ($i % 3),
            'status' => [200, 201, 404, 503, null][$i % 5],
            'duration_ms' => (float) $i,
            'attempt' => 1 + $i % 2,
            'correlation_id' => 'corr-' . ($i % 10),
            'job_id' => $i % 4 === 0 ? $i + 1 : null,
            'error_class' => $i % 5 === 4 ? 'TransportException' : null,
            'error_message' => $i % 5 === 4 ? "connection reset (token $secret)" : null,
            'request_headers' => ['Authorization' => "Bearer $secret", 'Cookie' => "sid=$secret", 'Accept' => 'application/json'],
            'request_body' => json_encode(['order' => $i, 'client_secret' => $secret, 'nested' => ['password' => 'hunter2']]),
            'response_headers' => ['Set-Cookie' => "sid=$secret"],
            'response_body' => "access_token=$secret&ok=1",
        ];
    }

    public function testWritesInBatchesAndReadsBack(): void
    {
        $store = new Store($this->db->dsn, ['log_batch_size' => 100, 'log_flush_interval_s' => 5]);
        $log = new RequestLog($store);
        for ($i = 0; $i < 250; $i++) {
            self::assertTrue($log->record(self::entry($i), ['secrets' => [self::SECRET]]));
        }
        $log->flush();
        $w = $log->writerStats();
        self::assertSame([250, 250, 0, 0], [$w['accepted'], $w['written'], $w['dropped'], $w['pending']]);
        self::assertSame(3, $w['batches'], '100 + 100 + 50 on flush');
        self::assertSame(250, $log->count());
        self::assertSame(50, $log->count(['status_class' => 'error']));
        self::assertSame(50, $log->count(['status_class' => '5xx']));
        self::assertSame(100, $log->count(['status_class' => '2xx']));
        self::assertSame(125, $log->count(['method' => 'POST']));
        self::assertSame(25, $log->count(['correlation_id' => 'corr-3']));
        self::assertSame(1, $log->count(['job_id' => 9]));
        self::assertSame(83, $log->count(['endpoint' => 'orders/1']));
        self::assertSame(0, $log->count(['from' => time() + 60]));
        $rows = $log->list(['status' => 404], 'duration_ms desc', 3);
        self::assertCount(3, $rows);
        self::assertGreaterThan($rows[1]['duration_ms'], $rows[0]['duration_ms']);
        self::assertSame($rows[0], $log->get($rows[0]['id']));
        self::assertSame('[REDACTED]', $rows[0]['request_headers']['authorization']);
        self::assertSame('application/json', $rows[0]['request_headers']['accept']);
        $error = $log->list(['status_class' => 'error'], null, 1)[0];
        self::assertSame('Conduit\TransportException', $error['error_class']);
        $stats = $log->stats(3600);
        self::assertSame(250, $stats['requests']);
        self::assertSame(100, $stats['errors']);
        self::assertEqualsWithDelta(0.4, $stats['error_rate'], 1e-9);
        self::assertSame(['2xx' => 100, '3xx' => 0, '4xx' => 50, '5xx' => 50, 'error' => 50], $stats['by_class']);
        self::assertCount(3, $stats['endpoints']);
        self::assertLessThanOrEqual($stats['p99_ms'], $stats['p95_ms']);
        self::assertSame(250, $stats['writer']['written']);
        self::assertSame(0, $log->purge(['older_than_s' => 3600]));
        self::assertSame(250, $log->purge(['older_than_s' => 0]));
        $this->expectException(ConfigException::class);
        $log->purge();
    }

    public function testNoSecretByteReachesTheTable(): void
    {
        $log = new RequestLog($this->store);
        for ($i = 0; $i < 20; $i++) {
            $log->record(self::entry($i), ['secrets' => [self::SECRET]]);
        }
        $log->flush();
        $dump = json_encode($this->db->rawRows('conduit_request_log'));
        self::assertStringContainsString('[REDACTED]', $dump);
        foreach ([self::SECRET, 'hunter2'] as $secret) {
            self::assertStringNotContainsString($secret, $dump);
        }
        self::assertSame(20, $log->count());
    }

    public function testAnOversizedHeaderSetKeepsWholeEntriesAndANote(): void
    {
        $log = new RequestLog($this->store);
        // 4.5 MiB of headers: over the 4 MiB a record keeps.
        $headers = [];
        for ($i = 0; $i < 576; $i++) {
            $headers["X-Header-$i"] = str_repeat('v', 8192);
        }
        self::assertTrue($log->record(['method' => 'GET', 'url' => 'http://h/x', 'request_headers' => $headers]));
        $log->flush();
        [$row] = $log->list();
        $kept = $row['request_headers'];
        self::assertNotSame([], $kept, 'the header set reads back (it used to come back as [])');
        self::assertArrayHasKey('conduit-headers-dropped', $kept);
        self::assertMatchesRegularExpression('/^\d+ of 576 headers dropped/', $kept['conduit-headers-dropped']);
        unset($kept['conduit-headers-dropped']);
        self::assertGreaterThan(400, count($kept));
        foreach ($kept as $name => $value) {
            self::assertSame(str_repeat('v', 8192), $value, "$name is whole");
        }
        $raw = $this->db->rawRows('conduit_request_log')[0]['request_headers'];
        self::assertIsArray(json_decode($raw, true, 512, JSON_THROW_ON_ERROR));
    }

    public function testShutdownFlushLosesNothing(): void
    {
        // The child queues 500 records with a 30 s flush interval and exits at once:
        // only the request-end/exit flush can have written them.
        $out = $this->child(['log-and-exit', $this->db->dsn, '500', self::SECRET]);
        $stats = json_decode(trim($out), true);
        self::assertSame(500, $stats['accepted']);
        self::assertLessThan(500, $stats['written'], 'the child exited with records still queued');
        $log = new RequestLog($this->store);
        self::assertSame(500, $log->count());
        self::assertStringNotContainsString(self::SECRET, json_encode($this->db->rawRows('conduit_request_log')));
    }

    public function testTheWriterSurvivesFork(): void
    {
        $out = $this->child(['log-fork', $this->db->dsn, '40']);
        self::assertSame('0', trim($out), 'the forked child exited cleanly');
        $log = new RequestLog($this->store);
        self::assertSame(120, $log->count());
        foreach (['before', 'child', 'parent'] as $who) {
            self::assertCount(40, array_filter(
                $log->list(null, 'id', 1000),
                fn($r) => str_starts_with($r['correlation_id'], "$who-"),
            ), $who);
        }
    }

    public function testAFullQueueAppliesBackPressureInsteadOfDropping(): void
    {
        $store = new Store($this->db->dsn, ['log_capacity' => 8, 'log_batch_size' => 4, 'log_flush_interval_s' => 0.01]);
        $log = new RequestLog($store);
        for ($i = 0; $i < 400; $i++) {
            self::assertTrue($log->record(['method' => 'GET', 'url' => "https://x.test/$i"]));
        }
        $log->flush();
        $w = $log->writerStats();
        self::assertSame([400, 400, 0], [$w['accepted'], $w['written'], $w['dropped']]);
        self::assertSame(400, $log->count());
    }

    public function testRecordRejectsBadEntries(): void
    {
        $log = new RequestLog($this->store);
        foreach ([['url' => 'https://x'], ['method' => 'GET', 'url' => 'x', 'stauts' => 200], ['method' => 'GET', 'url' => 'x', 'status' => 'ok']] as $bad) {
            try {
                $log->record($bad);
                self::fail('accepted ' . json_encode($bad));
            } catch (ConfigException $e) {
                self::assertStringStartsWith('RequestLog::record()', $e->getMessage());
            }
        }
        self::assertSame(0, $log->writerStats()['accepted']);
    }
}
