<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ApiClient;
use Conduit\RequestLog;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\StoreTestCase;
use Conduit\Tests\Support\MockApi;

require_once __DIR__ . '/Support/StoreTestCase.php';

/**
 * runDeliveries() keeps network I/O moving while its SQL waits: a lock held 3 s on a
 * job row the runner must update (its fail() after a quick 422) while 32 other
 * deliveries (mock answers after 1 s, request timeout 2 s) are in flight. Before the
 * database work moved to a thread of its own, the blocked UPDATE froze the HTTP
 * runtime thread and all 32 timed out.
 */
final class DeliveryDatabaseStallTest extends StoreTestCase
{
    private const SLOW = 32;
    private const LOCK_S = 3.0;

    public function testALockedRowDelaysOnlyTheBookkeepingNotTheRequests(): void
    {
        $p = MockApi::prefix();
        $queue = new SyncQueue($this->store, ['backoff_base_s' => 0.01, 'backoff_max_s' => 0.05]);
        // Pushed first so it is claimed in the first batch; answers 422 after 300 ms,
        // which the lock holder uses to take its lock between the claim and fail().
        $trigger = $queue->pushRequest('POST', "$p/refused", [
            'headers' => ['X-Mock-Status' => '422', 'X-Mock-Latency-Ms' => '300'],
            'priority' => 10,
        ]);
        $slow = [];
        for ($i = 0; $i < self::SLOW; $i++) {
            $slow[] = $queue->pushRequest('POST', "$p/slow", [
                'json' => ['n' => $i],
                'headers' => ['X-Mock-Latency-Ms' => '1000'],
                'timeout' => 2.0,
            ]);
        }
        $holder = proc_open(
            [PHP_BINARY, __DIR__ . '/bin/hold-job-lock.php', $this->db->dsn, 'conduit_jobs', (string) $trigger, (string) self::LOCK_S],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        $client = new ApiClient(MockApi::get()->url(), ['retry' => ['max_attempts' => 1], 'log' => $this->store]);

        $started = microtime(true);
        $summary = $queue->runDeliveries($client, ['concurrency' => self::SLOW + 1, 'limit' => 100]);
        $ended = microtime(true);

        $holderOut = stream_get_contents($pipes[1]);
        $holderErr = stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($holder), "lock holder: $holderErr $holderOut");
        self::assertMatchesRegularExpression('/^locked ([\d.]+)\nreleased ([\d.]+)\n$/', $holderOut);
        preg_match('/^locked ([\d.]+)\nreleased ([\d.]+)/', $holderOut, $m);
        [$lockedAt, $releasedAt] = [(float) $m[1], (float) $m[2]];
        // The lock was really in the runner's way: taken before the 422 came back and
        // the run could only finish after it was released.
        self::assertLessThan($started + 0.3, $lockedAt, 'the lock was taken while the requests were in flight');
        self::assertGreaterThan($releasedAt, $ended, 'runDeliveries waited for the locked row');
        self::assertGreaterThanOrEqual(self::LOCK_S - 0.1, $ended - $started);

        // Every job accounted for: 32 delivered, the 422 dead-lettered, nothing lost.
        self::assertSame(self::SLOW, $summary['delivered'], json_encode($summary));
        self::assertSame(1, $summary['failed'], json_encode($summary));
        self::assertSame(0, $summary['retried'], json_encode($summary));
        self::assertSame(0, $summary['queue_errors'], json_encode($summary));
        self::assertSame('failed', $queue->get($trigger)->status);
        self::assertStringContainsString('422', (string) $queue->get($trigger)->lastError);
        foreach ($slow as $id) {
            $job = $queue->get($id);
            self::assertSame('done', $job->status, "job $id: " . $job->lastError);
            self::assertSame(1, $job->attempts);
        }

        // No request timed out: every attempt got its answer.
        $log = new RequestLog($this->store);
        $log->flush();
        self::assertSame(self::SLOW + 1, $log->count(['endpoint' => $p]));
        self::assertSame(self::SLOW, $log->count(['endpoint' => "$p/slow", 'status' => 200]));
        self::assertSame(0, $log->count(['endpoint' => $p, 'status_class' => 'error']), 'no attempt ended without an answer');
        self::assertCount(self::SLOW + 1, MockApi::get()->requests($p));
    }
}
