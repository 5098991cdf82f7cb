<?php

namespace Conduit\Integration\Cli;

use Bitrix\Main\Localization\Loc;
use Conduit\ApiException;
use Conduit\Integration\Agent;
use Conduit\Integration\Maintenance;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Integration\Worker;
use Conduit\TransportException;

Loc::loadMessages(__FILE__);

/**
 * The queue, worker and log commands of `php bin/conduit` ({@see Application} dispatches
 * to them): worker, queue:run, queue:stats, queue:retry-failed, log:purge, and the
 * connection reachability part of check. Each returns the exit code (0 ok, 1 failure,
 * 2 usage error).
 */
final class QueueCommands
{
    public const COMMANDS = ['worker', 'queue:run', 'queue:stats', 'queue:retry-failed', 'log:purge'];

    /** @var resource */
    private $out;
    /** @var resource */
    private $err;

    public function __construct($out = null, $err = null)
    {
        $this->out = $out ?? STDOUT;
        $this->err = $err ?? STDERR;
    }

    /** @param list<string> $args */
    public function run(string $command, array $args): int
    {
        return match ($command) {
            'worker' => $this->worker($args),
            'queue:run' => $this->queueRun($args),
            'queue:stats' => $this->queueStats($args),
            'queue:retry-failed' => $this->retryFailed($args),
            'log:purge' => $this->logPurge($args),
        };
    }

    /** worker [--time-limit=S] [--memory-limit=MB] [--limit=N] [--types=a,b] [--sleep=S] [--quiet] */
    private function worker(array $args): int
    {
        $o = self::options($args, ['time-limit', 'memory-limit', 'limit', 'types', 'sleep'], ['quiet']);
        $options = [
            'time_limit' => self::number($o, 'time-limit', 0, 86400 * 365, 0),
            'memory_limit' => (int) (self::number($o, 'memory-limit', 0, 1 << 20, 0) * 1024 * 1024),
            'limit' => (int) self::number($o, 'limit', 0, PHP_INT_MAX, 0),
            'types' => isset($o['types']) ? array_values(array_filter(array_map('trim', explode(',', (string) $o['types'])), 'strlen')) : null,
            'sleep' => self::number($o, 'sleep', 0.05, 60, 1.0),
        ];
        if ($options['types'] === []) {
            throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_BAD_VALUE', ['#OPTION#' => 'types', '#VALUE#' => (string) $o['types']]));
        }
        $quiet = isset($o['quiet']);
        $worker = new Worker($options, $quiet ? null : function (string $line): void {
            fwrite($this->out, $line . PHP_EOL);
        });
        return $worker->run();
    }

    /** queue:run — one agent run now (what Bitrix runs every agent_interval_s seconds). */
    private function queueRun(array $args): int
    {
        self::options($args, [], []);
        Agent::run();
        $run = (array) Agent::lastRun();
        $this->line($this->out, self::msg('CONDUIT_CLI_QUEUE_RUN', [
            '#DELIVERED#' => (string) ($run['delivered'] ?? 0), '#RETRIED#' => (string) ($run['retried'] ?? 0), '#FAILED#' => (string) ($run['failed'] ?? 0),
            '#HANDLED#' => (string) ($run['handled'] ?? 0), '#HFAILED#' => (string) (($run['handler_failed'] ?? 0) + ($run['handler_retried'] ?? 0)),
            '#SECONDS#' => (string) ($run['duration_s'] ?? 0),
        ]));
        if (!empty($run['error'])) {
            $this->line($this->err, (string) $run['error']);
            return 1;
        }
        return 0;
    }

