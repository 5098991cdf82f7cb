<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue\Support;

use Conduit\Store;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/StoreDb.php';
require_once __DIR__ . '/Child.php';

/** A fresh, migrated store per test, on the engine of CONDUIT_TEST_ENGINE. */
abstract class StoreTestCase extends TestCase
{
    protected StoreDb $db;
    protected Store $store;

    protected function setUp(): void
    {
        $this->db = new StoreDb();
        $this->store = new Store($this->db->dsn);
        self::assertSame(Store::SCHEMA_VERSION, $this->store->migrate());
    }

    protected function tearDown(): void
    {
        unset($this->store);
        $this->db->drop();
    }

    /** Runs store-child.php; asserts it exited as expected; returns its stdout. */
    protected function child(array $args, int $expectExit = 0, float $timeout = 60.0): string
    {
        $r = Child::run($args, $timeout);
        self::assertSame($expectExit, $r['exit'], "child " . implode(' ', $args) . " exited {$r['exit']}: {$r['stderr']} {$r['stdout']}");
        return $r['stdout'];
    }

    /** Waits (polling) until $condition returns true, failing after $timeout seconds. */
    protected static function eventually(callable $condition, float $timeout, string $what): void
    {
        $deadline = microtime(true) + $timeout;
        while (!$condition()) {
            if (microtime(true) > $deadline) {
                self::fail("timed out after {$timeout} s waiting for: $what");
            }
            usleep(50_000);
        }
    }
}
