<?php
/**
 * `make bench-queue` (bash bench/run.sh queue): Conduit\SyncQueue throughput on SQLite
 * and MariaDB against the agent pattern (bench/baselines/agent_pattern.php).
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
 * MariaDB: 127.0.0.1:3306 as root (CONDUIT_BENCH_MARIADB=mysql://user:pass@host:port),
 * in a database created for the run and dropped after. Sizes: BENCH_JOBS (default
 * 10000 jobs per claim+ack run). Prints a markdown table on stdout, progress on
 * stderr; exit code 1 if any job was lost or processed twice by Conduit.
 */
declare(strict_types=1);

require __DIR__ . '/baselines/agent_pattern.php';

use Conduit\Store;
use Conduit\SyncQueue;

if (!extension_loaded('conduit') || !extension_loaded('pcntl') || !extension_loaded('mysqli')) {
    fwrite(STDERR, "bench-queue needs the conduit, pcntl and mysqli extensions\n");
    exit(2);
}

$jobs = max(1000, (int) (getenv('BENCH_JOBS') ?: 10_000));
$singlePushes = 2_000;
$admin = parse_url(getenv('CONDUIT_BENCH_MARIADB') ?: 'mysql://root@127.0.0.1:3306');
$adminDsn = sprintf('mysql://%s%s@%s:%d', $admin['user'] ?? 'root', isset($admin['pass']) ? ':' . $admin['pass'] : '', $admin['host'] ?? '127.0.0.1', $admin['port'] ?? 3306);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$mysqli = fn(?string $db = null) => new mysqli($admin['host'] ?? '127.0.0.1', $admin['user'] ?? 'root', $admin['pass'] ?? '', $db ?? '', $admin['port'] ?? 3306);

$database = 'conduit_bench_' . getmypid();
$mysqli()->query("CREATE DATABASE `$database`");
$sqliteFile = sys_get_temp_dir() . '/conduit-bench-' . getmypid() . '.db';
register_shutdown_function(function () use ($mysqli, $database, $sqliteFile): void {
    $mysqli()->query("DROP DATABASE IF EXISTS `$database`");
    foreach (['', '-wal', '-shm'] as $s) {
        @unlink($sqliteFile . $s);
    }
});

$engines = [
    'MariaDB' => "$adminDsn/$database",
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
 * a list of ids it processed. Returns [seconds, ids per worker].
 * @return array{float, list<list<int>>}
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
            $ids = $work($w);
            file_put_contents("$dir/$w", implode("\n", $ids));
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
    for ($w = 0; $w < $workers; $w++) {
        $text = (string) @file_get_contents("$dir/$w");
        $ids[] = $text === '' ? [] : array_map('intval', explode("\n", $text));
        @unlink("$dir/$w");
    }
    @rmdir($dir);
    return [$elapsed, $ids];
}

/** @return array{dupes:int, lost:int} */
function checkIds(array $idsPerWorker, array $expected): array
{
    $all = array_merge(...$idsPerWorker);
    $unique = array_unique($all);
    return ['dupes' => count($all) - count($unique), 'lost' => count(array_diff($expected, $unique))];
}

$rows = [];
$failed = false;

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
        [$elapsed, $perWorker] = inProcesses($workers, function () use ($dsn, $process, $ackMode): array {
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
        $failed = $failed || $check['dupes'] > 0 || $check['lost'] > 0;
        $label = sprintf('claim(50)+%s, %d worker%s', $ackMode === 'ack' ? 'ack() each' : 'ackMany()', $workers, $workers > 1 ? 's' : '');
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
exit($failed ? 1 : 0);
