<?php

namespace Conduit\Integration\Admin;

use Bitrix\Main\Application;
use Conduit\Integration\Module;
use Conduit\Integration\Settings;
use Conduit\Integration\Storage\AdminTables;

/**
 * The request log summed per minute, connection and endpoint in `b_conduit_log_rollup`, so
 * the dashboard reads thousands of summary rows instead of a million log rows.
 *
 * {@see advance()} adds the log rows written since the last pass (by id: a row that arrives
 * late still lands in its own minute), at most $maxRows per call, under a lock so two
 * dashboards never add the same rows twice. The dashboard calls it on each load; the
 * charts then say how far the rollup has got. A row's connection is the configured
 * connection whose base URL starts its URL (the longest one), as on the log page.
 * Percentiles come from a 15-bucket latency histogram, so p50/p95 are the upper bound of
 * the bucket they fall in (1, 2, 5, 10, 20, 50 … ms): exact enough to see a trend.
 * Rows older than eight days are removed.
 */
final class Rollup
{
    public const WATERMARK_OPTION = 'admin_rollup_last_id';

    private function __construct()
    {
    }

    /**
     * @return array{added: int, behind: int, last_id: int} rows added now, rows still to add
     */
    public static function advance(int $maxRows = 50000): array
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $log = Module::TABLE_PREFIX . 'request_log';
        $last = (int) (Module::getRealDbOption(self::WATERMARK_OPTION) ?? 0);
        $q = [$helper, 'quote']; // `…` on MySQL, "…" in lower case on PostgreSQL
        $maxId = (int) $connection->queryScalar('SELECT MAX(' . $q('id') . ') FROM ' . $q($log));
        if ($maxId < $last) {
            $last = 0; // the log was emptied and restarted its ids
        }
        if ($maxId === $last) {
            return ['added' => 0, 'behind' => 0, 'last_id' => $last];
        }
        if (!$connection->lock('conduit_admin_rollup', 0)) {
            return ['added' => 0, 'behind' => $maxId - $last, 'last_id' => $last];
        }
        try {
            $last = (int) (Module::getRealDbOption(self::WATERMARK_OPTION) ?? 0); // another pass may have moved it
            $last = $maxId < $last ? 0 : $last;
            $upTo = min($maxId, $last + $maxRows);
            // connection of a row: the longest matching base URL
            $bases = [];
            foreach (Settings::connections() as $name) {
                try {
                    $base = rtrim((string) (Settings::connectionMasked($name)['base_url'] ?? ''), '/');
                } catch (\Throwable $e) {
                    continue;
                }
                if ($base !== '') {
                    $bases[$name] = $base;
                }
            }
            uasort($bases, static fn ($a, $b) => strlen($b) <=> strlen($a));
            $case = "''";
            if ($bases !== []) {
                $case = 'CASE';
                foreach ($bases as $name => $base) {
                    $case .= ' WHEN ' . $q('url') . " LIKE '" . $helper->forSql(addcslashes($base, '%_\\')) . "%' THEN '" . $helper->forSql((string) $name) . "'";
                }
                $case .= " ELSE '' END";
            }
            // counts as SUM(CASE … THEN 1 ELSE 0 END): PostgreSQL does not add up booleans
            $count = static fn (string $condition): string => "SUM(CASE WHEN $condition THEN 1 ELSE 0 END)";
            [$duration, $status] = [$q('duration_ms'), $q('status')];
            $hist = [];
            $prev = null;
            foreach (AdminTables::BUCKETS_MS as $i => $bound) {
                $hist[] = $count(($prev === null ? '' : "$duration >= $prev AND ") . "$duration < $bound");
                $prev = $bound;
            }
            $hist[] = $count("$duration >= $prev");
            $pg = $connection->getType() === 'pgsql';
            $cols = [];
            $updates = [];
            foreach (array_merge(['REQUESTS', 'ERRORS', 'SUM_MS'], array_map(static fn ($i) => "H$i", array_keys($hist))) as $column) {
                if (str_starts_with($column, 'H')) {
                    $cols[] = $q($column);
                }
                // add to the row already there: VALUES(x) on MySQL, EXCLUDED.x on PostgreSQL (the helper's values())
                $updates[] = $q($column) . ' = ' . ($pg ? '%TABLE%.' : '') . $q($column) . ' + ' . $helper->values($column);
            }
            $key = implode(', ', array_map($q, ['BUCKET', 'CONNECTION', 'ENDPOINT']));
            foreach ([AdminTables::ROLLUP => 60000, AdminTables::ROLLUP_HOURLY => 3600000] as $table => $grain) {
                $set = str_replace('%TABLE%', $q($table), implode(', ', $updates));
                $connection->queryExecute('INSERT INTO ' . $q($table) . " ($key, " . implode(', ', array_map($q, ['REQUESTS', 'ERRORS', 'SUM_MS'])) . ', ' . implode(', ', $cols) . ")
                    SELECT FLOOR({$q('created_at')} / $grain) * $grain, $case, LEFT({$q('endpoint')}, 255), COUNT(*), " . $count("$status IS NULL OR $status >= 500") . ", SUM($duration), " . implode(', ', $hist) . '
                    FROM ' . $q($log) . " WHERE {$q('id')} > $last AND {$q('id')} <= $upTo
                    GROUP BY 1, 2, 3
                    " . ($pg ? "ON CONFLICT ($key) DO UPDATE SET " : 'ON DUPLICATE KEY UPDATE ') . $set);
            }
            Module::setDbOption(self::WATERMARK_OPTION, (string) $upTo);
            if (random_int(1, 50) === 1) {
                $connection->queryExecute('DELETE FROM ' . $q(AdminTables::ROLLUP) . ' WHERE ' . $q('BUCKET') . ' < ' . ((int) (microtime(true) * 1000) - 26 * 3600000));
                $connection->queryExecute('DELETE FROM ' . $q(AdminTables::ROLLUP_HOURLY) . ' WHERE ' . $q('BUCKET') . ' < ' . ((int) (microtime(true) * 1000) - 8 * 86400000));
            }
            return ['added' => $upTo - $last, 'behind' => $maxId - $upTo, 'last_id' => $upTo];
        } finally {
            $connection->unlock('conduit_admin_rollup');
        }
    }

