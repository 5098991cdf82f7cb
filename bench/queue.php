<?php
/**
 * `make bench-queue` (bash bench/run.sh queue): Conduit\SyncQueue throughput on SQLite,
 * MariaDB and PostgreSQL against the agent pattern (bench/baselines/agent_pattern.php).
 *
 *  - push, single: one push() per job (each one committed durably);
 *  - push, batched: pushMany() of 100 jobs per transaction;
 *  - claim+ack, 1 and 4 worker processes (pcntl_fork): claim(50), then ack() each
 *    job (one commit per job, like the baseline's one UPDATE per row), and the same
 *    with ackMany() (one commit per claimed batch), until the queue is empty; every
 *    claimed id is recorded and checked: duplicates and lost jobs must both be 0;
 *  - the baseline agent: SELECT 50 pending ORDER BY created_at, process, UPDATE each
 *    row; with 1 process, and with 4 (to count the rows it processes twice).
 *
 * Delivery (needs CONDUIT_MOCK_URL, which bench/run.sh exports after starting the mock):
 * 2,000 pushRequest() jobs sent by runDeliveries(concurrency 32), called until nothing is
 * pending, on SQLite and MariaDB (fresh file / database, dropped after). 20% of the jobs
 * fail their first request (per-path mock scripts: 503, TCP reset, 429 + Retry-After: 1);
 * 200 req/s enforced by the client's rate_limit (burst 10), with the mock's server-side
 * limit on the same paths as a check. Reported against the bound 2,000 / 200 = 10 s
 * (target 1.1×), with lost jobs and whether every attempt of a job carried its stored
 * idempotency key (from the mock's request records).
 *
 * MariaDB: 127.0.0.1:3306 as root (CONDUIT_BENCH_MARIADB=mysql://user:pass@host:port);
 * PostgreSQL: 127.0.0.1:5432 as postgres (CONDUIT_BENCH_POSTGRES=postgres://user:pass@host:port);
 * both in databases created for the run and dropped after. Sizes: BENCH_JOBS (default
 * 10000 jobs per claim+ack run). BENCH_PARTS=throughput,delivery (default both);
 * BENCH_DELIVERY_RUNS=engine:client retry.max_attempts,… (default
 * SQLite:1,MariaDB:1,SQLite:3; PostgreSQL:1 is accepted too; drop SQLite:3, the client's default retries, to save
 * ~50 s). Prints markdown tables on stdout, progress on stderr; exit code 1 if any job
 * was lost or processed twice by Conduit, a worker process died, or a job's attempts
 * carried different idempotency keys (a missed time target is printed as MISS only).
 */
declare(strict_types=1);

require __DIR__ . '/baselines/agent_pattern.php';

use Conduit\Store;
use Conduit\SyncQueue;

if (!extension_loaded('conduit') || !extension_loaded('pcntl') || !extension_loaded('mysqli') || !extension_loaded('pdo_pgsql')) {
    fwrite(STDERR, "bench-queue needs the conduit, pcntl, mysqli and pdo_pgsql extensions\n");
    exit(2);
}

$jobs = max(1000, (int) (getenv('BENCH_JOBS') ?: 10_000));
$singlePushes = 2_000;
$admin = parse_url(getenv('CONDUIT_BENCH_MARIADB') ?: 'mysql://root@127.0.0.1:3306');
$adminDsn = sprintf('mysql://%s%s@%s:%d', $admin['user'] ?? 'root', isset($admin['pass']) ? ':' . $admin['pass'] : '', $admin['host'] ?? '127.0.0.1', $admin['port'] ?? 3306);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$mysqli = fn(?string $db = null) => new mysqli($admin['host'] ?? '127.0.0.1', $admin['user'] ?? 'root', $admin['pass'] ?? '', $db ?? '', $admin['port'] ?? 3306);

