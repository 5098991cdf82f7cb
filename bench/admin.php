<?php
/**
 * `make bench-admin` (bash bench/run.sh admin): server time of the conduit.integration admin
 * pages with 1,000,000 request-log rows and 200,000 jobs (BENCH_LOG_ROWS, BENCH_JOBS).
 *
 * Builds a private test-kernel site (CONDUIT_KERNEL_ROOT, default /tmp/conduit-bench-site;
 * database CONDUIT_KERNEL_DB, default conduit_bitrix_bench, dropped and recreated), installs
 * the module (tests/browser/setup.php), fills the tables with bulk INSERT … SELECT over
 * MariaDB's SEQUENCE engine (seven days of traffic, two connections, 10% errors, retries
 * sharing a correlation id; jobs 85% done, 5% failed, 9% waiting, 1% running), serves the site
 * with PHP's built-in server, logs in, and requests each page with each single filter: the
 * median of BENCH_REPEAT (3) requests, after one warm-up, measured as time to the last byte
 * on 127.0.0.1 (the PHP work: there is no network). Targets: lists < 150 ms, dashboard < 300 ms.
 * Prints a markdown table on stdout, progress on stderr; BENCH_KEEP=1 keeps the site.
 */

$repo = dirname(__DIR__);
$root = getenv('CONDUIT_KERNEL_ROOT') ?: '/tmp/conduit-bench-site';
$dbName = getenv('CONDUIT_KERNEL_DB') ?: 'conduit_bitrix_bench';
putenv("CONDUIT_KERNEL_ROOT=$root");
putenv("CONDUIT_KERNEL_DB=$dbName");
$logRows = (int) (getenv('BENCH_LOG_ROWS') ?: 1000000);
$jobs = (int) (getenv('BENCH_JOBS') ?: 200000);
$repeat = max(1, (int) (getenv('BENCH_REPEAT') ?: 3));
$ext = (string) (getenv('CONDUIT_EXT') ?: $repo . '/target/release/libconduit.so');
$say = static fn (string $m) => fwrite(STDERR, $m . "\n");