    /**
     * Per chart bucket from $fromMs: requests, errors, total ms.
     *
     * @return array<int, array{0: int, 1: int, 2: float}> bucket index => [requests, errors, sum_ms]
     */
    public static function series(int $fromMs, int $bucketMs): array
    {
        $connection = Application::getConnection();
        $table = $bucketMs >= 3600000 && $bucketMs % 3600000 === 0 ? AdminTables::ROLLUP_HOURLY : AdminTables::ROLLUP;
        $q = [$connection->getSqlHelper(), 'quote'];
        $rows = $connection->query('SELECT FLOOR((' . $q('BUCKET') . ' - ' . $fromMs . ') / ' . $bucketMs . ') AS I, SUM(' . $q('REQUESTS') . ') AS R, SUM(' . $q('ERRORS') . ') AS E, SUM(' . $q('SUM_MS') . ') AS S FROM ' . $q($table) . ' WHERE ' . $q('BUCKET') . ' >= ' . $fromMs . ' GROUP BY I');
        $out = [];
        while ($r = $rows->fetch()) {
            $out[(int) $r['I']] = [(int) $r['R'], (int) $r['E'], (float) $r['S']];
        }
        return $out;
    }

    /**
     * Per connection or endpoint since $fromMs: requests, errors, p50, p95 (bucket upper bounds, ms).
     * Windows longer than an hour read the hourly table (from the start of $fromMs's hour).
     *
     * @param 'CONNECTION'|'ENDPOINT' $by
     * @return array<string, array{requests: int, errors: int, p50: ?float, p95: ?float}> busiest first
     */
    public static function breakdown(string $by, int $fromMs, int $limit = 20): array
    {
        $by = $by === 'CONNECTION' ? 'CONNECTION' : 'ENDPOINT';
        $q = [Application::getConnection()->getSqlHelper(), 'quote'];
        $sums = [];
        for ($i = 0; $i <= count(AdminTables::BUCKETS_MS); $i++) {
            $sums[] = 'SUM(' . $q("H$i") . ") AS H$i";
        }
        $hourly = (int) (microtime(true) * 1000) - $fromMs > 3600000 + 60000;
        $table = $hourly ? AdminTables::ROLLUP_HOURLY : AdminTables::ROLLUP;
        $from = $hourly ? intdiv($fromMs, 3600000) * 3600000 : $fromMs;
        $rows = Application::getConnection()->query('SELECT ' . $q($by) . ' AS K, SUM(' . $q('REQUESTS') . ') AS R, SUM(' . $q('ERRORS') . ') AS E, ' . implode(', ', $sums) . ' FROM ' . $q($table) . ' WHERE ' . $q('BUCKET') . ' >= ' . $from . ' GROUP BY ' . $q($by) . ' ORDER BY R DESC LIMIT ' . max(1, $limit));
        $out = [];
        while ($r = $rows->fetch()) {
            $hist = [];
            for ($i = 0; $i <= count(AdminTables::BUCKETS_MS); $i++) {
                $hist[] = (int) $r["H$i"];
            }
            $out[(string) $r['K']] = ['requests' => (int) $r['R'], 'errors' => (int) $r['E'], 'p50' => self::percentile($hist, 0.5), 'p95' => self::percentile($hist, 0.95)];
        }
        return $out;
    }

    /** The upper bound (ms) of the histogram bucket where the share $p of requests is reached; null for none. */
    public static function percentile(array $hist, float $p): ?float
    {
        $total = array_sum($hist);
        if ($total === 0) {
            return null;
        }
        $seen = 0;
        foreach ($hist as $i => $n) {
            $seen += $n;
            if ($seen >= $p * $total) {
                return (float) (AdminTables::BUCKETS_MS[$i] ?? (AdminTables::BUCKETS_MS[count(AdminTables::BUCKETS_MS) - 1] * 2));
            }
        }
        return null;
    }
}