$pgAdmin = parse_url(getenv('CONDUIT_BENCH_POSTGRES') ?: 'postgres://postgres@127.0.0.1:5432');
$pgAdminDsn = sprintf('postgres://%s%s@%s:%d', $pgAdmin['user'] ?? 'postgres', isset($pgAdmin['pass']) ? ':' . $pgAdmin['pass'] : '', $pgAdmin['host'] ?? '127.0.0.1', $pgAdmin['port'] ?? 5432);
$pgsql = fn() => new PDO(
    sprintf('pgsql:host=%s;port=%d;dbname=postgres', $pgAdmin['host'] ?? '127.0.0.1', $pgAdmin['port'] ?? 5432),
    $pgAdmin['user'] ?? 'postgres',
    $pgAdmin['pass'] ?? null,
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
);

$database = 'conduit_bench_' . getmypid();
$mysqli()->query("CREATE DATABASE `$database`");
$pgsql()->exec("CREATE DATABASE $database");
$sqliteFile = sys_get_temp_dir() . '/conduit-bench-' . getmypid() . '.db';
// Forked workers inherit this shutdown function: only the main process may drop anything.
$mainPid = getmypid();
register_shutdown_function(function () use ($mysqli, $pgsql, $database, $sqliteFile, $mainPid): void {
    if (getmypid() !== $mainPid) {
        return;
    }
    $mysqli()->query("DROP DATABASE IF EXISTS `$database`");
    $pgsql()->exec("DROP DATABASE IF EXISTS $database WITH (FORCE)");
    foreach (['', '-wal', '-shm'] as $s) {
        @unlink($sqliteFile . $s);
    }
});

$engines = [
    'MariaDB' => "$adminDsn/$database",
    'PostgreSQL' => "$pgAdminDsn/$database",
    'SQLite' => "sqlite://$sqliteFile",
];
$payload = fn(int $n) => ['orderId' => $n, 'site' => 's1', 'lines' => [['sku' => "SKU-$n", 'qty' => 1]]];
$process = function (array $payload): void {
    // The handler under test is a no-op: the bench measures the queue, not the work.
};

function progress(string $line): void
{
    fwrite(STDERR, $line . "\n");
}

/**
 * Runs $workers processes calling $work($worker) at the same instant; each returns
 * a list of ids it processed. Returns [seconds, ids per worker, errors of workers that
 * threw (their ids are missing)].
 * @return array{float, list<list<int>>, list<string>}
 */
function inProcesses(int $workers, callable $work): array
{
    $dir = sys_get_temp_dir() . '/conduit-bench-ids-' . getmypid();
    @mkdir($dir);
    $start = microtime(true) + 0.3;
    $pids = [];
    for ($w = 0; $w < $workers; $w++) {
        $pid = pcntl_fork();
        if ($pid === 0) {
            time_sleep_until($start);
            try {
                $ids = $work($w);
                file_put_contents("$dir/$w", implode("\n", $ids));
            } catch (\Throwable $e) {
                file_put_contents("$dir/$w.err", get_class($e) . ': ' . $e->getMessage());
            }
            // Skip PHP's shutdown of the parent's objects inherited by this child.
            posix_kill(getmypid(), SIGKILL);
        }
        $pids[] = $pid;
    }
    foreach ($pids as $pid) {
        pcntl_waitpid($pid, $status);
    }
    $elapsed = microtime(true) - $start;
    $ids = [];
    $errors = [];
    for ($w = 0; $w < $workers; $w++) {
        $text = (string) @file_get_contents("$dir/$w");
        $ids[] = $text === '' ? [] : array_map('intval', explode("\n", $text));
        if (is_file("$dir/$w.err")) {
            $errors[] = "worker $w: " . file_get_contents("$dir/$w.err");
            progress("   worker $w died: " . file_get_contents("$dir/$w.err"));
        }
        @unlink("$dir/$w");
        @unlink("$dir/$w.err");
    }
    @rmdir($dir);
    return [$elapsed, $ids, $errors];
}

/** @return array{dupes:int, lost:int} */
function checkIds(array $idsPerWorker, array $expected): array
{
    $all = array_merge(...$idsPerWorker);
    $unique = array_unique($all);
    return ['dupes' => count($all) - count($unique), 'lost' => count(array_diff($expected, $unique))];
}

