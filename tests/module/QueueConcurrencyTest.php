<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Services;

require_once __DIR__ . '/Support/QueueChildren.php';

/**
 * Overlapping agent runs (`bin/conduit queue:run`, the agent's own bounded pass) and a
 * worker, as separate processes on one queue: every job is handled exactly once.
 */
final class QueueConcurrencyTest extends ModuleTestCase
{
    private const JOBS = 150;

    public function testAgentRunsAndAWorkerShareTheQueueWithoutDoubleProcessing(): void
    {
        if (!function_exists('posix_kill')) {
            $this->markTestSkipped('needs the posix extension');
        }
        self::ensureInstalled();
        $type = self::uniqueName('t') . '.shared';
        $children = new QueueChildren($type);
        $queue = Services::queue();
        $ids = [];
        try {
            $ids = $queue->pushMany(array_map(fn (int $n) => [$type, $children->payload(15, ['n' => $n])], range(1, self::JOBS)));
            $worker = $children->start(['worker', '--types=' . $type, '--sleep=0.05', '--quiet']);
            $agents = [];
            $deadline = microtime(true) + 60;
            // Agent runs keep starting while the worker works: up to three at a time.
            while ($queue->count(['type' => $type, 'status' => ['pending', 'running']]) > 0 && microtime(true) < $deadline) {
                $agents = array_values(array_filter($agents, fn (int $c) => $children->running($c)));
                while (count($agents) < 3) {
                    $agents[] = $children->start(['queue:run']);
                }
                usleep(100_000);
            }
            foreach ($agents as $agent) {
                $children->wait($agent);
            }
            $children->signal($worker, SIGTERM);
            $this->assertSame(0, $children->wait($worker)['exit']);

            $this->assertSame(self::JOBS, $queue->count(['type' => $type, 'status' => 'done']), 'every job done');
            $starts = array_values(array_filter($children->lines(), fn (array $l) => $l[0] === 'start'));
            $ran = array_column($starts, 1);
            $this->assertCount(self::JOBS, $ran, 'no job ran twice');
            $this->assertSame([], array_diff($ids, $ran), 'no job was skipped');
            $pids = array_unique(array_column($starts, 2));
            $this->assertGreaterThanOrEqual(3, count($pids), 'the worker and several agent runs took part: ' . count($pids) . ' processes');
            $workerPid = $children->pid($worker);
            $byWorker = count(array_filter($starts, fn (array $l) => $l[2] === $workerPid));
            $this->assertLessThan(self::JOBS, $byWorker, 'the agent runs did some of the work');
        } finally {
            $children->cleanUp();
            foreach ($ids as $id) {
                $queue->delete($id);
            }
        }
    }
}
