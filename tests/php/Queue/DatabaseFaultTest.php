<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\QueueException;
use Conduit\RequestLog;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\Child;
use Conduit\Tests\Queue\Support\PrivateMariaDb;
use Conduit\Tests\Queue\Support\PrivatePostgres;
use Conduit\Tests\Queue\Support\StoreTestCase;

require_once __DIR__ . '/Support/StoreTestCase.php';
require_once __DIR__ . '/Support/PrivateMariaDb.php';
require_once __DIR__ . '/Support/PrivatePostgres.php';

/**
 * The database goes away mid-run: every call fails with a QueueException carrying the
 * driver's reason (no crash, nothing half-written), and once it is back nothing is lost.
 * MariaDB and PostgreSQL: a private server this test starts, stops and restarts (never
 * the shared one).
 * SQLite: another process holds the write lock past the busy timeout.
 */
final class DatabaseFaultTest extends StoreTestCase
{
    public function testAnUnavailableDatabaseIsAQueueExceptionAndNothingIsLost(): void
    {
        if ($this->db->engine === 'mariadb') {
            $this->serverGoesDownAndComesBack(new PrivateMariaDb());
        } elseif ($this->db->engine === 'postgres') {
            $this->serverGoesDownAndComesBack(new PrivatePostgres());
        } else {
            $this->sqliteStaysLockedPastTheBusyTimeout();
        }
    }

    private function serverGoesDownAndComesBack(PrivateMariaDb|PrivatePostgres $server): void
    {
        $server->query('CREATE DATABASE fault');
        $store = new Store($server->dsn('fault'), ['connect_timeout_s' => 1, 'log_flush_timeout_s' => 1, 'log_drop_grace_s' => 600]);
        $store->migrate();
        $q = new SyncQueue($store);
        $log = new RequestLog($store);
        $ids = $q->pushMany(array_map(fn($n) => ['fault', ['n' => $n]], range(1, 50)));
        $held = $q->claim(10);
        foreach (array_slice($held, 0, 5) as $job) {
            $q->ack($job->id);
        }

        $server->stop();
        $calls = [
            'push' => fn() => $q->push('fault', ['n' => 51]),
            'claim' => fn() => $q->claim(10),
            'ack' => fn() => $q->ack($held[5]->id),
            'stats' => fn() => $q->stats(),
            'log flush' => function () use ($log) {
                self::assertTrue($log->record(['method' => 'GET', 'url' => 'https://x.test/during-outage']), 'queued, not dropped');
                $log->flush();
            },
        ];
        foreach ($calls as $name => $call) {
            try {
                $call();
                self::fail("$name succeeded with the database down");
            } catch (QueueException $e) {
                self::assertMatchesRegularExpression('/cannot|could not/', $e->getMessage(), $name);
                self::assertMatchesRegularExpression('/connect|refused|gone away|broken pipe|lost|reset|no such file|unreachable|database/i', $e->getMessage(), "$name: the driver's reason is given");
            }
        }

        // No grace and a tiny queue: without a spool this dropped records; with the
        // local spool (the default) a full queue waits for the writer to move records
        // into it, and nothing is dropped.
        $lossy = new RequestLog(new Store($server->dsn('fault'), [
            'connect_timeout_s' => 1, 'log_drop_grace_s' => 0, 'log_capacity' => 2, 'log_batch_size' => 1, 'log_flush_timeout_s' => 0.5,
        ]));
        $accepted = 0;
        for ($i = 0; $i < 20; $i++) {
            $accepted += (int) $lossy->record(['method' => 'GET', 'url' => "https://x.test/lossy/$i"]);
        }
        try {
            $lossy->flush();
            self::fail('flush() succeeded with the database down');
        } catch (QueueException $e) {
            self::assertStringContainsString('local spool', $e->getMessage());
        }
        $w = $lossy->writerStats();
        self::assertSame(20, $w['accepted']);
        self::assertSame(20, $accepted);
        self::assertSame(0, $w['dropped']);
        self::assertSame(20, $w['spooled'], json_encode($w));
        self::assertNotNull($w['unreachable_since']);
        self::assertMatchesRegularExpression('/Connection refused|could not connect|connect/i', (string) $w['last_error']);

        $server->start();
        $q->push('fault', ['n' => 51]);
        foreach (array_slice($held, 5) as $job) {
            $q->ack($job->id);   // the lease survived the outage
        }
        $remaining = 0;
        while ($jobs = $q->claim(100)) {
            foreach ($jobs as $job) {
                $q->ack($job->id);
                $remaining++;
            }
        }
        self::assertSame(41, $remaining);
        self::assertSame(51, $q->count(['status' => 'done']), 'nothing lost, nothing half-written');
        $log->flush();
        self::assertSame(1, $log->count(['endpoint' => '/during-outage']), 'the record queued during the outage was written');
        self::assertSame(0, $log->writerStats()['dropped']);
        self::assertCount(50, $ids);
        $lossy->flush();
        self::assertSame(20, $log->count(['endpoint' => '/lossy/']), 'every spooled record was written once');
        self::assertSame(20, $lossy->writerStats()['replayed']);
        unset($q, $log, $store, $lossy);
    }

    private function sqliteStaysLockedPastTheBusyTimeout(): void
    {
        $path = substr($this->db->dsn, strlen('sqlite://'));
        $store = new Store($this->db->dsn, ['busy_timeout_s' => 0.2]);
        $q = new SyncQueue($store);
        $q->push('fault', ['n' => 0]);
        $locker = new Child(['sqlite-lock', $path, '1.5']);
        usleep(400_000);   // let it take the lock
        foreach (['push' => fn() => $q->push('fault', ['n' => 1]), 'claim' => fn() => $q->claim(10)] as $name => $call) {
            try {
                $call();
                self::fail("$name succeeded while the database was locked");
            } catch (QueueException $e) {
                self::assertStringContainsString('database is locked', $e->getMessage(), $name);
            }
        }
        // The log writer waits for the lock instead of dropping.
        $log = new \Conduit\RequestLog($store);
        self::assertTrue($log->record(['method' => 'GET', 'url' => 'https://x.test/while-locked']));
        self::assertSame(0, $locker->wait(10)['exit']);
        self::assertSame(1, $q->count(), 'the failed push wrote nothing');
        $log->flush();
        self::assertSame(1, $log->count());
        self::assertSame(0, $log->writerStats()['dropped']);
        $q->push('fault', ['n' => 2]);
        self::assertCount(2, $q->claim(10));
    }
}
