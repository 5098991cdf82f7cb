<?php

namespace Conduit\Integration\Storage;

use Bitrix\Main\Application;

/**
 * What the admin pages need in the database, owned and created by the module (the
 * extension owns its tables' schema; this adds to them only an index of its own name):
 *
 * - `b_conduit_log_rollup` and `b_conduit_log_rollup_h`: the request log summed per minute
 *   (kept 26 hours) and per hour (kept 8 days), connection and endpoint
 *   (requests, errors, total time and a latency histogram), which the dashboard charts
 *   read instead of a million log rows ({@see \Conduit\Integration\Admin\Rollup}).
 * - `b_conduit_queue_rollup` and `b_conduit_queue_rollup_h`: jobs created and jobs finished
 *   per minute (kept 26 hours) and per hour (kept 8 days), from which the dashboard's
 *   queue-depth chart is rebuilt without reading the job table.
 * - `b_conduit_log_endpoint`: every distinct endpoint of the request log (by MD5, with the
 *   highest id seen), so "endpoint contains" searches a few hundred endpoints and then reads
 *   only their rows (index `conduit_admin_endpoint (endpoint(191))` on
 *   `b_conduit_request_log`, below) instead of a million rows. Each log row written also
 *   updates this index.
 * - index `conduit_admin_type_status (type, status)` on `b_conduit_jobs`: the queue page's
 *   counts per type and status become an index-only scan (60 ms instead of 350 ms for
 *   200,000 jobs). Each status change of a job also updates this index.
 *
 * Idempotent; run by Schema::migrate() (install, upgrade). Dropped with the module's tables.
 */
final class AdminTables
{
    public const ROLLUP = 'b_conduit_log_rollup';
    /** The same sums per hour: the 24-hour and 7-day views read ~170 rows per connection and endpoint, not 10,000. */
    public const ROLLUP_HOURLY = 'b_conduit_log_rollup_h';
    public const JOBS_INDEX = 'conduit_admin_type_status';
    /** Jobs created / finished per minute and per hour (the dashboard's queue-depth chart). */
    public const QUEUE_ROLLUP = 'b_conduit_queue_rollup';
    public const QUEUE_ROLLUP_HOURLY = 'b_conduit_queue_rollup_h';
    /** Index on b_conduit_request_log (endpoint): the rows of the endpoints "endpoint contains" found. */
    public const LOG_ENDPOINT_INDEX = 'conduit_admin_endpoint';
    /** Distinct request-log endpoints (the "endpoint contains" filter). */
    public const LOG_ENDPOINTS = 'b_conduit_log_endpoint';
    /** Upper bounds (ms) of the latency histogram buckets H0…H13; H14 is everything slower. */
    public const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];

    private function __construct()
    {
    }

    public static function create(): void
    {
        $connection = Application::getConnection();
        $q = [$connection->getSqlHelper(), 'quote'];
        $histogram = '';
        for ($i = 0; $i <= count(self::BUCKETS_MS); $i++) {
            $histogram .= $q("H$i") . " INT NOT NULL DEFAULT 0,\n";
        }
        // the same columns on both engines (DOUBLE PRECISION is MySQL's DOUBLE); MySQL compares the keys binary
        $mysqlTable = $connection->getType() === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
        foreach ([self::ROLLUP, self::ROLLUP_HOURLY] as $table) {
        $connection->queryExecute('CREATE TABLE IF NOT EXISTS ' . $q($table) . " (
            {$q('BUCKET')} BIGINT NOT NULL,
            {$q('CONNECTION')} VARCHAR(40) NOT NULL,
            {$q('ENDPOINT')} VARCHAR(255) NOT NULL,
            {$q('REQUESTS')} INT NOT NULL,
            {$q('ERRORS')} INT NOT NULL,
            {$q('SUM_MS')} DOUBLE PRECISION NOT NULL,
            $histogram
            PRIMARY KEY ({$q('BUCKET')}, {$q('CONNECTION')}, {$q('ENDPOINT')})
        )" . $mysqlTable);
        }
        $helper = $connection->getSqlHelper();
        $engine = $connection->getType() === 'mysql' ? ' ENGINE=InnoDB' : '';
        foreach ([self::QUEUE_ROLLUP, self::QUEUE_ROLLUP_HOURLY] as $table) {
            $connection->queryExecute('CREATE TABLE IF NOT EXISTS ' . $helper->quote($table) . ' ('
                . $helper->quote('BUCKET') . ' BIGINT NOT NULL, '
                . $helper->quote('CREATED') . ' INT NOT NULL DEFAULT 0, '
                . $helper->quote('FINISHED') . ' INT NOT NULL DEFAULT 0, '
                . 'PRIMARY KEY (' . $helper->quote('BUCKET') . '))' . $engine);
        }
        // the endpoint compares as the log's column does (MariaDB: utf8mb4_unicode_ci)
        $connection->queryExecute('CREATE TABLE IF NOT EXISTS ' . $helper->quote(self::LOG_ENDPOINTS) . ' ('
            . $helper->quote('HASH') . ' CHAR(32) NOT NULL, '
            . $helper->quote('ENDPOINT') . ' VARCHAR(1024) NOT NULL, '
            . $helper->quote('LAST_ID') . ' BIGINT NOT NULL, '
            . 'PRIMARY KEY (' . $helper->quote('HASH') . '))' . ($engine !== '' ? $engine . ' DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : ''));
        $jobs = \Conduit\Integration\Module::TABLE_PREFIX . 'jobs';
        if ($connection->isTableExists($jobs) && $connection->getType() === 'pgsql') {
            $connection->queryExecute('CREATE INDEX IF NOT EXISTS ' . $q(self::JOBS_INDEX) . ' ON ' . $q($jobs) . ' (' . $q('type') . ', ' . $q('status') . ')');
        } elseif ($connection->isTableExists($jobs)) {
            $has = $connection->query("SHOW INDEX FROM `$jobs` WHERE Key_name = '" . self::JOBS_INDEX . "'")->fetch();
            if (!$has) {
                $connection->queryExecute("ALTER TABLE `$jobs` ADD INDEX `" . self::JOBS_INDEX . '` (`type`, `status`)');
            }
        }
        // the rows of given endpoints, for "endpoint contains" (a prefix on MariaDB: the
        // column is longer than InnoDB's key; the full value is compared on the row)
        $log = \Conduit\Integration\Module::TABLE_PREFIX . 'request_log';
        if ($connection->isTableExists($log) && $connection->getType() === 'pgsql') {
            $connection->queryExecute('CREATE INDEX IF NOT EXISTS ' . $helper->quote(self::LOG_ENDPOINT_INDEX) . ' ON ' . $helper->quote($log) . ' (' . $helper->quote('endpoint') . ')');
        } elseif ($connection->isTableExists($log)) {
            $has = $connection->query("SHOW INDEX FROM `$log` WHERE Key_name = '" . self::LOG_ENDPOINT_INDEX . "'")->fetch();
            if (!$has) {
                $connection->queryExecute("ALTER TABLE `$log` ADD INDEX `" . self::LOG_ENDPOINT_INDEX . '` (`endpoint`(191))');
            }
        }
    }

    public static function drop(): void
    {
        $connection = Application::getConnection();
        foreach ([self::ROLLUP, self::ROLLUP_HOURLY, self::QUEUE_ROLLUP, self::QUEUE_ROLLUP_HOURLY, self::LOG_ENDPOINTS] as $table) {
            $connection->queryExecute('DROP TABLE IF EXISTS ' . $connection->getSqlHelper()->quote($table));
        }
    }
}
