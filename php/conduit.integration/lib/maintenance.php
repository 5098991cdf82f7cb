<?php

namespace Conduit\Integration;

use Bitrix\Main\Application;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Orm\WorkerTable;

/**
 * Housekeeping, hourly from the agent ({@see runIfDue()}) and on demand
 * (`bin/conduit log:purge`): keeps the tables bounded.
 *
 * - request log rows older than log_retention_days;
 * - webhook event rows older than webhook_event_retention_days;
 * - `done` jobs older than queue_retention_days — never younger than the webhook dedupe
 *   window, which needs them to recognise a replay; `failed` jobs (dead letters) stay
 *   until an administrator retries or deletes them;
 * - worker rows without a heartbeat for a day;
 * - the dashboard's rollup rows past their window (per minute: 26 hours, per hour: 8 days).
 *
 * A retention of 0 days keeps that data forever.
 */
final class Maintenance
{
    public const LAST_RUN_OPTION = 'maintenance_at';
    public const INTERVAL_S = 3600;
    /** Rows deleted per statement, so one pass never holds long locks. */
    private const DELETE_CHUNK = 5000;

    private function __construct()
    {
    }

    /** Runs when the last pass is over an hour old; null when it was not due. */
    public static function runIfDue(): ?array
    {
        $last = (int) Module::getDbOption(self::LAST_RUN_OPTION, '0');
        if (time() - $last < self::INTERVAL_S) {
            return null;
        }
        Module::setDbOption(self::LAST_RUN_OPTION, (string) time());
        return self::run();
    }

    /** @return array{request_log: int, webhook_events: int, jobs: int, workers: int, rollups: int} rows deleted */
    public static function run(): array
    {
        $deleted = ['request_log' => 0, 'webhook_events' => 0, 'jobs' => 0, 'workers' => 0, 'rollups' => 0];
        $logDays = (int) Settings::get('log_retention_days');
        if ($logDays > 0) {
            $deleted['request_log'] = Services::requestLog()->purge(['older_than_s' => $logDays * 86400]);
        }
        $deleted['webhook_events'] = self::purgeWebhookEvents((int) Settings::get('webhook_event_retention_days') * 86400);
        $jobDays = (int) Settings::get('queue_retention_days');
        if ($jobDays > 0) {
            $keep = max($jobDays * 86400, (int) Settings::get('webhook_dedupe_window_h') * 3600);
            $deleted['jobs'] = Services::queue()->purge(['status' => 'done', 'older_than_s' => $keep]);
        }
        $deleted['workers'] = self::deleteOlder(WorkerTable::getTableName(), 'HEARTBEAT_AT', 86400);
        $deleted['rollups'] = Admin\Rollup::purge();
        return $deleted;
    }

    /** Deletes webhook event rows older than $seconds (0: all); returns how many. */
    public static function purgeWebhookEvents(int $seconds): int
    {
        return self::deleteOlder(WebhookEventTable::getTableName(), 'CREATED_AT', $seconds);
    }

    private static function deleteOlder(string $table, string $column, int $seconds): int
    {
        $connection = Application::getConnection();
        $before = (int) floor(microtime(true) * 1000) - $seconds * 1000;
        $total = 0;
        do {
            // in chunks: DELETE … LIMIT on MySQL, by the first rows' IDs on PostgreSQL (no DELETE … LIMIT there)
            $helper = $connection->getSqlHelper();
            $connection->queryExecute($helper->prepareDeleteLimit($table, ['ID'], $helper->quote($column) . ' < ' . $before, [], self::DELETE_CHUNK));
            $n = (int) $connection->getAffectedRowsCount();
            $total += $n;
        } while ($n === self::DELETE_CHUNK);
        return $total;
    }
}
