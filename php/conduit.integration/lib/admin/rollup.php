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
 * passes never add the same rows twice. The module's agent calls it on every run
 * ({@see advanceAll()}); a dashboard load adds what arrived since ({@see PAGE_LOAD_ROWS}
 * at most), and the charts say how far the rollup has got. The queue rollup
 * ({@see advanceQueue()}) does the same for jobs created and finished. A row's connection is the configured
 * connection whose base URL starts its URL (the longest one), as on the log page.
 * Percentiles come from a 15-bucket latency histogram, so p50/p95 are the upper bound of
 * the bucket they fall in (1, 2, 5, 10, 20, 50 … ms): exact enough to see a trend.
 * The hourly housekeeping removes rows past their window ({@see purge()}).
 */
final class Rollup
{
    public const WATERMARK_OPTION = 'admin_rollup_last_id';
    /** The last request-log id whose endpoint {@see advanceEndpoints()} recorded. */
    public const ENDPOINTS_OPTION = 'admin_endpoints_last_id';
    /** More matching endpoints than this: the filter reads the log itself (matches are then everywhere). */
    public const ENDPOINT_MATCH_MAX = 500;
    /** Source rows a dashboard load adds at most (the agent does the bulk: {@see \Conduit\Integration\Agent}). */
    public const PAGE_LOAD_ROWS = 20000;
    /** The last job id whose creation the queue rollup counted. */
    public const QUEUE_CREATED_OPTION = 'admin_queue_rollup_last_id';
    /** The finish time (ms) up to which the queue rollup counted finished jobs. */
    public const QUEUE_FINISHED_OPTION = 'admin_queue_rollup_finished_at';
    /** Finishes younger than this are left for the next pass: a job finished a moment ago may not be committed yet. */
    private const FINISH_SETTLE_MS = 2000;

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
            return ['added' => $upTo - $last, 'behind' => $maxId - $upTo, 'last_id' => $upTo];
        } finally {
            $connection->unlock('conduit_admin_rollup');
        }
    }

    /**
     * Deletes rollup rows past their window (per minute: 26 hours, per hour: 8 days); run by
     * the hourly housekeeping ({@see \Conduit\Integration\Maintenance}).
     *
     * @return int rows deleted
     */
    public static function purge(): int
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $now = (int) (microtime(true) * 1000);
        $deleted = 0;
        foreach ([AdminTables::ROLLUP => 26 * 3600000, AdminTables::QUEUE_ROLLUP => 26 * 3600000, AdminTables::ROLLUP_HOURLY => 8 * 86400000, AdminTables::QUEUE_ROLLUP_HOURLY => 8 * 86400000] as $table => $keepMs) {
            $connection->queryExecute('DELETE FROM ' . $helper->quote($table) . ' WHERE ' . $helper->quote('BUCKET') . ' < ' . ($now - $keepMs));
            $deleted += (int) $connection->getAffectedRowsCount();
        }
        // endpoints whose every row the log's retention removed
        $oldest = $connection->queryScalar('SELECT MIN(id) FROM ' . $helper->quote(Module::TABLE_PREFIX . 'request_log'));
        if ($oldest !== null && $oldest !== false) {
            $connection->queryExecute('DELETE FROM ' . $helper->quote(AdminTables::LOG_ENDPOINTS) . ' WHERE ' . $helper->quote('LAST_ID') . ' < ' . (int) $oldest);
            $deleted += (int) $connection->getAffectedRowsCount();
        }
        return $deleted;
    }

    /**
     * The rollups — request log and queue, $maxRows source rows each — and the endpoint list
     * (5 × $maxRows: one narrow GROUP BY): what the agent runs on every pass, so the dashboard
     * and the log's endpoint filter find them current without doing the work.
     *
     * @return array{log: array{added: int, behind: int, last_id: int}, queue: array{created: int, finished: int, behind: int}, endpoints: array{added: int, behind: int, last_id: int}}
     */
    public static function advanceAll(int $maxRows): array
    {
        return ['log' => self::advance($maxRows), 'queue' => self::advanceQueue($maxRows), 'endpoints' => self::advanceEndpoints($maxRows * 5)];
    }

    /**
     * Records the endpoints of the log rows written since the last pass (by id, at most
     * $maxRows rows; one narrow GROUP BY) in {@see AdminTables::LOG_ENDPOINTS}.
     *
     * @return array{added: int, behind: int, last_id: int} ids covered now, ids still to cover
     */
    public static function advanceEndpoints(int $maxRows = 100000): array
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $log = $helper->quote(Module::TABLE_PREFIX . 'request_log');
        $maxRows = max(1, $maxRows);
        $maxId = (int) $connection->queryScalar("SELECT MAX(id) FROM $log");
        $last = (int) (Module::getRealDbOption(self::ENDPOINTS_OPTION) ?? 0);
        if ($maxId === $last) {
            return ['added' => 0, 'behind' => 0, 'last_id' => $last];
        }
        if (!$connection->lock('conduit_admin_endpoints', 0)) {
            return ['added' => 0, 'behind' => max(0, $maxId - $last), 'last_id' => $last];
        }
        try {
            $last = (int) (Module::getRealDbOption(self::ENDPOINTS_OPTION) ?? 0);
            $last = $maxId < $last ? 0 : $last; // the log was emptied and restarted its ids
            $upTo = min($maxId, $last + $maxRows);
            if ($upTo > $last) {
                $table = $helper->quote(AdminTables::LOG_ENDPOINTS);
                [$hash, $endpoint, $lastId] = [$helper->quote('HASH'), $helper->quote('ENDPOINT'), $helper->quote('LAST_ID')];
                $sql = "INSERT INTO $table ($hash, $endpoint, $lastId) SELECT MD5(endpoint), MIN(endpoint), MAX(id) FROM $log WHERE id > $last AND id <= $upTo GROUP BY MD5(endpoint)";
                $sql .= $connection->getType() === 'pgsql'
                    ? " ON CONFLICT ($hash) DO UPDATE SET $lastId = GREATEST($table.$lastId, EXCLUDED.$lastId)"
                    : " ON DUPLICATE KEY UPDATE $lastId = GREATEST($lastId, VALUES($lastId))";
                $connection->queryExecute($sql);
                Module::setDbOption(self::ENDPOINTS_OPTION, (string) $upTo);
            }
            return ['added' => $upTo - $last, 'behind' => $maxId - $upTo, 'last_id' => $upTo];
        } finally {
            $connection->unlock('conduit_admin_endpoints');
        }
    }

    /**
     * The log's endpoints that contain $text (case-insensitive, as the log's own filter
     * compares), after recording the newest rows' endpoints ($catchUpRows at most).
     * `complete` is false when older rows are still unrecorded (the list may miss some);
     * `more` is true when over {@see ENDPOINT_MATCH_MAX} endpoints match.
     *
     * @return array{complete: bool, more: bool, endpoints: list<string>}
     */
    public static function endpointsContaining(string $text, int $catchUpRows = self::PAGE_LOAD_ROWS): array
    {
        $state = self::advanceEndpoints($catchUpRows);
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $endpoint = $helper->quote('ENDPOINT');
        $pattern = $helper->forSql('%' . addcslashes($text, '%_\\') . '%');
        $rows = $connection->query("SELECT $endpoint AS e FROM " . $helper->quote(AdminTables::LOG_ENDPOINTS)
            . " WHERE UPPER($endpoint) LIKE UPPER('$pattern') LIMIT " . (self::ENDPOINT_MATCH_MAX + 1));
        $endpoints = [];
        while ($r = $rows->fetch()) {
            $endpoints[] = (string) (array_change_key_case($r, CASE_LOWER)['e']);
        }
        return ['complete' => $state['behind'] === 0, 'more' => count($endpoints) > self::ENDPOINT_MATCH_MAX, 'endpoints' => array_slice($endpoints, 0, self::ENDPOINT_MATCH_MAX)];
    }

    /**
     * Adds to the queue rollup the jobs created since the last pass (by id, as the log) and
     * the jobs finished since the last pass (by finished_at, over the extension's `finished`
     * index), at most $maxRows of each, per minute and per hour. A job that is retried and
     * finishes again counts as finished again, as it left the queue again.
     *
     * @return array{created: int, finished: int, behind: int} ids and finished jobs counted now; ids still to count
     */
    public static function advanceQueue(int $maxRows = 50000): array
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $jobs = $helper->quote(Module::TABLE_PREFIX . 'jobs');
        $maxRows = max(1, $maxRows);
        if (!$connection->lock('conduit_admin_queue_rollup', 0)) {
            return ['created' => 0, 'finished' => 0, 'behind' => 0];
        }
        try {
            $lastId = (int) (Module::getRealDbOption(self::QUEUE_CREATED_OPTION) ?? 0);
            $maxId = (int) $connection->queryScalar("SELECT MAX(id) FROM $jobs");
            $lastId = $maxId < $lastId ? 0 : $lastId; // the table was emptied and restarted its ids
            $upTo = min($maxId, $lastId + $maxRows);
            $created = 0;
            if ($upTo > $lastId) {
                $created = $upTo - $lastId;
                self::addQueueCounts('CREATED', static fn (int $grain): string => "SELECT FLOOR(created_at / $grain) * $grain AS b, COUNT(*) AS n FROM $jobs WHERE id > $lastId AND id <= $upTo GROUP BY FLOOR(created_at / $grain)");
                Module::setDbOption(self::QUEUE_CREATED_OPTION, (string) $upTo);
            }

            $since = (int) (Module::getRealDbOption(self::QUEUE_FINISHED_OPTION) ?? 0);
            $until = (int) (microtime(true) * 1000) - self::FINISH_SETTLE_MS;
            // bounded: stop below the finish time of the ($maxRows + 1)-th job (all of a tie at once)
            $row = $connection->query("SELECT finished_at AS f FROM $jobs WHERE finished_at > $since AND finished_at <= $until ORDER BY finished_at LIMIT 1 OFFSET $maxRows")->fetch();
            $nth = $row ? array_change_key_case($row, CASE_LOWER)['f'] : null;
            if ($nth !== null) {
                $until = (int) $nth - 1 > $since ? (int) $nth - 1 : (int) $nth;
            }
            $finished = 0;
            if ($until > $since) {
                $finished = (int) $connection->queryScalar("SELECT COUNT(*) FROM $jobs WHERE finished_at > $since AND finished_at <= $until");
                self::addQueueCounts('FINISHED', static fn (int $grain): string => "SELECT FLOOR(finished_at / $grain) * $grain AS b, COUNT(*) AS n FROM $jobs WHERE finished_at > $since AND finished_at <= $until GROUP BY FLOOR(finished_at / $grain)");
                Module::setDbOption(self::QUEUE_FINISHED_OPTION, (string) $until);
            }
            return ['created' => $created, 'finished' => $finished, 'behind' => $maxId - $upTo];
        } finally {
            $connection->unlock('conduit_admin_queue_rollup');
        }
    }

    /**
     * Adds the counts of $select (columns b = bucket start, n = count; one query per grain)
     * to column $column of both queue rollup tables. Upsert by the connection's dialect.
     *
     * @param 'CREATED'|'FINISHED' $column
     * @param callable(int $grainMs): string $select
     */
    private static function addQueueCounts(string $column, callable $select): void
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        [$bucket, $col] = [$helper->quote('BUCKET'), $helper->quote($column)];
        foreach ([AdminTables::QUEUE_ROLLUP => 60000, AdminTables::QUEUE_ROLLUP_HOURLY => 3600000] as $table => $grain) {
            $sql = 'INSERT INTO ' . $helper->quote($table) . " ($bucket, $col) SELECT s.b, s.n FROM (" . $select($grain) . ') s';
            $sql .= $connection->getType() === 'pgsql'
                ? " ON CONFLICT ($bucket) DO UPDATE SET $col = " . $helper->quote($table) . ".$col + EXCLUDED.$col"
                : " ON DUPLICATE KEY UPDATE $col = $col + VALUES($col)";
            $connection->queryExecute($sql);
        }
    }

    /**
     * Jobs created and finished per chart bucket from $fromMs (hourly table for buckets of whole hours).
     *
     * @return array<int, array{0: int, 1: int}> bucket index => [created, finished]
     */
    public static function queueSeries(int $fromMs, int $bucketMs): array
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $table = $bucketMs >= 3600000 && $bucketMs % 3600000 === 0 ? AdminTables::QUEUE_ROLLUP_HOURLY : AdminTables::QUEUE_ROLLUP;
        [$bucket, $created, $finished] = [$helper->quote('BUCKET'), $helper->quote('CREATED'), $helper->quote('FINISHED')];
        $rows = $connection->query("SELECT FLOOR(($bucket - $fromMs) / $bucketMs) AS i, SUM($created) AS c, SUM($finished) AS f FROM " . $helper->quote($table) . " WHERE $bucket >= $fromMs GROUP BY FLOOR(($bucket - $fromMs) / $bucketMs)");
        $out = [];
        while ($r = $rows->fetch()) {
            $r = array_change_key_case($r, CASE_LOWER);
            $out[(int) $r['i']] = [(int) $r['c'], (int) $r['f']];
        }
        return $out;
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
