<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue;

use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\Child;
use Conduit\Tests\Queue\Support\StoreTestCase;

require_once __DIR__ . '/Support/StoreTestCase.php';

/** Real processes: a pusher killed after push, four concurrent workers, workers that crash. */
final class ProcessesTest extends StoreTestCase
{
    public function testAPushedJobSurvivesKill9OfThePusher(): void
    {
        $ids = [];
        for ($i = 0; $i < 3; $i++) {
            $out = $this->child(['push-and-die', $this->db->dsn], 128 + SIGKILL);
            $ids[] = (int) trim($out);
        }
        $q = new SyncQueue($this->store);
        foreach ($ids as $id) {
            $job = $q->get($id);
            self::assertNotNull($job, "job $id pushed before kill -9 is in the store");
            self::assertSame('pending', $job->status);
            self::assertSame('durable', $job->type);
        }
        self::assertSame(3, $q->count());
    }

    public function testFourWorkersClaimingConcurrentlyTakeEveryJobExactlyOnce(): void
    {
        $jobs = 2000;
        $q = new SyncQueue($this->store);
        $q->pushMany(array_map(fn($n) => ['concurrent', ['n' => $n]], range(1, 500)));
        $until = microtime(true) + 5.0;
        $dir = sys_get_temp_dir() . '/conduit-workers-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($dir);
        $producer = new Child(['producer', $this->db->dsn, (string) ($jobs - 500), '4']);
        $workers = [];
        for ($w = 0; $w < 4; $w++) {
            $workers[] = new Child(['worker', $this->db->dsn, "$dir/w$w.log", (string) $until]);
        }
        $r = $producer->wait(60);
        self::assertSame(0, $r['exit'], $r['stderr']);
        foreach ($workers as $i => $worker) {
            $r = $worker->wait(60);
            self::assertSame(0, $r['exit'], "worker $i: {$r['stderr']} {$r['stdout']}");
        }
        // A straggler pushed after the workers' last look is drained here, then checked.
        $seen = [];
        $perWorker = [];
        foreach (glob("$dir/w*.log") as $file) {
            foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
                [$id, $pid, $attempts] = array_map('intval', explode(' ', $line));
                self::assertArrayNotHasKey($id, $seen, "job $id claimed by $pid and by " . ($seen[$id] ?? "?"));
                self::assertSame(1, $attempts, "job $id was claimed once, on its first attempt");
                $seen[$id] = $pid;
                $perWorker[$pid] = ($perWorker[$pid] ?? 0) + 1;
            }
            unlink($file);
        }
        rmdir($dir);
        foreach ($q->claim(1000) as $late) {
            $seen[$late->id] = 0;
            $q->ack($late->id);
        }
        self::assertCount($jobs, $seen, 'no job lost');
        self::assertSame($jobs, $q->count(['status' => 'done']), 'every job done exactly once');
        self::assertCount(4, $perWorker, 'all four workers took part: ' . json_encode($perWorker));
        foreach ($q->list(['status' => 'done'], 'id', 1000) as $job) {
            self::assertSame($seen[$job->id] === 0 ? null : $seen[$job->id], $job->result['by'] ?? null, "job {$job->id} acked by its claimer");
        }
    }

    public function testJobsOfACrashedWorkerAreReclaimedAfterTheLease(): void
    {
        $q = new SyncQueue($this->store, ['backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $ids = $q->pushMany(array_map(fn($n) => ['crash', ['n' => $n]], range(1, 5)));
        $held = array_map('intval', explode(' ', trim($this->child(['claim-and-die', $this->db->dsn, '5', '1'], 128 + SIGKILL))));
        sort($held);
        self::assertSame($ids, $held);
        self::assertSame([], $q->claim(10), 'still leased');
        $reclaimed = [];
        self::eventually(function () use ($q, &$reclaimed): bool {
            foreach ($q->claim(10) as $job) {
                $reclaimed[$job->id] = $job;
            }
            return count($reclaimed) === 5;
        }, 5.0, 'the crashed worker\'s jobs to be reclaimed');
        foreach ($reclaimed as $job) {
            self::assertSame(2, $job->attempts, 'the expired lease counted as an attempt');
            self::assertSame('lease expired', $job->lastError);
            $q->ack($job->id);
        }
        self::assertSame(5, $q->count(['status' => 'done']));
    }

    public function testAJobThatKeepsKillingItsWorkerEndsFailed(): void
    {
        $q = new SyncQueue($this->store, ['max_attempts' => 3, 'backoff_base_s' => 0, 'backoff_max_s' => 0]);
        $id = $q->push('poison', []);
        $deaths = 0;
        $deadline = microtime(true) + 15;
        while ($q->get($id)->status !== 'failed' && microtime(true) < $deadline) {
            // Each claim-and-die is a fresh process: it recovers expired leases at once.
            $out = trim($this->child(['claim-and-die', $this->db->dsn, '1', '0.3'], 128 + SIGKILL));
            if ($out !== '') {
                $deaths++;
            }
            usleep(350_000);
        }
        $job = $q->get($id);
        self::assertSame('failed', $job->status);
        self::assertSame(3, $deaths);
        self::assertSame(3, $job->attempts);
        self::assertSame('lease expired', $job->lastError);
    }
}
