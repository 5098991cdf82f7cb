<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Orm\WorkerTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

require_once __DIR__ . '/Support/QueueChildren.php';

/**
 * `php bin/conduit worker` as real processes: SIGTERM mid-job finishes that job and exits
 * 0; kill -9 mid-job loses nothing (the job is redone after its lease); the heartbeat row.
 */
final class WorkerTest extends ModuleTestCase
{
    private string $type;
    private QueueChildren $children;
    /** @var list<int> */
    private array $jobs = [];

    protected function setUp(): void
    {
        if (!function_exists('posix_kill')) {
            $this->markTestSkipped('needs the posix extension to send signals');
        }
        self::ensureInstalled();
        $this->type = self::uniqueName('t') . '.worker';
        $this->children = new QueueChildren($this->type);
    }

    protected function tearDown(): void
    {
        $this->children->cleanUp();
        foreach ($this->jobs as $id) {
            Services::queue()->delete($id);
        }
    }

    private function push(array $payload): int
    {
        return $this->jobs[] = Services::queue()->push($this->type, $payload);
    }

    public function testSigtermFinishesTheCurrentJobAndExitsZero(): void
    {
        $first = $this->push($this->children->payload(1500));
        $second = $this->push($this->children->payload(1500));
        $third = $this->push($this->children->payload(1500));
        $worker = $this->children->start(['worker', '--types=' . $this->type, '--sleep=0.1']);
        $this->children->waitFor(fn (array $lines) => $lines !== []);
        $this->children->signal($worker, SIGTERM);
        $result = $this->children->wait($worker);

        $this->assertSame(0, $result['exit'], $result['output']);
        $this->assertFalse($result['signaled'], 'it exited by itself, not killed by the signal');
        $lines = $this->children->lines();
        $this->assertCount(2, $lines, 'one job started and finished, nothing else started: ' . json_encode($lines));
        [$start, $end] = $lines;
        $this->assertSame(['start', 'end'], [$start[0], $end[0]]);
        $this->assertSame($start[1], $end[1]);
        $this->assertSame('done', Services::queue()->get($start[1])->status, 'the job in hand was finished and acked');
        $others = array_values(array_diff([$first, $second, $third], [$start[1]]));
        foreach ($others as $id) {
            $job = Services::queue()->get($id);
            $this->assertSame('pending', $job->status, 'claimed but not started: given back');
            $this->assertSame(0, $job->attempts, 'without spending an attempt');
        }
        $this->assertMatchesRegularExpression('/\(signal\)/', $result['output']);

        $row = WorkerTable::getList(['filter' => ['=PID' => $start[2]], 'order' => ['STARTED_AT' => 'DESC'], 'limit' => 1])->fetch();
        $this->assertIsArray($row, 'the worker has a heartbeat row');
        $this->assertSame(['stopped', 'signal', '1'], [$row['STATUS'], $row['STOP_REASON'], (string) $row['JOBS_DONE']]);
        $this->assertGreaterThan((microtime(true) - 60) * 1000, (int) $row['HEARTBEAT_AT']);
        $this->assertSame($this->type, $row['TYPES']);
        WorkerTable::delete($row['ID']);

        // The rest is done by the next worker.
        $next = $this->children->start(['worker', '--types=' . $this->type, '--limit=2', '--sleep=0.1', '--quiet']);
        $this->assertSame(0, $this->children->wait($next)['exit']);
        foreach ($others as $id) {
            $this->assertSame('done', Services::queue()->get($id)->status);
        }
    }

    public function testKillNineMidJobLosesNothing(): void
    {
        $lease = Settings::get('queue_lease_s');
        Settings::set('queue_lease_s', 5);
        try {
            $id = $this->push($this->children->payload(3000));
            $worker = $this->children->start(['worker', '--types=' . $this->type, '--sleep=0.1', '--quiet']);
            $this->children->waitFor(fn (array $lines) => $lines !== []);
            $this->children->signal($worker, SIGKILL);
            $result = $this->children->wait($worker);
            $this->assertTrue($result['signaled']);
            $job = Services::queue()->get($id);
            $this->assertSame('running', $job->status, 'still leased to the dead worker');

            // After the lease the job is claimable again; a new worker does it.
            $next = $this->children->start(['worker', '--types=' . $this->type, '--limit=1', '--sleep=0.2', '--time-limit=30', '--quiet']);
            $result = $this->children->wait($next, 40);
            $this->assertSame(0, $result['exit'], $result['output']);
            $job = Services::queue()->get($id);
            $this->assertSame('done', $job->status);
            $this->assertSame(2, $job->attempts, 'the killed attempt counted, the second one finished');
            $lines = $this->children->lines();
            $this->assertSame(['start', 'start', 'end'], array_column($lines, 0));
            $this->assertSame([1, 2, 2], array_column($lines, 3), 'attempt numbers as the handler saw them');
        } finally {
            Settings::set('queue_lease_s', $lease);
        }
    }

    public function testLimitsStopTheWorkerCleanly(): void
    {
        $worker = $this->children->start(['worker', '--types=' . $this->type, '--time-limit=1', '--sleep=0.1']);
        $result = $this->children->wait($worker, 20);
        $this->assertSame(0, $result['exit'], $result['output']);
        $this->assertStringContainsString('(time_limit)', $result['output']);

        $bad = $this->children->start(['worker', '--time-limit=soon']);
        $this->assertSame(1, $this->children->wait($bad)['exit'], 'a bad option value is refused');
    }
}