$parts = array_filter(array_map('trim', explode(',', getenv('BENCH_PARTS') ?: 'throughput,delivery')));
$failed = false;
if (in_array('throughput', $parts, true)) {
    $rows = [];

    foreach ($engines as $engine => $dsn) {
        progress("== $engine");
        $store = new Store($dsn);
        $store->migrate();
        $q = new SyncQueue($store);

        $t = microtime(true);
        for ($i = 0; $i < $singlePushes; $i++) {
            $q->push('bench.single', $payload($i));
        }
        $rows[] = [$engine, 'push, single (1 job per transaction)', $singlePushes, $singlePushes / (microtime(true) - $t), '', ''];
        progress("   push single done");
        // Clear them out of the way of the claim+ack runs.
        while ($claimed = $q->claim(1000)) {
            foreach ($claimed as $job) {
                $q->ack($job->id);
            }
        }
        $q->purge();

        foreach ([[1, 'ack'], [4, 'ack'], [1, 'ackMany'], [4, 'ackMany']] as [$workers, $ackMode]) {
            $t = microtime(true);
            $ids = [];
            for ($i = 0; $i < $jobs; $i += 100) {
                $batch = [];
                for ($k = $i; $k < min($jobs, $i + 100); $k++) {
                    $batch[] = ['bench.job', $payload($k)];
                }
                array_push($ids, ...$q->pushMany($batch));
            }
            if ($workers === 1 && $ackMode === 'ack') {
                $rows[] = [$engine, 'push, batched (pushMany of 100)', $jobs, $jobs / (microtime(true) - $t), '', ''];
                progress("   push batched done");
            }
            unset($store, $q);   // children build their own connections
            [$elapsed, $perWorker, $errors] = inProcesses($workers, function () use ($dsn, $process, $ackMode): array {
                $q = new SyncQueue(new Store($dsn));
                $done = [];
                while ($claimed = $q->claim(50, ['lease_s' => 300])) {
                    $batch = [];
                    foreach ($claimed as $job) {
                        $process($job->payload);
                        if ($ackMode === 'ack') {
                            $q->ack($job->id);
                        } else {
                            $batch[] = $job->id;
                        }
                        $done[] = $job->id;
                    }
                    if ($batch && $q->ackMany($batch) !== []) {
                        throw new RuntimeException('ackMany refused jobs this worker held');
                    }
                }
                return $done;
            });
            $check = checkIds($perWorker, $ids);
            $failed = $failed || $check['dupes'] > 0 || $check['lost'] > 0 || $errors !== [];
            $label = sprintf('claim(50)+%s, %d worker%s', $ackMode === 'ack' ? 'ack() each' : 'ackMany()', $workers, $workers > 1 ? 's' : '');
            if ($errors !== []) {   // "lost" then also counts the ids the dead workers had processed
                $label .= sprintf(' — %d worker%s DIED (%s)', count($errors), count($errors) > 1 ? 's' : '', implode('; ', array_unique(array_map(fn($e) => preg_replace('/^worker \d+: /', '', $e), $errors))));
            }
            $rows[] = [$engine, $label, $jobs, $jobs / $elapsed, $check['dupes'], $check['lost']];
            progress(sprintf("   %s: %.0f jobs/s, dupes %d, lost %d", $label, $jobs / $elapsed, $check['dupes'], $check['lost']));
            $store = new Store($dsn);
            $q = new SyncQueue($store);
            if ($q->count(['status' => ['pending', 'running']]) !== 0) {
                $failed = true;
                progress("   jobs left behind!");
            }
            $q->purge();
        }
        unset($store, $q);
    }

    // ------------------------------------------------------------------------------
    // Baseline: the agent pattern on MariaDB.
    progress("== baseline (agent pattern, mysqli)");
    $baseline = [];
    foreach ([1, 4] as $workers) {
        $agentQueue = new AgentPatternQueue($mysqli($database));
        $agentQueue->createTable();
        $t = microtime(true);
        $ids = [];
        for ($i = 0; $i < $singlePushes; $i++) {
            $ids[] = $agentQueue->push($payload($i));
        }
        if ($workers === 1) {
            $baseline['push'] = $singlePushes / (microtime(true) - $t);
        }
        // The rest of the jobs: seeded in bulk (the baseline's push speed is measured above).
        $seed = $mysqli($database);
        for ($i = $singlePushes; $i < $jobs; $i += 500) {
            $values = [];
            for ($k = $i; $k < min($jobs, $i + 500); $k++) {
                $values[] = "('" . $seed->real_escape_string(json_encode($payload($k))) . "', NOW())";
            }
            $seed->query('INSERT INTO b_custom_export_queue (PAYLOAD, CREATED_AT) VALUES ' . implode(',', $values));
        }
        $total = $jobs;
        [$elapsed, $perWorker] = inProcesses($workers, function () use ($mysqli, $database, $process): array {
            $agent = new AgentPatternQueue($mysqli($database));
            $done = [];
            while ($batch = $agent->agent($process)) {
                array_push($done, ...$batch);
            }
            return $done;
        });
        $all = array_merge(...$perWorker);
        $dupes = count($all) - count(array_unique($all));
        $baseline[$workers] = ['rate' => $total / $elapsed, 'dupes' => $dupes];
        progress(sprintf("   agent x%d: %.0f jobs/s, processed twice: %d", $workers, $total / $elapsed, $dupes));
    }

    // ------------------------------------------------------------------------------
    $base = $baseline[1]['rate'];
    $out = [];
    $out[] = sprintf('Queue throughput, %d jobs per claim+ack run (%s, PHP %s, %d cores). Baseline: the agent pattern on MariaDB, 1 process = %s jobs/s.', $jobs, php_uname('s') . ' ' . php_uname('r'), PHP_VERSION, (int) trim((string) shell_exec('nproc')), number_format($base, 0, '.', ','));
    $out[] = '';
    $out[] = '| engine | operation | jobs | jobs/s | × agent baseline | processed twice | lost |';
    $out[] = '|---|---|---:|---:|---:|---:|---:|';
    foreach ($rows as [$engine, $op, $n, $rate, $dupes, $lost]) {
        $ratio = str_starts_with($op, 'push') ? $rate / $baseline['push'] : $rate / $base;
        $out[] = sprintf('| %s | %s | %s | %s | %.1f× | %s | %s |', $engine, $op, number_format($n), number_format($rate, 0, '.', ','), $ratio, $dupes === '' ? '' : $dupes, $lost === '' ? '' : $lost);
    }
    $out[] = sprintf('| MariaDB | baseline: agent push (1 INSERT per job) | %s | %s | 1.0× | | |', number_format($singlePushes), number_format($baseline['push'], 0, '.', ','));
    $out[] = sprintf('| MariaDB | baseline: agent, 1 process | %s | %s | 1.0× | %d | 0 |', number_format($jobs), number_format($baseline[1]['rate'], 0, '.', ','), $baseline[1]['dupes']);
    $out[] = sprintf('| MariaDB | baseline: agent, 4 processes (unsafe) | %s | %s | %.1f× | %d | 0 |', number_format($jobs), number_format($baseline[4]['rate'], 0, '.', ','), $baseline[4]['rate'] / $base, $baseline[4]['dupes']);
    $out[] = '';
    $out[] = 'Push rows are compared with the agent\'s one-INSERT push; claim+ack rows with the 1-process agent. "Processed twice" for the 4-process agent is why it cannot be scaled out.';
    echo implode("\n", $out), "\n";
}

