<?php
/**
 * The Conduit demo: an "ERP" (the mock API) that is slow, flaky and rate limited,
 * and a client that copes. Run with `make demo`.
 */
declare(strict_types=1);

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\CircuitOpenException;
use Conduit\RateLimitException;
use Conduit\Response;

$erp = getenv('CONDUIT_MOCK_URL') ?: exit("CONDUIT_MOCK_URL is not set: run `make demo`\n");

function section(string $title): void
{
    echo "\n\033[1m== $title\033[0m\n";
}
function line(string $what, string $result, float $startedAt): void
{
    printf("  %-52s %-34s %7.1f ms\n", $what, $result, (microtime(true) - $startedAt) * 1000);
}
function admin(string $erp, string $path, array $body): void
{
    file_get_contents($erp . $path, false, stream_context_create(['http' => [
        'method' => 'POST', 'header' => "Content-Type: application/json\r\n", 'content' => json_encode($body)]]));
}

$log = [];
$client = new ApiClient("$erp/api/v2", [
    'auth' => ['type' => 'bearer', 'token' => 'erp-demo-token-0001'],
    'timeout' => 5.0,
    'retry' => ['max_attempts' => 4, 'base_delay_ms' => 50, 'max_delay_ms' => 2000],
    'log' => function (array $record) use (&$log): void { $log[] = $record; },
]);
printf("Conduit %s — talking to the mock ERP at %s\n", ApiClient::VERSION, $erp);

section('Plain calls');
$t = microtime(true);
$order = $client->request('POST', '/orders', ['json' => ['id' => 1001, 'sum' => 4990.0], 'idempotency_key' => 'order-1001']);
line('POST /orders (JSON in, decoded array out)', "echoed path {$order['path']}", $t);
$t = microtime(true);
$r = $client->send('GET', '/items', ['query' => ['page' => 2], 'headers' => ['X-Mock-Latency-Ms' => '30']]);
line('GET /items?page=2 (30 ms server latency)', "HTTP {$r->getStatus()}, {$r->getAttempts()} attempt", $t);

section('A flaky endpoint: 503, 503, then 200 — retried with backoff');
admin($erp, '/__admin/script', ['path' => '/api/v2/stock', 'responses' => [['status' => 503], ['status' => 503], ['status' => 200, 'json' => ['sku' => 'A-1', 'qty' => 7]]]]);
$t = microtime(true);
$stock = $client->send('GET', '/stock');
line('GET /stock', "qty {$stock->json()['qty']} after {$stock->getAttempts()} attempts", $t);

section('A business error is not retried');
$t = microtime(true);
try {
    $client->send('POST', '/orders', ['json' => ['sku' => 'nope'], 'headers' => ['X-Mock-Status' => '422', 'X-Mock-Body' => '{"error":"unknown sku"}']]);
} catch (ApiException $e) {
    line('POST /orders with a bad SKU', get_class($e) . " {$e->getStatusCode()} ×{$e->getAttempts()}", $t);
}

section('Server says "slow down": Retry-After honoured, or handed back when too long');
admin($erp, '/__admin/script', ['path' => '/api/v2/prices', 'responses' => [['status' => 429, 'headers' => ['Retry-After' => '1']], ['status' => 200]]]);
$t = microtime(true);
$r = $client->send('GET', '/prices');
line('GET /prices (429, Retry-After: 1)', "HTTP {$r->getStatus()} after waiting", $t);
$t = microtime(true);
try {
    $client->send('GET', '/reports', ['headers' => ['X-Mock-Status' => '429', 'X-Mock-Retry-After' => '600']]);
} catch (RateLimitException $e) {
    line('GET /reports (429, Retry-After: 600)', "RateLimitException, retry in {$e->getRetryAfter()} s", $t);
}

section('Client-side rate limit: 20 requests at 10/s with a burst of 5');
$limited = new ApiClient("$erp/api/v2", ['rate_limit' => ['per_second' => 10, 'burst' => 5]]);
$t = microtime(true);
$results = $limited->sendMany(array_fill(0, 20, ['GET', '/catalog']), ['concurrency' => 20]);
line('20 × GET /catalog', count(array_filter($results, fn ($r) => $r instanceof Response)) . ' ok, paced to the limit', $t);

section('Circuit breaker: the ERP goes down, we stop hammering it, it comes back');
$fragile = new ApiClient("$erp/api/v2", [
    'retry' => ['max_attempts' => 1],
    'circuit_breaker' => ['failure_ratio' => 0.5, 'min_calls' => 5, 'open_s' => 1.0],
]);
$t = microtime(true);
$failures = 0;
for ($i = 0; $i < 5; $i++) {
    try {
        $fragile->send('GET', '/health', ['headers' => ['X-Mock-Status' => '503']]);
    } catch (ApiException $e) {
        $failures++;
    }
}
line("5 × GET /health while the ERP answers 503", "$failures failures, circuit {$fragile->getCircuitState()}", $t);
$t = microtime(true);
try {
    $fragile->send('GET', '/health');
} catch (CircuitOpenException $e) {
    line('GET /health while open', sprintf('fails fast, retry in %.2f s', $e->getRetryAfter()), $t);
}
usleep(1_050_000);
$t = microtime(true);
$fragile->send('GET', '/health');
line('GET /health after open_s (half-open probe)', "ok, circuit {$fragile->getCircuitState()}", $t);

