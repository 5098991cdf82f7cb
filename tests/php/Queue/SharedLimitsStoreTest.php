<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\ApiClient;
use Conduit\Store;
use Conduit\Tests\Queue\Support\StoreTestCase;
use Conduit\Tests\Support\LimitWorkers;
use Conduit\Tests\Support\MockApi;
use Conduit\Tests\Support\PhpProcess;

require_once __DIR__ . '/Support/StoreTestCase.php';
require_once __DIR__ . '/../Support/LimitWorkers.php';

/** rate_limit.scope / circuit_breaker.scope "store", on the engine of CONDUIT_TEST_ENGINE. */
final class SharedLimitsStoreTest extends StoreTestCase
{
    private const SECONDS = 4.0;

    public function testStoreScopeHoldsEightProcessesToOneBudget(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $options = ['_store' => $this->db->dsn, 'rate_limit' => ['per_second' => 50, 'burst' => 5, 'scope' => 'store', 'store' => true, 'key' => 'k' . bin2hex(random_bytes(4))]];
        [$start, $counts] = LimitWorkers::run(8, $options, $mock->url(), "$prefix/x", self::SECONDS);
        $seen = LimitWorkers::inWindow($mock->requests($prefix), $start, self::SECONDS);
        $bound = 50 * (int) self::SECONDS + 5;
        fwrite(STDERR, sprintf("\n[store/%s] mock saw %d requests in %.0f s (bound %d), per worker %s\n", $this->db->engine, $seen, self::SECONDS, $bound, json_encode($counts)));
        self::assertLessThanOrEqual($bound + 1, $seen);
        self::assertGreaterThanOrEqual((int) ($bound * 0.8), $seen, 'the budget is used');
        self::assertCount(8, array_filter($counts), 'every worker got a share');
    }

    public function testABreakerOpenedThroughTheStoreIsOpenInAnotherProcess(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $code = <<<'PHP'
[$dsn, $base, $path] = [$argv[1], $argv[2], $argv[3]];
$c = new Conduit\ApiClient($base, ['retry' => ['max_attempts' => 1],
    'circuit_breaker' => ['scope' => 'store', 'store' => new Conduit\Store($dsn), 'failure_ratio' => 1.0, 'min_calls' => 1, 'open_s' => 1.0]]);
$state = $c->getCircuitState();
try { $c->request('GET', $path); echo "$state ok"; }
catch (Conduit\CircuitOpenException $e) { echo "$state open"; }
catch (Conduit\ApiException $e) { echo "$state error"; }
PHP;
        self::assertSame('closed error', PhpProcess::run($code, [$this->db->dsn, $mock->url(), "$prefix/down?mock_status=503"]));
        self::assertSame('open open', PhpProcess::run($code, [$this->db->dsn, $mock->url(), "$prefix/other"]));
        self::assertCount(0, $mock->requests("$prefix/other"));
        usleep(1_100_000);
        self::assertSame('half_open ok', PhpProcess::run($code, [$this->db->dsn, $mock->url(), "$prefix/probe"]), 'the probe closes it');
        self::assertSame('closed ok', PhpProcess::run($code, [$this->db->dsn, $mock->url(), "$prefix/after"]));
    }

    public function testRunDeliveriesUsesTheClientsSharedLimit(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $queue = new \Conduit\SyncQueue($this->store);
        for ($i = 0; $i < 12; $i++) {
            $queue->pushRequest('GET', "$prefix/d$i");
        }
        $rl = ['per_second' => 10, 'burst' => 2, 'scope' => 'store', 'store' => $this->store, 'key' => 'd' . bin2hex(random_bytes(4))];
        $client = new ApiClient($mock->url(), ['rate_limit' => $rl]);
        $t = microtime(true);
        $summary = $queue->runDeliveries($client, ['concurrency' => 8]);
        $elapsed = microtime(true) - $t;
        self::assertCount(12, $mock->requests($prefix), json_encode($summary));
        // 12 requests at 10/s with a burst of 2: the last one leaves after ~1 s.
        self::assertGreaterThan(0.9, $elapsed, 'the shared limit paced the deliveries');
    }

    public function testAnUnreachableStoreFailsOpenToTheProcessLimit(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        // Never migrated: every booking fails (no table), like a database outage.
        $broken = new Store($this->db->engine === 'sqlite' ? 'sqlite:///nonexistent-dir-' . bin2hex(random_bytes(3)) . '/x.db' : $this->db->dsn . '_missing');
        $client = new ApiClient($mock->url(), ['rate_limit' => ['per_second' => 1000, 'burst' => 10, 'scope' => 'store', 'store' => $broken]]);
        for ($i = 0; $i < 3; $i++) {
            self::assertSame(200, $client->send('GET', "$prefix/x")->getStatus());
        }
        self::assertCount(3, $mock->requests($prefix));
    }
}
