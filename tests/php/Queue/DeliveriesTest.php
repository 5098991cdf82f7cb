<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ApiClient;
use Conduit\RequestLog;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\StoreTestCase;
use Conduit\Tests\Support\MockApi;

require_once __DIR__ . '/Support/StoreTestCase.php';

/** SyncQueue::runDeliveries end to end: queue → ApiClient → mock API → ack/retry/dead letter. */
final class DeliveriesTest extends StoreTestCase
{
    private function client(array $options = []): ApiClient
    {
        return new ApiClient(MockApi::get()->url(), $options + [
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 2000],
            'log' => $this->store,
        ]);
    }

    public function testFaultsAreAckedRetriedOrDeadLetteredWithOneKeyPerJob(): void
    {
        $mock = MockApi::get();
        $p = MockApi::prefix();
        $queue = new SyncQueue($this->store, ['backoff_base_s' => 0.01, 'backoff_max_s' => 0.05]);
        $mock->script("$p/flaky", [['status' => 503], ['status' => 503], ['status' => 503], ['status' => 200]]);
        $mock->script("$p/slow-down", [['status' => 429, 'headers' => ['Retry-After' => '3600']]]);
        $mock->script("$p/reset", [['fault' => 'reset_before_headers'], ['fault' => 'reset_before_headers']]);
        $ids = [
            'ok' => $queue->pushRequest('POST', "$p/ok", ['json' => ['n' => 1]]),
            'flaky' => $queue->pushRequest('POST', "$p/flaky", ['json' => ['n' => 2], 'idempotency_key' => 'order-2']),
            'slow-down' => $queue->pushRequest('GET', "$p/slow-down"),
            'reset' => $queue->pushRequest('PUT', "$p/reset", ['json' => ['n' => 3]]),
            'refused' => $queue->pushRequest('POST', "$p/refused", ['headers' => ['X-Mock-Status' => '422']]),
        ];
        $summary = $queue->runDeliveries($this->client(), ['limit' => 5, 'concurrency' => 8]); // one pass over the five jobs
        self::assertSame(1, $summary['delivered']);
        self::assertSame(1, $summary['failed'], 'the 422 is dead-lettered at once');
        self::assertSame(3, $summary['retried']);

        self::assertSame('done', $queue->get($ids['ok'])->status);
        self::assertSame('failed', $queue->get($ids['refused'])->status);
        self::assertStringContainsString('422', (string) $queue->get($ids['refused'])->lastError);
        foreach (['flaky', 'slow-down', 'reset'] as $name) {
            self::assertSame('pending', $queue->get($ids[$name])->status, $name);
        }
        // The server asked for an hour: that job is not due yet. The others are after the short backoff.
        self::assertGreaterThan(time() + 3000, $queue->get($ids['slow-down'])->runAt);
        usleep(200_000);
        $second = $queue->runDeliveries($this->client(), ['limit' => 100]);
        self::assertSame(2, $second['delivered']);
        self::assertSame('done', $queue->get($ids['flaky'])->status);
        self::assertSame('done', $queue->get($ids['reset'])->status);

        $keys = array_unique(array_map(fn ($r) => $r['headers']['idempotency-key'], $mock->requests("$p/flaky")));
        self::assertSame(['order-2'], array_values($keys), 'one key across attempts and redeliveries');
        self::assertCount(4, $mock->requests("$p/flaky"));
        $resetKeys = array_unique(array_map(fn ($r) => $r['headers']['idempotency-key'], $mock->requests("$p/reset")));
        self::assertCount(1, $resetKeys, 'a generated key is stored with the job and reused');

        $log = new RequestLog($this->store);
        $log->flush();
        $rows = $log->list(['job_id' => $ids['flaky']]);
        self::assertCount(4, $rows, 'every attempt logged with its job id');
    }

    public function testOpenCircuitReleasesJobsWithoutSpendingAttempts(): void
    {
        $p = MockApi::prefix();
        $queue = new SyncQueue($this->store);
        $client = $this->client([
            'retry' => ['max_attempts' => 1],
            'circuit_breaker' => ['min_calls' => 1, 'failure_ratio' => 1, 'open_s' => 60, 'window_s' => 3.33 + mt_rand(1, 1000) / 1000],
        ]);
        try {
            $client->send('GET', "$p/down", ['headers' => ['X-Mock-Status' => '503']]);
        } catch (\Conduit\ApiException $e) {
        }
        self::assertSame('open', $client->getCircuitState());
        $id = $queue->pushRequest('POST', "$p/orders", ['json' => ['n' => 1]]);
        $summary = $queue->runDeliveries($client, ['limit' => 10]);
        self::assertSame(1, $summary['skipped']);
        $job = $queue->get($id);
        self::assertSame('pending', $job->status);
        self::assertSame(0, $job->attempts);
        self::assertCount(0, MockApi::get()->requests("$p/orders"), 'nothing was sent');
    }
}