    /** queue:stats [--json] */
    private function queueStats(array $args): int
    {
        $o = self::options($args, [], ['json']);
        $stats = Services::queue()->stats();
        $log = Services::requestLog()->stats(3600.0);
        $agent = Agent::lastRun();
        if (isset($o['json'])) {
            $this->line($this->out, json_encode(['queue' => $stats, 'request_log_last_hour' => $log, 'agent_last_run' => $agent], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
            return 0;
        }
        $s = $stats['by_status'];
        $this->line($this->out, self::msg('CONDUIT_CLI_STATS_STATUS', ['#PENDING#' => (string) ($s['pending'] ?? 0), '#RUNNING#' => (string) ($s['running'] ?? 0), '#DONE#' => (string) ($s['done'] ?? 0), '#FAILED#' => (string) ($s['failed'] ?? 0)]));
        $this->line($this->out, self::msg('CONDUIT_CLI_STATS_HOUR', [
            '#DONE#' => (string) $stats['done_last_hour'], '#FAILED#' => (string) $stats['failed_last_hour'],
            '#OLDEST#' => $stats['oldest_pending_age_s'] === null ? '—' : sprintf('%.1f s', $stats['oldest_pending_age_s']),
            '#P95#' => $stats['p95_processing_ms'] === null ? '—' : sprintf('%.0f ms', $stats['p95_processing_ms']),
        ]));
        foreach ($stats['by_type'] as $type => $counts) {
            $this->line($this->out, sprintf('  %-40s pending %6d  running %4d  done %7d  failed %5d', $type, $counts['pending'] ?? 0, $counts['running'] ?? 0, $counts['done'] ?? 0, $counts['failed'] ?? 0));
        }
        $this->line($this->out, self::msg('CONDUIT_CLI_STATS_LOG', ['#REQUESTS#' => (string) ($log['requests'] ?? 0), '#ERRORS#' => (string) ($log['errors'] ?? 0), '#P95#' => isset($log['p95_ms']) ? sprintf('%.0f', $log['p95_ms']) : '—']));
        $this->line($this->out, $agent === null ? self::msg('CONDUIT_CLI_STATS_NO_AGENT') : self::msg('CONDUIT_CLI_STATS_AGENT', [
            '#AT#' => date('Y-m-d H:i:s', (int) $agent['started_at']), '#MODE#' => (string) $agent['mode'],
            '#DELIVERED#' => (string) ($agent['delivered'] ?? 0), '#HANDLED#' => (string) ($agent['handled'] ?? 0),
        ]) . (empty($agent['error']) ? '' : ' — ' . $agent['error']));
        return 0;
    }

    /** queue:retry-failed [--type=T] */
    private function retryFailed(array $args): int
    {
        $o = self::options($args, ['type'], []);
        $filter = isset($o['type']) ? ['type' => (string) $o['type']] : null;
        $n = Services::queue()->retryFailed($filter);
        $this->line($this->out, self::msg('CONDUIT_CLI_RETRIED', ['#COUNT#' => (string) $n, '#TYPE#' => (string) ($o['type'] ?? '*')]));
        return 0;
    }

    /** log:purge [--older-than=14d|36h|90m|3600] — the request log and the webhook events */
    private function logPurge(array $args): int
    {
        $o = self::options($args, ['older-than'], []);
        if (isset($o['older-than'])) {
            $seconds = self::duration((string) $o['older-than']);
            $logSeconds = $eventSeconds = $seconds;
        } else {
            $logSeconds = (int) Settings::get('log_retention_days') * 86400;
            $eventSeconds = (int) Settings::get('webhook_event_retention_days') * 86400;
        }
        $log = Services::requestLog()->purge(['older_than_s' => $logSeconds]);
        $events = Maintenance::purgeWebhookEvents($eventSeconds);
        $this->line($this->out, self::msg('CONDUIT_CLI_PURGED', ['#LOG#' => (string) $log, '#EVENTS#' => (string) $events]));
        return 0;
    }

    /**
     * Probes each configured connection (a GET of its base URL, one attempt, 5 s): any HTTP
     * answer means reachable — even 404 — only a transport error does not.
     *
     * @return bool whether every connection answered
     */
    public function checkConnections(): bool
    {
        $ok = true;
        foreach (Settings::connections() as $name) {
            $started = microtime(true);
            try {
                $client = Services::client($name);
                try {
                    $response = $client->send('GET', '', ['timeout' => 5.0]);
                    $status = $response->getStatus();
                } catch (ApiException $e) {
                    $status = $e->getStatusCode();
                }
                $this->line($this->out, 'ok   ' . self::msg('CONDUIT_CLI_CHECK_REACHABLE', ['#NAME#' => $name, '#STATUS#' => (string) $status, '#MS#' => sprintf('%.0f', (microtime(true) - $started) * 1000)]));
            } catch (TransportException $e) {
                $ok = false;
                $this->line($this->out, 'FAIL ' . self::msg('CONDUIT_CLI_CHECK_UNREACHABLE', ['#NAME#' => $name, '#REASON#' => get_class($e) . ': ' . $e->getMessage()]));
            } catch (\Throwable $e) {
                $ok = false;
                $this->line($this->out, 'FAIL ' . $name . ': ' . get_class($e) . ': ' . $e->getMessage());
            }
        }
        return $ok;
    }

    /**
     * @return array<string, string|true>
     * @throws \InvalidArgumentException for an unknown option
     */
    private static function options(array $args, array $valued, array $flags): array
    {
        $options = [];
        for ($i = 0; $i < count($args); $i++) {
            $arg = $args[$i];
            if (preg_match('/^--([a-z\-]+)(?:=(.*))?$/s', $arg, $m) && in_array($m[1], $valued, true)) {
                $value = $m[2] ?? ($args[++$i] ?? null);
                if ($value === null) {
                    throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_BAD_VALUE', ['#OPTION#' => $m[1], '#VALUE#' => '']));
                }
                $options[$m[1]] = $value;
            } elseif (preg_match('/^--([a-z\-]+)$/', $arg, $m) && in_array($m[1], $flags, true)) {
                $options[$m[1]] = true;
            } else {
                throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_Q_UNKNOWN_OPTION', ['#OPTION#' => $arg]));
            }
        }
        return $options;
    }

    private static function number(array $o, string $name, float $min, float $max, float $default): float
    {
        if (!isset($o[$name])) {
            return $default;
        }
        $v = $o[$name];
        if (!is_string($v) || !is_numeric($v) || (float) $v < $min || (float) $v > $max) {
            throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_BAD_VALUE', ['#OPTION#' => $name, '#VALUE#' => (string) $v]));
        }
        return (float) $v;
    }

    /** "14d", "36h", "90m", "45s" or plain seconds. */
    private static function duration(string $value): int
    {
        if (!preg_match('/^(\d+)\s*([dhms]?)$/', trim($value), $m)) {
            throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_BAD_VALUE', ['#OPTION#' => 'older-than', '#VALUE#' => $value]));
        }
        return (int) $m[1] * ['d' => 86400, 'h' => 3600, 'm' => 60, 's' => 1, '' => 1][$m[2]];
    }

    /** @param resource $stream */
    private function line($stream, string $text): void
    {
        fwrite($stream, $text . PHP_EOL);
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code : $message;
    }
}