// ==============================================================================
// Part 2: delivery. 2,000 HTTP jobs (pushRequest) through runDeliveries() at
// concurrency 32 against the mock API, 20% of them faulted on their first request,
// under a 200 req/s rate limit; runDeliveries() is called until no job is pending.

/** The mock's admin API over one keep-alive curl handle (never through Conduit). */
final class MockAdmin
{
    private \CurlHandle $h;

    public function __construct(private string $base)
    {
        $this->h = curl_init();
    }

    public function call(string $method, string $path, ?array $body = null): mixed
    {
        curl_reset($this->h);
        curl_setopt_array($this->h, [
            CURLOPT_URL => $this->base . $path,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 60,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
        ]);
        if ($body !== null) {
            curl_setopt($this->h, CURLOPT_POSTFIELDS, json_encode($body, JSON_THROW_ON_ERROR));
        }
        $raw = curl_exec($this->h);
        $status = curl_getinfo($this->h, CURLINFO_RESPONSE_CODE);
        if ($raw === false || $status !== 200) {
            throw new RuntimeException("mock admin $method $path: HTTP $status " . ($raw === false ? curl_error($this->h) : $raw));
        }
        return json_decode($raw, true, 512, JSON_THROW_ON_ERROR);
    }
}

const DELIVERY_JOBS = 2_000;
const DELIVERY_RATE = 200;          // req/s
const DELIVERY_CONCURRENCY = 32;
const DELIVERY_TARGET = 1.1;        // × the bound

