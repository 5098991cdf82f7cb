<?php

namespace Conduit\Integration;

use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Orm\WorkerTable;
use Conduit\Integration\Queue\Processor;

Loc::loadMessages(__FILE__);

/**
 * `php bin/conduit worker`: a long-running process that works the queue — deliveries and
 * handler jobs, like the agent but without its per-hit budget — for sites with volume
 * (run it under systemd, docs/admin-guide.md).
 *
 * Stops cleanly, after the job in hand (an in-flight delivery batch or one handler job;
 * handler jobs claimed but not started are released without spending an attempt), on
 * SIGTERM/SIGINT (pcntl async signals), at `time_limit` seconds, above `memory_limit`
 * bytes or after `limit` jobs, and exits 0 — systemd restarts it. Killed hard (kill -9,
 * OOM), its leased jobs return to the queue when their lease expires: nothing is lost.
 *
 * Its heartbeat (every few seconds, and after each pass) is a row of
 * {@see WorkerTable} the admin dashboard shows.
 */
final class Worker
{
    public const HEARTBEAT_S = 5.0;

    private ?string $stopReason = null;
    private string $id;
    private float $startedAt;
    private float $lastBeat = 0.0;
    private bool $registered = false;

    /**
     * @param array{time_limit?: float, memory_limit?: int, limit?: int, types?: list<string>|null, sleep?: float} $options
     *   time_limit: seconds (0: none); memory_limit: bytes (0: none); limit: jobs (0: none);
     *   types: only these job types; sleep: seconds to wait when the queue is empty (1)
     * @param callable|null $log `fn(string $line)` for progress lines
     */
    public function __construct(private array $options = [], private $log = null)
    {
        $this->options += ['time_limit' => 0.0, 'memory_limit' => 0, 'limit' => 0, 'types' => null, 'sleep' => 1.0];
        $this->startedAt = microtime(true);
        $this->id = substr((gethostname() ?: 'host') . ':' . getmypid() . ':' . (int) $this->startedAt, 0, 100);
    }

    public function id(): string
    {
        return $this->id;
    }

    /** Asks the loop to stop after the job in hand (what the signal handlers call). */
    public function stop(string $reason = 'signal'): void
    {
        $this->stopReason ??= $reason;
    }

    /** @return int the exit code: 0 after a clean stop */
    public function run(): int
    {
        $this->installSignals();
        $processor = new Processor('worker');
        $types = $this->options['types'];
        $limit = (int) $this->options['limit'];
        $timeLimit = (float) $this->options['time_limit'];
        $memoryLimit = (int) $this->options['memory_limit'];
        $done = 0;
        $error = null;
        $this->beat($processor, 'running', null, null, true);
        $this->say(self::msg('CONDUIT_WORKER_STARTED', ['#ID#' => $this->id, '#TYPES#' => $types ? implode(', ', $types) : '*']));

        try {
            while ($this->stopReason === null) {
                $now = microtime(true);
                if ($timeLimit > 0 && $now - $this->startedAt >= $timeLimit) {
                    $this->stop('time_limit');
                    break;
                }
                if ($memoryLimit > 0 && memory_get_usage(true) >= $memoryLimit) {
                    $this->stop('memory_limit');
                    break;
                }
                if ($limit > 0 && $done >= $limit) {
                    $this->stop('job_limit');
                    break;
                }
                $pass = 10.0;
                if ($timeLimit > 0) {
                    $pass = max(0.01, min($pass, $this->startedAt + $timeLimit - $now));
                }
                $batch = $limit > 0 ? min(100, $limit - $done) : 100;
                $counts = $processor->run($now + $pass, $batch, $types, fn (): bool => $this->stopReason !== null);
                $n = Processor::processed($counts);
                $done += $n;
                if ($n > 0) {
                    $this->say(self::msg('CONDUIT_WORKER_PASS', ['#DELIVERED#' => (string) $counts['delivered'], '#RETRIED#' => (string) $counts['retried'],
                        '#FAILED#' => (string) $counts['failed'], '#HANDLED#' => (string) $counts['handled'], '#HRETRIED#' => (string) $counts['handler_retried'],
                        '#HFAILED#' => (string) $counts['handler_failed'], '#NOHANDLER#' => (string) $counts['no_handler']]));
                }
                if ($counts['last_error'] !== null && $counts['queue_errors'] > 0) {
                    $this->say(self::msg('CONDUIT_WORKER_QUEUE_ERROR', ['#ERROR#' => (string) $counts['last_error']]));
                }
                $this->beat($processor, 'running', null, $counts['queue_errors'] > 0 ? $counts['last_error'] : null);
                if ($n === 0 && $counts['released'] === 0) {
                    $this->idle((float) $this->options['sleep']);
                }
            }
        } catch (\Throwable $e) {
            $error = get_class($e) . ': ' . $e->getMessage();
            $this->stop('error');
        }
        $this->beat($processor, 'stopped', $this->stopReason, $error, true);
        $totals = $processor->totals();
        $this->say(self::msg('CONDUIT_WORKER_STOPPED', ['#ID#' => $this->id, '#REASON#' => (string) $this->stopReason, '#COUNT#' => (string) Processor::processed($totals)]) . ($error ? ': ' . $error : ''));
        return $error === null ? 0 : 1;
    }

    private function installSignals(): void
    {
        if (!function_exists('pcntl_async_signals')) {
            $this->say(self::msg('CONDUIT_WORKER_NO_PCNTL'));
            return;
        }
        pcntl_async_signals(true);
        $handler = function (int $signal): void {
            $this->stop('signal');
        };
        pcntl_signal(SIGTERM, $handler);
        pcntl_signal(SIGINT, $handler);
    }

    /** Sleeps up to $seconds, waking early for a signal. */
    private function idle(float $seconds): void
    {
        $until = microtime(true) + $seconds;
        while ($this->stopReason === null && microtime(true) < $until) {
            usleep(50_000);
        }
    }

    private function beat(Processor $processor, string $status, ?string $reason, ?string $error, bool $force = false): void
    {
        $now = microtime(true);
        if (!$force && $now - $this->lastBeat < self::HEARTBEAT_S) {
            return;
        }
        $this->lastBeat = $now;
        $totals = $processor->totals();
        $row = [
            'STATUS' => $status,
            'STOP_REASON' => $reason,
            'HEARTBEAT_AT' => (int) floor($now * 1000),
            'JOBS_DONE' => (int) ($totals['delivered'] + $totals['handled']),
            'JOBS_FAILED' => (int) ($totals['failed'] + $totals['handler_failed'] + $totals['handler_retried'] + $totals['retried']),
            'MEMORY_BYTES' => memory_get_usage(true),
        ];
        if ($error !== null) {
            $row['LAST_ERROR'] = mb_strcut($error, 0, 255, 'UTF-8');
        }
        try {
            if (!$this->registered) {
                $types = $this->options['types'] ? mb_strcut(implode(',', $this->options['types']), 0, 255, 'UTF-8') : null;
                WorkerTable::add($row + ['ID' => $this->id, 'HOST' => mb_strcut(gethostname() ?: 'host', 0, 100, 'UTF-8'), 'PID' => getmypid(), 'TYPES' => $types, 'STARTED_AT' => (int) floor($this->startedAt * 1000)]);
                $this->registered = true;
            } else {
                WorkerTable::update($this->id, $row);
            }
        } catch (\Throwable $e) {
            // a heartbeat is not worth stopping for; the next one retries
        }
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }

    private function say(string $line): void
    {
        if ($this->log !== null) {
            ($this->log)(date('Y-m-d H:i:s') . ' ' . $line);
        }
    }
}
