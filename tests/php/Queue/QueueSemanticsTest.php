<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ApiException;
use Conduit\ConfigException;
use Conduit\Job;
use Conduit\QueueException;
use Conduit\RateLimitException;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\StoreTestCase;

require_once __DIR__ . '/Support/StoreTestCase.php';

/** What a handler author relies on, as PHP sees it, on the engine under test. */
final class QueueSemanticsTest extends StoreTestCase
{
    private function queue(array $options = []): SyncQueue
    {
        return new SyncQueue($this->store, $options);
    }

    /** @param Job[] $jobs @return int[] */
    private static function ids(array $jobs): array
    {
        $ids = array_map(fn(Job $j) => $j->id, $jobs);
        sort($ids);
        return $ids;
    }

    public function testPushClaimAckRoundTripWithJobProperties(): void
    {
        $q = $this->queue();
        $payload = ['orderId' => 42, 'lines' => [['sku' => 'A', 'qty' => 2.5]], 'note' => 'привет', 'empty' => []];
        $before = microtime(true);
        $id = $q->push('order.export', $payload, ['priority' => 3, 'max_attempts' => 7]);
        self::assertIsInt($id);
        [$job] = $q->claim(10, ['lease_s' => 30]);
        self::assertInstanceOf(Job::class, $job);
        self::assertSame($id, $job->id);
        self::assertSame('order.export', $job->type);
        self::assertSame($payload, $job->payload);
        self::assertSame('running', $job->status);
        self::assertSame(1, $job->attempts);
        self::assertSame(7, $job->maxAttempts);
        self::assertSame(3, $job->priority);
        self::assertEqualsWithDelta($before, $job->createdAt, 2.0);
        self::assertEqualsWithDelta(microtime(true) + 30, $job->leaseUntil, 2.0);
        self::assertSame([], $q->claim(10), 'a leased job is not handed out twice');
        $q->ack($id, ['erpId' => 'E-1']);
        $done = $q->get($id);
        self::assertSame('done', $done->status);
        self::assertSame(['erpId' => 'E-1'], $done->result);
        self::assertNotNull($done->finishedAt);
        self::assertNull($q->get(999999));
    }

    public function testAckManyAcksTheHeldJobsAndNamesTheRest(): void
    {
        $q = $this->queue();
        $ids = $q->pushMany([['t', []], ['t', []], ['t', []], ['t', []]]);
        $claimed = array_map(fn(Job $j) => $j->id, $q->claim(3));
        $q->delete($claimed[2]);
        self::assertSame([$claimed[2], $ids[3]], $q->ackMany([...$claimed, $ids[3]]));
        self::assertSame(2, $q->count(['status' => 'done']));
        self::assertSame([], $q->ackMany([]));
    }

    public function testDedupeKeyReturnsTheLiveJob(): void
    {
        $q = $this->queue();
        $a = $q->push('t', ['v' => 1], ['dedupe_key' => 'order:42']);
        self::assertSame($a, $q->push('t', ['v' => 2], ['dedupe_key' => 'order:42']));
        [$job] = $q->claim(1);
        self::assertSame($a, $q->push('t', ['v' => 3], ['dedupe_key' => 'order:42']), 'still deduplicated while running');
        self::assertSame(['v' => 1], $job->payload, 'the first payload wins');
        $q->ack($a);
        self::assertNotSame($a, $q->push('t', ['v' => 4], ['dedupe_key' => 'order:42']), 'free again once done');
        self::assertSame(2, $q->count());
    }

