<?php

namespace Conduit\Integration;

use Conduit\Job;
use Conduit\SyncQueue;

/**
 * What a job handler gets besides the payload: which job this is and which attempt,
 * and a way to keep its lease while it works.
 *
 * ```php
 * Handlers::register('order.import', function (array $payload, JobContext $context) {
 *     // $context->jobId, $context->attempt (1-based), $context->maxAttempts, $context->type
 *     $context->extendLease(300);   // a long import: keep the job for 5 more minutes
 *     return ['imported' => 12];    // kept as the job's result (JSON-encodable, or null)
 * });
 * ```
 */
final class JobContext
{
    public readonly int $jobId;
    public readonly string $type;
    /** The number of this attempt, 1-based. */
    public readonly int $attempt;
    public readonly int $maxAttempts;
    /** When the job was pushed (Unix time). */
    public readonly float $createdAt;
    public readonly ?string $dedupeKey;
    public readonly ?string $groupKey;
    /** Who runs it: "agent" or "worker". */
    public readonly string $runner;

    public function __construct(private readonly Job $job, private readonly SyncQueue $queue, string $runner)
    {
        $this->jobId = $job->id;
        $this->type = $job->type;
        $this->attempt = $job->attempts;
        $this->maxAttempts = $job->maxAttempts;
        $this->createdAt = $job->createdAt;
        $this->dedupeKey = $job->dedupeKey;
        $this->groupKey = $job->groupKey;
        $this->runner = $runner;
    }

    /** Whether this is the job's last attempt (a failure now dead-letters it). */
    public function isLastAttempt(): bool
    {
        return $this->attempt >= $this->maxAttempts;
    }

    /**
     * Keeps the job leased for $seconds from now, so a long handler is not taken over by
     * another worker (the queue's lease is queue_lease_s).
     *
     * @return float the new lease end (Unix time)
     * @throws \Conduit\QueueException when the lease was already lost
     */
    public function extendLease(float $seconds): float
    {
        return $this->queue->extendLease($this->job->id, $seconds);
    }

    /** The job as the queue returned it (payload, times, keys). */
    public function job(): Job
    {
        return $this->job;
    }
}
