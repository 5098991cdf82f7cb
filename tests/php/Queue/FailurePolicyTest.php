<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ApiClient;
use Conduit\ConduitException;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\StoreTestCase;
use Conduit\Tests\Support\MockApi;

require_once __DIR__ . '/Support/StoreTestCase.php';

/**
 * The README's "Retry semantics" table through all three places that apply it:
 * the client's attempt loop, SyncQueue::fail and runDeliveries. They share one policy
 * (conduit-http failure_policy), so they must agree row by row; queued jobs are
 * redelivered by design and count as keyed.
 */
final class FailurePolicyTest extends StoreTestCase
{
    /** name => [mock controls, retried by a keyed/idempotent request, retried by an unkeyed POST] */
    private const TABLE = [
        '429' => [['X-Mock-Status' => '429'], true, true],
        '502' => [['X-Mock-Status' => '502'], true, true],
        '503' => [['X-Mock-Status' => '503'], true, true],
        '504' => [['X-Mock-Status' => '504'], true, true],
        '500' => [['X-Mock-Status' => '500'], true, false],
        'reset' => [['X-Mock-Fault' => 'reset_before_headers'], true, false],
        '400' => [['X-Mock-Status' => '400'], false, false],
        '404' => [['X-Mock-Status' => '404'], false, false],
        '408' => [['X-Mock-Status' => '408'], false, false],
        '422' => [['X-Mock-Status' => '422'], false, false],
        '425' => [['X-Mock-Status' => '425'], false, false],
        '501' => [['X-Mock-Status' => '501'], false, false],
        '505' => [['X-Mock-Status' => '505'], false, false],
    ];

    private function client(int $attempts): ApiClient
    {
        return new ApiClient(MockApi::get()->url(), [
            'retry' => ['max_attempts' => $attempts, 'base_delay_ms' => 1, 'max_delay_ms' => 5],
        ]);
    }

    public function testTheClientRepeatsExactlyTheTableRows(): void
    {
        $mock = MockApi::get();
        $p = MockApi::prefix();
        foreach (self::TABLE as $name => [$controls, $keyed, $unkeyed]) {
            foreach (['PUT' => $keyed, 'POST' => $unkeyed] as $method => $retried) {
                $path = "$p/client/$name/$method";
                try {
                    $this->client(2)->send($method, $path, ['headers' => $controls]);
                    self::fail("$name $method: no exception");
                } catch (ConduitException $e) {
                }
                self::assertCount($retried ? 2 : 1, $mock->requests($path), "$name $method");
            }
        }
        // Connection refused: nothing was sent, so even an unkeyed POST is repeated.
        $refused = new ApiClient('http://127.0.0.1:1', ['retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 5]]);
        try {
            $refused->send('POST', '/x');
            self::fail('refused: no exception');
        } catch (ConduitException $e) {
            self::assertSame(2, $e->getAttempts());
        }
    }

    public function testSyncQueueFailFollowsTheTable(): void
    {
        $p = MockApi::prefix();
        $queue = new SyncQueue($this->store, ['max_attempts' => 5]);
        foreach (self::TABLE as $name => [$controls, $keyed]) {
            $error = null;
            try {
                $this->client(1)->send('GET', "$p/fail/$name", ['headers' => $controls]);
            } catch (ConduitException $e) {
                $error = $e;
            }
            self::assertNotNull($error, (string) $name);
            // A type per row: a row's job put back to `pending` may be due again at
            // once (full jitter can draw a delay of 0) and must not be claimed in
            // place of the next row's.
            $type = "policy-$name";
            $id = $queue->push($type, ['row' => $name]);
            $claimed = $queue->claim(1, ['types' => [$type]]);
            self::assertSame($id, $claimed[0]->id ?? null, (string) $name);
            self::assertSame($keyed ? 'pending' : 'failed', $queue->fail($id, $error), "$name via SyncQueue::fail");
        }
    }

    public function testRunDeliveriesFollowsTheTable(): void
    {
        $p = MockApi::prefix();
        $queue = new SyncQueue($this->store, ['max_attempts' => 5, 'backoff_base_s' => 30, 'backoff_max_s' => 60]);
        $ids = [];
        foreach (self::TABLE as $name => [$controls]) {
            $ids[$name] = $queue->pushRequest('POST', "$p/deliver/$name", ['headers' => $controls]);
        }
        $summary = $queue->runDeliveries($this->client(1), ['limit' => count($ids), 'concurrency' => 4]);
        $expectedRetried = count(array_filter(self::TABLE, fn ($row) => $row[1]));
        self::assertSame($expectedRetried, $summary['retried']);
        self::assertSame(count($ids) - $expectedRetried, $summary['failed']);
        foreach (self::TABLE as $name => [, $keyed]) {
            self::assertSame($keyed ? 'pending' : 'failed', $queue->get($ids[$name])->status, "$name via runDeliveries");
        }
    }
}
