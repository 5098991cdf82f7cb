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
        $jobs = \Conduit\Integration\Module::TABLE_PREFIX . 'jobs';
        if ($connection->isTableExists($jobs) && $connection->getType() === 'pgsql') {
            $connection->queryExecute('CREATE INDEX IF NOT EXISTS ' . $q(self::JOBS_INDEX) . ' ON ' . $q($jobs) . ' (' . $q('type') . ', ' . $q('status') . ')');
        } elseif ($connection->isTableExists($jobs)) {
            $has = $connection->query("SHOW INDEX FROM `$jobs` WHERE Key_name = '" . self::JOBS_INDEX . "'")->fetch();
            if (!$has) {
                $connection->queryExecute("ALTER TABLE `$jobs` ADD INDEX `" . self::JOBS_INDEX . '` (`type`, `status`)');
            }
        }
    }

    public static function drop(): void
    {
        Application::getConnection()->queryExecute('DROP TABLE IF EXISTS `' . self::ROLLUP . '`, `' . self::ROLLUP_HOURLY . '`');
    }
}