$php = escapeshellarg(PHP_BINARY) . ' -d extension=' . escapeshellarg($ext) . ' -d short_open_tag=On';
$db = new mysqli('127.0.0.1', 'root', '', '', 3306);
$reuse = getenv('BENCH_REUSE') === '1' && $db->select_db($dbName);
if ($reuse) {
    // the data of a kept run (BENCH_KEEP=1): refresh the module's files and schema only
    exec('rm -rf ' . escapeshellarg("$root/local/modules/conduit.integration") . ' && cp -a ' . escapeshellarg("$repo/php/conduit.integration") . ' ' . escapeshellarg("$root/local/modules/"));
    exec(escapeshellarg(PHP_BINARY) . ' -d extension=' . escapeshellarg($ext) . ' -r ' . escapeshellarg('require "' . $repo . '/tests/bitrix-kernel/boot.php"; \\Bitrix\\Main\\Loader::includeModule("conduit.integration"); \\Conduit\\Integration\\Storage\\Schema::migrate(); foreach (["admin_rollup_last_id", "admin_queue_rollup_last_id", "admin_queue_rollup_finished_at", "admin_endpoints_last_id"] as $o) { \\Bitrix\\Main\\Config\\Option::delete("conduit.integration", ["name" => $o]); } foreach (["b_conduit_log_rollup", "b_conduit_log_rollup_h", "b_conduit_queue_rollup", "b_conduit_queue_rollup_h", "b_conduit_log_endpoint"] as $t) { \\Bitrix\\Main\\Application::getConnection()->queryExecute("TRUNCATE TABLE $t"); }') . ' 2>&1', $o, $rc);
    if ($rc !== 0) {
        $say('reuse failed: ' . implode("\n", $o));
        exit(1);
    }
}
if (!$reuse) {
$db->query("DROP DATABASE IF EXISTS `$dbName`");
$db->query("CREATE DATABASE `$dbName` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
@unlink($root . '/.conduit-kernel-stamp');
exec("$php " . escapeshellarg("$repo/tests/browser/setup.php") . ' http://erp.bench.test/api 2>&1', $out, $rc);
if ($rc !== 0) {
    $say('setup failed: ' . implode("\n", $out));
    exit(1);
}
$db->select_db($dbName);
$now = (int) (microtime(true) * 1000);
$span = 7 * 86400 * 1000;

$t = microtime(true);
$say("filling b_conduit_request_log with $logRows rows …");
$db->query("ALTER TABLE b_conduit_request_log DISABLE KEYS");
for ($from = 1; $from <= $logRows; $from += 250000) {
    $to = min($logRows, $from + 249999);
    $ok = $db->query("INSERT INTO b_conduit_request_log (created_at, method, url, endpoint, status, duration_ms, attempt, correlation_id, job_id, error_class, error_message, request_headers, request_body, response_headers, response_body)
        SELECT $now - $span + FLOOR(seq * $span / $logRows),
            ELT(1 + seq % 5, 'GET', 'POST', 'PUT', 'DELETE', 'GET'),
            CONCAT(IF(seq % 4 = 0, 'http://127.0.0.1:9', 'http://erp.bench.test/api'), '/', ELT(1 + seq % 7, 'orders', 'stock', 'customers', 'catalog/items', 'prices', 'invoices', 'ping'), '/', seq % 1000),
            CONCAT('/', ELT(1 + seq % 7, 'orders', 'stock', 'customers', 'catalog/items', 'prices', 'invoices', 'ping'), '/{id}'),
            CASE WHEN seq % 100 < 88 THEN 200 WHEN seq % 100 < 92 THEN 404 WHEN seq % 100 < 95 THEN 500 WHEN seq % 100 < 96 THEN 302 WHEN seq % 100 < 97 THEN 503 ELSE NULL END,
            (seq * 7919) % 900 + 0.5,
            1 + seq % 2,
            SUBSTR(MD5(seq DIV 2), 1, 16),
            IF(seq % 3 = 0, 1 + (seq DIV 3) % $jobs, NULL),
            CASE WHEN seq % 100 >= 97 THEN 'TransportException' WHEN seq % 100 >= 88 AND seq % 100 < 96 THEN 'ApiException' ELSE NULL END,
            CASE WHEN seq % 100 >= 97 THEN 'could not connect: Connection refused' WHEN seq % 100 >= 88 AND seq % 100 < 96 THEN 'HTTP error' ELSE NULL END,
            '[[\"accept\",\"application/json\"],[\"authorization\",\"[REDACTED]\"]]',
            CONCAT('{\"id\":', seq, ',\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}'),
            '[[\"content-type\",\"application/json\"]]',
            CONCAT('{\"ok\":true,\"id\":', seq, '}')
        FROM seq_{$from}_to_{$to}");
    if (!$ok) {
        $say('insert failed: ' . $db->error);
        exit(1);
    }
}
$db->query("ALTER TABLE b_conduit_request_log ENABLE KEYS");
$say(sprintf('  %.1f s', microtime(true) - $t));

$t = microtime(true);
$say("filling b_conduit_jobs with $jobs rows …");
$ok = $db->query("INSERT INTO b_conduit_jobs (type, payload, status, priority, claim_order, attempts, max_attempts, run_at, created_at, updated_at, lease_until, lease_token, dedupe_key, dedupe_active, group_key, backoff_base_ms, backoff_max_ms, last_error, result, started_at, finished_at, processing_ms)
    SELECT ELT(1 + seq % 6, 'conduit.http', 'conduit.http:crm', 'order.export', 'order.import', 'webhook.erp', 'catalog.import'),
        CONCAT('{\"order\":', seq, '}'),
        @st := CASE WHEN seq % 100 < 85 THEN 'done' WHEN seq % 100 < 90 THEN 'failed' WHEN seq % 100 < 99 THEN 'pending' ELSE 'running' END,
        0, 0, IF(@st = 'pending', 0, 1 + seq % 3), 5,
        $now - $span + FLOOR(seq * $span / $jobs) + IF(@st = 'pending' AND seq % 2 = 0, 3600000, 0),
        $now - $span + FLOOR(seq * $span / $jobs), $now - $span + FLOOR(seq * $span / $jobs) + 500,
        IF(@st = 'running', $now + 60000, NULL), IF(@st = 'running', seq, NULL),
        IF(seq % 10 = 0, CONCAT('order:', seq), NULL), IF(seq % 10 = 0 AND @st IN ('pending', 'running'), CONCAT('order:', seq), NULL),
        IF(seq % 20 = 0, CONCAT('customer:', seq % 500), NULL), 5000, 3600000,
        IF(@st = 'failed' OR (@st = 'pending' AND seq % 2 = 0), IF(seq % 3 = 0, 'Conduit\\\\TimeoutException: no complete answer within 10.000 s', 'Conduit\\\\ApiException: HTTP 503 from POST'), NULL),
        IF(@st = 'done', '{\"ok\":true}', NULL),
        IF(@st IN ('done', 'failed', 'running'), $now - $span + FLOOR(seq * $span / $jobs) + 100, NULL),
        IF(@st IN ('done', 'failed'), $now - $span + FLOOR(seq * $span / $jobs) + 500, NULL),
        IF(@st IN ('done', 'failed'), 400, NULL)
    FROM seq_1_to_{$jobs}");
if (!$ok) {
    $say('insert failed: ' . $db->error);
    exit(1);
}
$db->query('ANALYZE TABLE b_conduit_request_log, b_conduit_jobs');
$say(sprintf('  %.1f s', microtime(true) - $t));
}
$db->select_db($dbName);
// The dashboard's rollups (request log and queue), as the module's agent keeps them current
// on a site: bring them up to date before timing, and time that too.
$t = microtime(true);
exec($php . ' -r ' . escapeshellarg('require "' . $repo . '/tests/bitrix-kernel/boot.php"; \\Bitrix\\Main\\Loader::includeModule("conduit.integration"); do { $r = \\Conduit\\Integration\\Admin\\Rollup::advanceAll(250000); } while ($r["log"]["behind"] > 0 || $r["queue"]["behind"] > 0 || $r["queue"]["finished"] > 0);') . ' 2>&1', $o2, $rc2);
$rollupS = microtime(true) - $t;
$say(sprintf('rollups of %d log rows and %d jobs: %.1f s %s', $logRows, $jobs, $rollupS, $rc2 !== 0 ? implode("\n", $o2) : ''));
if ($rc2 !== 0) {
    exit(1); // the dashboard would do the catch-up during the timed loads: its figures would mean nothing
}
$sampleCorrelation = $db->query('SELECT correlation_id FROM b_conduit_request_log WHERE id = 500000')->fetch_row()[0] ?? 'x';

// serve and log in
$port = (static function (): int {
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $p = (int) explode(':', stream_socket_get_name($s, false))[1];
    fclose($s);
    return $p;
})();
$server = proc_open([PHP_BINARY, '-d', 'extension=' . $ext, '-d', 'short_open_tag=On', '-d', 'opcache.enable=0', '-S', "127.0.0.1:$port", '-t', $root], [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
$base = "http://127.0.0.1:$port";
$cookies = tempnam(sys_get_temp_dir(), 'conduit-bench-cookies');
$get = static function (string $path, ?array $post = null) use ($base, $cookies): array {
    $ch = curl_init($base . $path);
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_COOKIEJAR => $cookies, CURLOPT_COOKIEFILE => $cookies, CURLOPT_TIMEOUT => 60]);
    if ($post !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($post));
    }
    $started = hrtime(true);
    $body = (string) curl_exec($ch);
    $ms = (hrtime(true) - $started) / 1e6;
    $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $body, $ms];
};
for ($i = 0; $i < 100 && $get('/bitrix/admin/index.php')[0] === 0; $i++) {
    usleep(50000);
}
$get('/bitrix/admin/index.php?lang=en', ['AUTH_FORM' => 'Y', 'TYPE' => 'AUTH', 'USER_LOGIN' => 'admin', 'USER_PASSWORD' => 'admin123']);

$hour = date('d.m.Y H:i', time() - 3600);
$cases = [
    ['Request log', 'first page, no filter', '/bitrix/admin/conduit_integration_log.php?lang=en'],
    ['Request log', 'answer 2xx', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_status_class=2xx'],
    ['Request log', 'answer 5xx', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_status_class=5xx'],
    ['Request log', 'no answer (transport error)', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_status_class=error'],
    ['Request log', 'endpoint contains "stock"', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=stock'],
    ['Request log', 'endpoint contains a missing text', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_endpoint=nowhere-at-all'],
    ['Request log', 'method PUT', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_method=PUT'],
    ['Request log', 'connection "broken" (25% of rows)', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_connection=broken'],
    ['Request log', 'last hour', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_from=' . rawurlencode($hour)],
    ['Request log', 'correlation id', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_correlation=' . $sampleCorrelation],
    ['Request log', 'job id', '/bitrix/admin/conduit_integration_log.php?lang=en&set_filter=Y&f_job=4242'],
    ['Request log', 'sorted by duration', '/bitrix/admin/conduit_integration_log.php?lang=en&by=DURATION_MS&order=desc'],
    ['Request log', 'page 500', '/bitrix/admin/conduit_integration_log.php?lang=en&by=ID&order=desc&page=500'],
    ['Request log', 'record view', '/bitrix/admin/conduit_integration_log.php?lang=en&id=500000'],
    ['Queue', 'first page, no filter (+ counts per type)', '/bitrix/admin/conduit_integration_queue.php?lang=en&by=ID&order=desc'],
    ['Queue', 'status failed', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_status=failed'],
    ['Queue', 'status waiting', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_status=pending'],
    ['Queue', 'type order.export', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_type=order.export'],
    ['Queue', 'dedupe key', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_dedupe=order:1000'],
    ['Queue', 'group key', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_group=customer:20'],
    ['Queue', 'created in the last hour', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_from=' . rawurlencode($hour)],
    ['Queue', 'error contains "Timeout"', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_error=Timeout'],
    ['Queue', 'error contains a missing text', '/bitrix/admin/conduit_integration_queue.php?lang=en&set_filter=Y&f_error=nowhere-at-all'],
    ['Queue', 'job view', '/bitrix/admin/conduit_integration_queue.php?lang=en&id=4242'],
    ['Webhook events', 'first page', '/bitrix/admin/conduit_integration_webhooks.php?lang=en'],
    ['Dashboard', 'last hour', '/bitrix/admin/conduit_integration_dashboard.php?lang=en&range=1h'],
    ['Dashboard', 'last 24 hours', '/bitrix/admin/conduit_integration_dashboard.php?lang=en&range=24h'],
    ['Dashboard', 'last 7 days', '/bitrix/admin/conduit_integration_dashboard.php?lang=en&range=7d'],
];
echo "## Admin pages: server time (median of $repeat), " . number_format($logRows) . " request-log rows, " . number_format($jobs) . " jobs\n\n";
echo sprintf("Dashboard rollups caught up with %s log rows and %s jobs in %.1f s (once; afterwards the module's agent adds what is new on each run).\n\n", number_format($logRows), number_format($jobs), $rollupS);
echo "| page | filter | ms | target | shown |\n|---|---|---:|---:|---|\n";
$failed = 0;
foreach ($cases as [$page, $label, $path]) {
    [$status, $body] = $get($path);
    $times = [];
    for ($i = 0; $i < $repeat; $i++) {
        [$status, $body, $ms] = $get($path);
        $times[] = $ms;
    }
    sort($times);
    $median = $times[intdiv(count($times), 2)];
    $target = $page === 'Dashboard' ? 300 : 150;
    $shown = '';
    if (preg_match('/Found: ([^<]+)</', $body, $m)) {
        $shown = html_entity_decode($m[1]);
    } elseif (preg_match('/id="conduit-totals"><b>([^<]+)</', $body, $m)) {
        $shown = html_entity_decode($m[1]);
    }
    if ($status !== 200 || str_contains($body, 'Fatal error')) {
        $shown = "HTTP $status " . (str_contains($body, 'Fatal error') ? 'fatal error' : '');
        $failed++;
    }
    $mark = $median <= $target ? '' : ' ✗';
    echo "| $page | $label | " . number_format($median, 0) . "$mark | < $target | $shown |\n";
    $say(sprintf('%-16s %-40s %7.1f ms', $page, $label, $median));
}
proc_terminate($server);
proc_close($server);
@unlink($cookies);
if (!getenv('BENCH_KEEP')) {
    $db->query("DROP DATABASE IF EXISTS `$dbName`");
}
exit($failed > 0 ? 1 : 0);