/**
 * The fault of job $i on its first request, or null: every 5th job (20%), cycling
 * through 503, a TCP reset before any byte of the answer, and 429 + Retry-After: 1.
 * @return array{0: string, 1: array}|null [kind, mock script step]
 */
function deliveryFault(int $i): ?array
{
    if ($i % 5 !== 0) {
        return null;
    }
    return match (intdiv($i, 5) % 3) {
        0 => ['503', ['status' => 503]],
        1 => ['reset', ['fault' => 'reset_before_headers']],
        2 => ['429', ['status' => 429, 'headers' => ['Retry-After' => '1']]],
    };
}

/** Most requests that arrived within any 1-second window. */
function peakPerSecond(array $arrivalsMs): int
{
    sort($arrivalsMs);
    $peak = 0;
    $lo = 0;
    foreach ($arrivalsMs as $hi => $t) {
        while ($arrivalsMs[$lo] <= $t - 1000.0) {
            $lo++;
        }
        $peak = max($peak, $hi - $lo + 1);
    }
    return $peak;
}

/**
 * One delivery run on a fresh queue (its own table prefix). $clientRetries: the
 * ApiClient's retry.max_attempts (1 = every fault goes back to the queue).
 * @return array<string, mixed>
 */
function deliveryRun(string $engine, string $dsn, string $tablePrefix, int $clientRetries, MockAdmin $mock, string $mockUrl): array
{
    $n = DELIVERY_JOBS;
    $prefix = '/dlv-' . strtolower($engine) . "-r$clientRetries/";
    progress(sprintf('== delivery: %s, client retry.max_attempts=%d, %d jobs, prefix %s', $engine, $clientRetries, $n, $prefix));

    // The mock: clean slate, server-side limit on our paths, one failing step per faulted path.
    $mock->call('POST', '/__admin/reset');
    $mock->call('POST', '/__admin/rate_limit', ['per_second' => DELIVERY_RATE, 'burst' => 20, 'path_prefix' => $prefix]);
    $faultKind = [];
    for ($i = 0; $i < $n; $i++) {
        if ($fault = deliveryFault($i)) {
            [$kind, $step] = $fault;
            $faultKind["{$prefix}jobs/$i"] = $kind;
            $mock->call('POST', '/__admin/script', ['path' => "{$prefix}jobs/$i", 'method' => 'POST', 'responses' => [$step]]);
        }
    }

    $store = new Store($dsn, ['table_prefix' => $tablePrefix]);
    $store->migrate();
    $q = new SyncQueue($store, ['backoff_base_s' => 0.05, 'backoff_max_s' => 0.5]);
    $t = microtime(true);
    for ($i = 0; $i < $n; $i++) {
        $q->pushRequest('POST', "{$prefix}jobs/$i", ['json' => ['job' => $i, 'engine' => $engine]]);
    }
    $pushS = microtime(true) - $t;
    progress(sprintf('   pushed %d jobs in %.2f s (pushRequest, one commit each)', $n, $pushS));

    $client = new Conduit\ApiClient($mockUrl, [
        'timeout' => 10.0,
        'rate_limit' => ['per_second' => DELIVERY_RATE, 'burst' => 10],
        'retry' => ['max_attempts' => $clientRetries],
    ]);
    $sum = ['delivered' => 0, 'retried' => 0, 'failed' => 0, 'skipped' => 0, 'queue_errors' => 0];
    $lastQueueError = null;
    $calls = 0;
    $timedOut = false;
    $start = microtime(true);
    $deadline = $start + 60.0;
    while (true) {
        $s = $q->runDeliveries($client, ['concurrency' => DELIVERY_CONCURRENCY, 'limit' => 1_000_000, 'time_budget_s' => 60.0]);
        $calls++;
        foreach ($sum as $k => $_) {
            $sum[$k] += $s[$k];
        }
        $lastQueueError = $s['last_queue_error'] ?? $lastQueueError;
        if ($q->count(['status' => ['pending', 'running']]) === 0) {
            break;
        }
        if (microtime(true) > $deadline) {
            $timedOut = true;
            break;
        }
        if ($s['delivered'] + $s['retried'] + $s['failed'] + $s['skipped'] === 0) {
            usleep(10_000);   // only delayed jobs left (backoff / Retry-After)
        }
    }
    $wall = microtime(true) - $start;

    $status = [];
    foreach (['pending', 'running', 'done', 'failed'] as $st) {
        $status[$st] = $q->count(['status' => $st]);
    }
    $lost = $n - $status['done'] - $status['failed'] - $status['pending'] - $status['running'];

    // The stored key and attempts of every job, by path.
    $jobs = [];
    for ($offset = 0; ; $offset += 500) {
        $page = $q->list(null, 'id', 500, $offset);
        foreach ($page as $job) {
            $jobs[$job->payload['path']] = ['key' => $job->payload['idempotency_key'], 'attempts' => $job->attempts, 'status' => $job->status];
        }
        if (count($page) < 500) {
            break;
        }
    }
    $redelivered = count(array_filter($jobs, fn($j) => $j['attempts'] > 1));

    // What the mock saw.
    $stats = $mock->call('GET', '/__admin/stats?path_prefix=' . rawurlencode($prefix));
    $consumed = ['503' => 0, 'reset' => 0, '429' => 0];
    foreach ($mock->call('GET', '/__admin/scripts') as $script) {
        if (isset($faultKind[$script['path']])) {
            $consumed[$faultKind[$script['path']]] += $script['consumed'];
        }
    }
    $records = $mock->call('GET', '/__admin/requests?path_prefix=' . rawurlencode($prefix));
    $keysByPath = [];
    $okByPath = [];
    $arrivals = [];
    $status429 = 0;
    foreach ($records as $r) {
        $keysByPath[$r['path']][$r['headers']['idempotency-key'] ?? '(none)'] = true;
        if ($r['status'] !== null && $r['status'] >= 200 && $r['status'] < 300) {
            $okByPath[$r['path']] = ($okByPath[$r['path']] ?? 0) + 1;
        }
        $status429 += (int) ($r['status'] === 429);
        $arrivals[] = $r['arrived_at_ms'];
    }
    $keyMismatch = 0;     // jobs whose requests carried more than one key, or not the stored one
    foreach ($jobs as $path => $job) {
        $seen = array_keys($keysByPath[$path] ?? []);
        if ($seen !== [$job['key']]) {
            $keyMismatch++;
        }
    }
    $distinctKeys = count(array_unique(array_column($jobs, 'key')));
    $doneWithout2xx = count(array_filter(array_keys($jobs), fn($p) => $jobs[$p]['status'] === 'done' && !isset($okByPath[$p])));
    $deliveredTwice = count(array_filter($okByPath, fn($c) => $c > 1));
    $server429 = $status429 - $consumed['429'];

    $bound = $n / DELIVERY_RATE;
    $ratio = $wall / $bound;
    $pass = !$timedOut && $lost === 0 && $status['failed'] === 0 && $keyMismatch === 0 && $distinctKeys === $n && $ratio <= DELIVERY_TARGET;
    $r = [
        'engine' => $engine, 'client_retries' => $clientRetries, 'jobs' => $n, 'push_s' => $pushS,
        'faults' => array_sum($consumed), 'fault_split' => $consumed, 'requests' => $stats['requests'],
        'max_in_flight' => $stats['max_in_flight'], 'peak_rps' => peakPerSecond($arrivals), 'server_429' => $server429,
        'wall' => $wall, 'bound' => $bound, 'ratio' => $ratio, 'floor' => $stats['requests'] / DELIVERY_RATE,
        'done' => $status['done'], 'failed' => $status['failed'], 'left' => $status['pending'] + $status['running'], 'lost' => $lost,
        'key_mismatch' => $keyMismatch, 'distinct_keys' => $distinctKeys, 'done_without_2xx' => $doneWithout2xx,
        'delivered_twice' => $deliveredTwice, 'redelivered' => $redelivered, 'calls' => $calls, 'summary' => $sum,
        'last_queue_error' => $lastQueueError, 'timed_out' => $timedOut, 'pass' => $pass,
    ];
    progress(sprintf(
        '   %.2f s (%.2f× the %.0f s bound), %d requests, faults %d (503 %d, reset %d, 429 %d), server 429s %d, peak %d req/s, done %d, failed %d, lost %d, key mismatches %d, runDeliveries calls %d, summary %s',
        $wall, $ratio, $bound, $stats['requests'], $r['faults'], $consumed['503'], $consumed['reset'], $consumed['429'], $server429,
        $r['peak_rps'], $status['done'], $status['failed'], $lost, $keyMismatch, $calls, json_encode($sum),
    ));
    unset($q, $store, $client);
    return $r;
}