section('Fan-out: 200 product updates, 20 ms each, 25 at a time');
$requests = [];
for ($i = 1; $i <= 200; $i++) {
    $requests[] = ['PUT', "/products/$i", ['json' => ['price' => $i * 10], 'headers' => ['X-Mock-Latency-Ms' => '20', 'X-Mock-Status' => $i % 50 ? '200' : '404']]];
}
$t = microtime(true);
$results = $client->sendMany($requests, ['concurrency' => 25]);
$ok = count(array_filter($results, fn ($r) => $r instanceof Response));
line('200 × PUT /products/{id}', "$ok ok, " . (200 - $ok) . ' failed (404s, kept in place)', $t);
printf("  %-52s %-34s %7.1f ms\n", 'sequential would take at least', '', 200 * 20);

section('What the log saw');
$attempts = count($log);
$leaks = substr_count(json_encode($log), 'erp-demo-token-0001');
printf("  %d attempt records; token occurrences in them: %d; sample:\n", $attempts, $leaks);
$sample = $log[2] ?? $log[0];
printf("    %s %s → %s in %.1f ms (attempt %d, correlation %s, authorization: %s)\n",
    $sample['method'], $sample['url'], $sample['status'] ?? $sample['error_class'], $sample['duration_ms'],
    $sample['attempt'], $sample['correlation_id'], $sample['request_headers']['authorization'] ?? '-');

section('Durable queue: 300 order exports delivered in the background');
$dbFile = sys_get_temp_dir() . '/conduit-demo-' . getmypid() . '.db';
$store = new Conduit\Store("sqlite://$dbFile");
$store->migrate();
$queue = new Conduit\SyncQueue($store, ['backoff_base_s' => 0.05, 'backoff_max_s' => 0.3, 'max_attempts' => 5]);
$worker = new ApiClient("$erp/api/v2", [
    'auth' => ['type' => 'bearer', 'token' => 'erp-demo-token-0001'],
    'retry' => ['max_attempts' => 2, 'base_delay_ms' => 20, 'max_delay_ms' => 200],
    'rate_limit' => ['per_second' => 400, 'burst' => 20],
    'log' => $store,                       // every attempt → the request_log table
]);
$t = microtime(true);
for ($i = 1; $i <= 300; $i++) {
    $path = "/exports/order-$i";
    // A flaky ERP: every 7th order gets a 503 first, every 11th a connection reset,
    // every 13th a 429 with Retry-After; every 50th is refused for good (422).
    $first = match (true) {
        $i % 50 === 0 => ['status' => 422, 'json' => ['error' => 'order is cancelled']],
        $i % 13 === 0 => ['status' => 429, 'headers' => ['Retry-After' => '1']],
        $i % 11 === 0 => ['fault' => 'reset_before_headers'],
        $i % 7 === 0 => ['status' => 503],
        default => null,
    };
    if ($first !== null) {
        $steps = $i % 50 === 0 ? [$first] : [$first, $first];   // both client attempts fail once → the queue retries
        admin($erp, '/__admin/script', ['path' => "/api/v2$path", 'responses' => $steps, 'repeat_last' => $i % 50 === 0]);
    }
    $queue->pushRequest('POST', $path, ['json' => ['order' => $i, 'sum' => $i * 100], 'idempotency_key' => "order-$i"]);
}
line('pushRequest × 300 (each committed before returning)', $queue->count(['status' => 'pending']) . ' pending', $t);

$t = microtime(true);
$rounds = 0;
$totals = ['delivered' => 0, 'retried' => 0, 'failed' => 0];
while ($queue->count(['status' => 'pending']) > 0 && $rounds < 200) {
    $summary = $queue->runDeliveries($worker, ['limit' => 100, 'concurrency' => 32, 'time_budget_s' => 2.0]);
    foreach ($totals as $k => $_) {
        $totals[$k] += $summary[$k];
    }
    $rounds++;
    $done = $queue->count(['status' => 'done']) + $queue->count(['status' => 'failed']);
    $bar = str_repeat('█', (int) round($done / 300 * 40));
    printf("\r  [%-40s] %3d/300 settled, %d retries", $bar, $done, $totals['retried']);
    if ($summary['delivered'] + $summary['retried'] + $summary['failed'] === 0) {
        usleep(100_000);   // only rescheduled jobs left: wait for their backoff / Retry-After
    }
}
echo "\n";
line("runDeliveries × $rounds rounds", "{$totals['delivered']} delivered, {$totals['failed']} dead-lettered", $t);

$stats = $queue->stats();
printf("  queue:  %s; p95 processing %.1f ms\n",
    implode(', ', array_map(fn ($k, $v) => "$k $v", array_keys($stats['by_status']), $stats['by_status'])),
    $stats['p95_processing_ms'] ?? 0);
$failed = $queue->list(['status' => 'failed'], null, 1);
if ($failed) {
    printf("  a dead letter: job %d, %d attempt(s), last error: %s\n", $failed[0]->id, $failed[0]->attempts, $failed[0]->lastError);
}
$requestLog = new Conduit\RequestLog($store);
$requestLog->flush();
$logStats = $requestLog->stats(3600);
printf("  log:    %d requests, error rate %.1f %%, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
    $logStats['requests'], $logStats['error_rate'] * 100, $logStats['p50_ms'], $logStats['p95_ms'], $logStats['p99_ms']);
$leaks = 0;
foreach ($requestLog->list([], null, 1000) as $row) {
    $leaks += substr_count(json_encode($row), 'erp-demo-token-0001');
}
printf("  token occurrences in the request_log table: %d\n", $leaks);
unset($queue, $requestLog, $worker, $store);
@unlink($dbFile); @unlink("$dbFile-wal"); @unlink("$dbFile-shm");
echo "\nDone.\n";