    public function testDedupeWindowSuppressesReplaysOfFinishedJobs(): void
    {
        $q = $this->queue(['backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $a = $q->push('webhook', ['v' => 1], ['dedupe_key' => 'webhook:evt-1', 'dedupe_window_s' => 86400]);
        [$job] = $q->claim(1);
        $q->ack($job->id);
        self::assertSame($a, $q->push('webhook', ['v' => 2], ['dedupe_key' => 'webhook:evt-1', 'dedupe_window_s' => 86400]),
            'a replay after completion returns the finished job');
        self::assertNotSame($a, $q->push('webhook', ['v' => 3], ['dedupe_key' => 'webhook:evt-1 ', 'dedupe_window_s' => 86400]),
            'keys are exact: a trailing space is another key');
        // The queue default applies to every push with a dedupe key.
        $windowed = $this->queue(['dedupe_window_s' => 3600]);
        self::assertSame($a, $windowed->push('webhook', ['v' => 4], ['dedupe_key' => 'webhook:evt-1']));
        self::assertSame($a, $windowed->pushMany([['webhook', ['v' => 5], ['dedupe_key' => 'webhook:evt-1']]])[0]);
        // A failed job does not suppress: a dead letter can be pushed again.
        $f = $q->push('webhook', ['v' => 6], ['dedupe_key' => 'webhook:evt-2', 'dedupe_window_s' => 86400]);
        foreach ($q->claim(10) as $j) {
            $q->fail($j->id, 'permanent', ['retry' => false]);
        }
        self::assertSame('failed', $q->get($f)->status);
        self::assertNotSame($f, $q->push('webhook', ['v' => 7], ['dedupe_key' => 'webhook:evt-2', 'dedupe_window_s' => 86400]));
        foreach ([-1, 2592001, 'x', NAN, INF] as $bad) {
            try {
                $q->push('t', [], ['dedupe_key' => 'k', 'dedupe_window_s' => $bad]);
                self::fail('dedupe_window_s ' . var_export($bad, true) . ' did not throw');
            } catch (ConfigException $e) {
                self::assertStringContainsString('dedupe_window_s', $e->getMessage());
            }
        }
    }

    public function testPushOrFindSaysWhetherItDeduplicated(): void
    {
        $q = $this->queue();
        $key = 'webhook:pof-' . bin2hex(random_bytes(4));
        $first = $q->pushOrFind('webhook', ['v' => 1], ['dedupe_key' => $key, 'dedupe_window_s' => 3600]);
        self::assertSame(['id', 'deduplicated'], array_keys($first));
        self::assertFalse($first['deduplicated']);
        // At once, in the same millisecond: the engine knows, no clock is compared.
        self::assertSame(['id' => $first['id'], 'deduplicated' => true], $q->pushOrFind('webhook', ['v' => 2], ['dedupe_key' => $key]));
        [$job] = $q->claim(1, ['types' => ['webhook']]);
        $q->ack($job->id);
        self::assertSame(['id' => $first['id'], 'deduplicated' => true], $q->pushOrFind('webhook', ['v' => 3], ['dedupe_key' => $key, 'dedupe_window_s' => 3600]),
            'a done job inside the window');
        $fresh = $q->pushOrFind('webhook', ['v' => 4], ['dedupe_key' => $key, 'dedupe_window_s' => 0]);
        self::assertFalse($fresh['deduplicated'], 'no window: a done job does not suppress');
        self::assertNotSame($first['id'], $fresh['id']);
        $plain = $q->pushOrFind('other', ['v' => 5]);
        self::assertFalse($plain['deduplicated']);
        self::assertSame(1, $q->count(['type' => 'other']));
    }

    public function testKeysAreExactOnEveryEngine(): void
    {
        $q = $this->queue();
        $variants = ['order:1', 'order:1 ', 'Order:1', 'ordér:1'];
        $ids = [];
        foreach ($variants as $key) {
            $ids[] = $q->push('t', [$key], ['dedupe_key' => $key, 'group_key' => "g-$key"]);
        }
        self::assertCount(4, array_unique($ids), 'no variant was merged with another');
        $solo1 = $q->push('t', [], ['group_key' => 'solo ']);
        $solo2 = $q->push('t', [], ['group_key' => 'solo']);
        $claimed = self::ids($q->claim(100));
        self::assertContains($solo2, $claimed, "a job in group 'solo' does not wait behind 'solo '");
        self::assertContains($solo1, $claimed);
    }

    public function testGroupsRunOneAtATimeInPushOrder(): void
    {
        $q = $this->queue(['backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $g1 = $q->push('order.update', ['step' => 1], ['group_key' => 'order:7']);
        $g2 = $q->push('order.update', ['step' => 2], ['group_key' => 'order:7', 'priority' => 99]);
        $g3 = $q->push('order.update', ['step' => 3], ['group_key' => 'order:7']);
        $free = $q->push('other', []);
        self::assertSame([$g1, $free], self::ids($q->claim(10)));
        self::assertSame([], $q->claim(10), 'step 2 waits for step 1');
        self::assertSame('pending', $q->fail($g1, 'ERP busy'));
        self::assertSame([$g1], self::ids($q->claim(10)), 'a retried step keeps its place');
        $q->ack($g1);
        self::assertSame([$g2], self::ids($q->claim(10)));
        $q->ack($g2);
        self::assertSame([$g3], self::ids($q->claim(10)));
    }

    public function testPrioritiesThenDueTimeAndDelays(): void
    {
        $q = $this->queue();
        $low = $q->push('t', [], ['priority' => -1]);
        $normal = $q->push('t', []);
        $high = $q->push('t', [], ['priority' => 10]);
        $delayed = $q->push('t', [], ['delay_s' => 0.5, 'priority' => 100]);
        $future = $q->push('t', [], ['run_at' => time() + 3600]);
        self::assertSame([$high, $normal, $low], array_map(fn($j) => $j->id, $q->claim(10)));
        usleep(600_000);
        self::assertSame([$delayed], array_map(fn($j) => $j->id, $q->claim(10)));
        self::assertSame('pending', $q->get($future)->status);
        self::assertSame([$future], array_map(fn($j) => $j->id, $q->list(['status' => 'pending'])));
    }

    public function testBackoffScheduleStaysWithinItsBounds(): void
    {
        // base 0.1 s, cap 0.25 s: failure n waits in [0, min(0.25, 0.1 * 2^(n-1))].
        $q = $this->queue(['max_attempts' => 10, 'backoff_base_s' => 0.1, 'backoff_max_s' => 0.25]);
        $id = $q->push('t', []);
        foreach ([0.1, 0.2, 0.25, 0.25] as $n => $bound) {
            self::eventually(fn() => $q->claim(1) !== [], 2.0, "job due for attempt " . ($n + 1));
            $t = microtime(true);
            self::assertSame('pending', $q->fail($id, 'flaky'));
            $wait = $q->get($id)->runAt - $t;
            self::assertGreaterThanOrEqual(-0.005, $wait);
            self::assertLessThanOrEqual($bound + 0.01, $wait, "failure " . ($n + 1));
        }
    }

    public function testRateLimitRetryAfterWinsAndBusinessErrorsAreDeadLettered(): void
    {
        $q = $this->queue(['backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $id = $q->push('t', []);
        $q->claim(1);
        // A RateLimitException carries the server's Retry-After (set here as the client does).
        $e = new RateLimitException('HTTP 429', 429);
        $rp = new \ReflectionProperty(RateLimitException::class, 'retryAfter');
        $rp->setValue($e, 120.0);
        self::assertSame('pending', $q->fail($id, $e));
        self::assertEqualsWithDelta(microtime(true) + 120, $q->get($id)->runAt, 2.0);
        self::assertStringStartsWith('Conduit\RateLimitException: HTTP 429', $q->get($id)->lastError);

        $id2 = $q->push('u', []);
        $q->claim(1, ['types' => ['u']]);
        self::assertSame('failed', $q->fail($id2, new ApiException('HTTP 422 Unprocessable', 422)));
        self::assertSame('failed', $q->get($id2)->status, 'a 4xx is a business error: no retry');
        $id3 = $q->push('u', []);
        $q->claim(1, ['types' => ['u']]);
        self::assertSame('pending', $q->fail($id3, new ApiException('HTTP 503', 503)));
        $q->claim(1, ['types' => ['u']]);
        self::assertSame('failed', $q->fail($id3, new \RuntimeException('x'), ['retry' => false]));
        $this->expectException(ConfigException::class);
        $q->fail($id3, 42);
    }

    public function testDeadLetterKeepsTheErrorAndManualRetryRevivesIt(): void
    {
        $q = $this->queue(['max_attempts' => 2, 'backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $id = $q->push('t', []);
        $q->claim(1);
        self::assertSame('pending', $q->fail($id, 'first'));
        $q->claim(1);
        self::assertSame('failed', $q->fail($id, new \DomainException('second')));
        $job = $q->get($id);
        self::assertSame(['failed', 2, 'DomainException: second'], [$job->status, $job->attempts, $job->lastError]);
        self::assertSame([], $q->claim(1));
        self::assertSame(1, $q->count(['status' => 'failed', 'error' => 'second']));
        $q->retry($id);
        self::assertSame(['pending', 0], [$q->get($id)->status, $q->get($id)->attempts]);
        self::assertSame($id, $q->claim(1)[0]->id);
        $q->ack($id);
        try {
            $q->retry($id);
            self::fail('retrying a done job must throw');
        } catch (QueueException $e) {
            self::assertStringContainsString("it is done, not failed", $e->getMessage());
        }
        $a = $q->push('bulk', []);
        $b = $q->push('bulk', []);
        foreach ($q->claim(10) as $j) {
            $q->fail($j->id, 'x', ['retry' => false]);
        }
        self::assertSame(2, $q->retryFailed(['type' => 'bulk']));
        self::assertSame([$a, $b], self::ids($q->claim(10)));
    }

    public function testReleaseExtendLeaseAndLostLeases(): void
    {
        $q = $this->queue();
        $id = $q->push('t', []);
        $q->claim(1);
        $q->release($id);
        self::assertSame(0, $q->get($id)->attempts, 'release does not count an attempt');
        $q->claim(1, ['lease_s' => 0.2]);
        $until = $q->extendLease($id, 60);
        self::assertEqualsWithDelta(microtime(true) + 60, $until, 2.0);
        $q->ack($id);
        try {
            $q->extendLease($id, 5);
            self::fail('extending a done job must throw');
        } catch (QueueException $e) {
            self::assertMatchesRegularExpression('/job \d+: it is done, not running/', $e->getMessage());
            self::assertSame(__FILE__, $e->getFile(), 'exceptions carry the PHP caller position');
        }
    }

    public function testListCountDeletePurgeAndStats(): void
    {
        $q = $this->queue(['backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $ids = $q->pushMany([['a', ['n' => 1]], ['type' => 'b', 'payload' => ['n' => 2], 'options' => ['priority' => 1]], ['b', ['n' => 3]]]);
        self::assertCount(3, $ids);
        $jobs = $q->claim(3);
        usleep(20_000);
        $q->ack($jobs[0]->id);
        $q->ack($jobs[1]->id);
        $q->fail($jobs[2]->id, 'gave up', ['retry' => false]);
        self::assertSame(2, $q->count(['type' => 'b']));
        self::assertSame(array_reverse($ids), array_map(fn($j) => $j->id, $q->list()));
        self::assertSame([$ids[1]], array_map(fn($j) => $j->id, $q->list(['type' => 'b'], 'id asc', 1, 0)));
        $stats = $q->stats();
        self::assertSame(['pending' => 0, 'running' => 0, 'done' => 2, 'failed' => 1], $stats['by_status']);
        self::assertSame(2, $stats['by_type']['b']['done'] + $stats['by_type']['b']['failed']);
        self::assertSame([2, 1], [$stats['done_last_hour'], $stats['failed_last_hour']]);
        self::assertGreaterThanOrEqual(15.0, $stats['avg_processing_ms']);
        self::assertGreaterThanOrEqual(15.0, $stats['p95_processing_ms']);
        self::assertNull($stats['oldest_pending_age_s']);
        self::assertSame(2, $q->purge());
        self::assertSame(0, $q->purge(['status' => 'failed', 'older_than_s' => 3600]));
        self::assertSame(1, $q->purge(['status' => ['failed']]));
        $keep = $q->push('t', []);
        self::assertTrue($q->delete($keep));
        self::assertFalse($q->delete($keep));
        self::assertSame(0, $q->count());
    }

    public function testPushRequestStoresTheDeliverySpec(): void
    {
        $q = $this->queue();
        $id = $q->pushRequest('post', '/orders', [
            'json' => ['id' => 42], 'query' => ['src' => 'bx'], 'headers' => ['X-Site' => 's1'],
            'dedupe_key' => 'order-42', 'priority' => 5,
        ]);
        $keyed = $q->pushRequest('PUT', '/orders/42', ['idempotency_key' => 'order-42-v2', 'body' => "\xff\x00raw"]);
        $job = $q->get($id);
        self::assertSame(SyncQueue::DELIVERY_TYPE, $job->type);
        self::assertSame(5, $job->priority);
        self::assertSame('POST', $job->payload['method']);
        self::assertSame([['src', 'bx']], $job->payload['query']);
        self::assertSame(['id' => 42], $job->payload['json']);
        self::assertMatchesRegularExpression('/^[0-9a-f-]{36}$/', $job->payload['idempotency_key']);
        self::assertSame('order-42-v2', $q->get($keyed)->payload['idempotency_key']);
        self::assertSame(base64_encode("\xff\x00raw"), $q->get($keyed)->payload['body_base64']);
        self::assertSame($id, $q->pushRequest('POST', '/orders', ['dedupe_key' => 'order-42']));
    }

    public function testBadArgumentsAreConfigExceptionsNamingTheValue(): void
    {
        $cases = [
            fn() => new Store('postgres://x'),
            fn() => new Store($this->db->dsn, ['table_prefix' => 'a-b']),
            fn() => new SyncQueue($this->store, ['lease' => 5]),
            fn() => $this->queue()->push('t', [], ['delay_s' => 'soon']),
            fn() => $this->queue()->push('t', ['x' => NAN]),
            fn() => $this->queue()->claim(0),
            fn() => $this->queue()->list(null, 'payload; DROP TABLE x'),
            fn() => $this->queue()->purge(['status' => 'pending']),
            fn() => $this->queue()->pushRequest('GET', '/x', ['jsn' => 1]),
            fn() => $this->queue()->pushMany([['t']]),
        ];
        foreach ($cases as $i => $case) {
            try {
                $case();
                self::fail("case $i did not throw");
            } catch (ConfigException $e) {
                self::assertInstanceOf(\InvalidArgumentException::class, $e);
                self::assertInstanceOf(\Conduit\ConduitException::class, $e);
            }
        }
        try {
            $this->queue()->push('t', [], ['leese_s' => 'x']);
            self::fail('an unknown option did not throw');
        } catch (ConfigException $e) {
            self::assertSame('SyncQueue::push(): unknown option "leese_s" (value "x"); allowed options are: delay_s, run_at, priority, max_attempts, dedupe_key, dedupe_window_s, group_key, backoff_base_s, backoff_max_s', $e->getMessage());
        }
    }

    public function testTablePrefixesAreCheckedAtConstructionWithOneRule(): void
    {
        foreach (['1x', '9conduit_', 'x-y', "x'", str_repeat('a', 33)] as $prefix) {
            try {
                new Store($this->db->dsn, ['table_prefix' => $prefix]);
                self::fail("table_prefix '$prefix' passed construction");
            } catch (ConfigException $e) {
                self::assertStringContainsString('option "table_prefix"', $e->getMessage());
                self::assertStringContainsString('"' . substr($prefix, 0, 20), $e->getMessage(), 'the value is quoted');
            }
        }
        $ok = new Store($this->db->dsn, ['table_prefix' => '_x1_']);
        self::assertSame(Store::SCHEMA_VERSION, $ok->migrate(), 'what construction accepts, migrate() accepts');
    }

    public function testSchemaIsVersionedAndUpgradesInPlace(): void
    {
        $other = new Store($this->db->dsn, ['table_prefix' => 'b_conduit_']);
        self::assertSame(0, $other->schemaVersion());
        self::assertSame(Store::SCHEMA_VERSION, $other->migrate());
        self::assertSame(Store::SCHEMA_VERSION, $other->migrate(), 'idempotent');
        self::assertSame('b_conduit_', $other->getTablePrefix());
        self::assertStringNotContainsString('pass', $other->getDsn());
        $unmigrated = new SyncQueue(new Store($this->db->dsn, ['table_prefix' => 'never_']));
        try {
            $unmigrated->push('t', []);
            self::fail('pushing without a schema must throw');
        } catch (QueueException $e) {
            self::assertStringContainsString('run $store->migrate()', $e->getMessage());
        }
    }
}