if (in_array('delivery', $parts, true)) {
    $mockUrl = getenv('CONDUIT_MOCK_URL') ?: '';
    if ($mockUrl === '') {
        echo "\nDelivery benchmark NOT RUN: CONDUIT_MOCK_URL is not set (run it with `bash bench/run.sh queue`).\n";
        $failed = true;
    } else {
        $mock = new MockAdmin($mockUrl);
        $mock->call('GET', '/__admin/health');
        $dlvDatabase = 'conduit_bench_dlv_' . getmypid();
        $mysqli()->query("CREATE DATABASE `$dlvDatabase`");
        $pgsql()->exec("CREATE DATABASE $dlvDatabase");
        $dlvSqlite = sys_get_temp_dir() . '/conduit-bench-dlv-' . getmypid() . '.db';
        register_shutdown_function(function () use ($mysqli, $pgsql, $dlvDatabase, $dlvSqlite, $mainPid): void {
            if (getmypid() !== $mainPid) {
                return;
            }
            $mysqli()->query("DROP DATABASE IF EXISTS `$dlvDatabase`");
            $pgsql()->exec("DROP DATABASE IF EXISTS $dlvDatabase WITH (FORCE)");
            foreach (['', '-wal', '-shm'] as $s) {
                @unlink($dlvSqlite . $s);
            }
        });
        // Runs as engine:retry.max_attempts of the client. 1 = every fault is redelivered
        // by the queue (on both engines). 3 = the client's default retries inside
        // runDeliveries, once (the engine does not matter there; a client-side
        // Retry-After wait holds one concurrency slot while the others keep sending).
        $dlvDsn = ['SQLite' => "sqlite://$dlvSqlite", 'MariaDB' => "$adminDsn/$dlvDatabase", 'PostgreSQL' => "$pgAdminDsn/$dlvDatabase"];
        $results = [];
        foreach (explode(',', getenv('BENCH_DELIVERY_RUNS') ?: 'SQLite:1,MariaDB:1,SQLite:3') as $run) {
            [$engine, $retries] = explode(':', trim($run)) + [1 => '1'];
            $results[] = deliveryRun($engine, $dlvDsn[$engine] ?? throw new RuntimeException("BENCH_DELIVERY_RUNS: unknown engine $engine"), "r{$retries}_", (int) $retries, $mock, $mockUrl);
        }

        $out = [];
        $out[] = '';
        $out[] = sprintf(
            'Delivery: %s HTTP jobs (pushRequest POST) through SyncQueue::runDeliveries(concurrency %d) against the mock API, queue backoff 0.05–0.5 s. '
            . 'Faults: every 5th job (20%%) fails its first request (mock script: 503 / TCP reset before headers / 429 + Retry-After: 1, in turn). '
            . 'Rate limit %d req/s: enforced by the client (rate_limit per_second %d, burst 10); the mock also limits the path prefix server-side (%d/s, burst 20) as a check — its 429s are counted apart. '
            . 'Bound = jobs / rate = %s / %d = %.0f s; target ≤ %.1f× with 0 lost.',
            number_format(DELIVERY_JOBS), DELIVERY_CONCURRENCY, DELIVERY_RATE, DELIVERY_RATE, DELIVERY_RATE,
            number_format(DELIVERY_JOBS), DELIVERY_RATE, DELIVERY_JOBS / DELIVERY_RATE, DELIVERY_TARGET,
        );
        $out[] = '';
        $out[] = '| engine | client retry.max_attempts | jobs | faults injected | HTTP requests sent | wall time | bound | × bound | × floor (requests / 200) | done | failed | lost | same idempotency key on every attempt | server 429s | peak req/s | result |';
        $out[] = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|';
        foreach ($results as $r) {
            $failed = $failed || $r['lost'] !== 0 || $r['key_mismatch'] !== 0;
            $out[] = sprintf(
                '| %s | %d | %s | %d | %s | %.2f s | %.0f s | %.2f× | %.2f× | %s | %d | %d | %s | %d | %d | %s |',
                $r['engine'], $r['client_retries'], number_format($r['jobs']), $r['faults'], number_format($r['requests']),
                $r['wall'], $r['bound'], $r['ratio'], $r['wall'] / $r['floor'], number_format($r['done']), $r['failed'], $r['lost'],
                $r['key_mismatch'] === 0 && $r['distinct_keys'] === $r['jobs'] ? 'yes (all ' . number_format($r['jobs']) . ')' : sprintf('NO: %d jobs differ, %d distinct keys', $r['key_mismatch'], $r['distinct_keys']),
                $r['server_429'], $r['peak_rps'], $r['pass'] ? 'PASS' : 'MISS' . ($r['timed_out'] ? ' (timed out, jobs left: ' . $r['left'] . ')' : ''),
            );
        }
        $out[] = '';
        $out[] = 'Lost = pushed − done − failed − pending − running. "× floor": wall time against the requests actually sent at 200 req/s (each injected fault costs one extra request under the same limit, so 20% faults put the floor at ~1.2× the bound). '
            . 'Client retry.max_attempts 1: every fault goes back to the queue (fail → backoff or Retry-After → redelivered by a later claim). '
            . 'Client retry.max_attempts 3 (the default): the client retries inside runDeliveries instead: each 1 s Retry-After wait holds one of the concurrency slots while the others keep sending.';
        foreach ($results as $r) {
            $out[] = sprintf(
                '- %s, retry.max_attempts %d: faults consumed 503 %d / reset %d / 429 %d; jobs redelivered by the queue %d; jobs delivered (2xx) twice %d; done without a 2xx record %d; mock max in flight %d; runDeliveries calls %d (delivered %d, retried %d, failed %d, skipped %d, queue errors %d%s); push of %s jobs %.2f s.',
                $r['engine'], $r['client_retries'], $r['fault_split']['503'], $r['fault_split']['reset'], $r['fault_split']['429'],
                $r['redelivered'], $r['delivered_twice'], $r['done_without_2xx'], $r['max_in_flight'], $r['calls'],
                $r['summary']['delivered'], $r['summary']['retried'], $r['summary']['failed'], $r['summary']['skipped'], $r['summary']['queue_errors'],
                $r['last_queue_error'] !== null ? ', last: ' . $r['last_queue_error'] : '', number_format($r['jobs']), $r['push_s'],
            );
        }
        echo implode("\n", $out), "\n";
    }
}

exit($failed ? 1 : 0);
