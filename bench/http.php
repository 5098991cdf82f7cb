<?php
/**
 * `make bench-http` (bash bench/run.sh http): Conduit\ApiClient against the usual
 * PHP ways of calling an HTTP API, all against the mock API on 127.0.0.1.
 *
 *  1. Fan-out: 1,000 GETs with 20 ms server latency at concurrency 50 —
 *     Conduit sendMany vs curl_multi vs Guzzle 7 Pool vs sequential cURL with a new
 *     handle per request — beside the physical limit N × latency / concurrency.
 *  2. Per-call overhead: 10,000 sequential GETs with 0 ms latency — Conduit send vs
 *     cURL with one reused handle vs a new cURL handle per request vs Guzzle.
 *  3. Shared limits (bench/http-scopes.php): per-call cost of rate_limit.scope and
 *     circuit_breaker.scope host/store against process. BENCH_HTTP_ONLY=scopes runs
 *     only this part.
 *
 * Each contender is warmed up, then measured BENCH_RUNS times (default 3); the best
 * run is reported. Every response is checked for status 200. Prints markdown to
 * stdout (progress goes to stderr). Exit code 1 if any request failed; a missed
 * target is reported, not an error.
 */
declare(strict_types=1);

$mockUrl = getenv('CONDUIT_MOCK_URL') ?: '';
if ($mockUrl === '') {
    fwrite(STDERR, "CONDUIT_MOCK_URL is not set: run through `bash bench/run.sh http`\n");
    exit(2);
}
if (!extension_loaded('conduit')) {
    fwrite(STDERR, "the conduit extension is not loaded\n");
    exit(2);
}
if (!extension_loaded('curl')) {
    fwrite(STDERR, "the curl extension (php8.2-curl) is required for the baselines\n");
    exit(2);
}
$guzzleAutoload = '/usr/share/php/GuzzleHttp/autoload.php';   // Debian php-guzzlehttp-guzzle
if (!is_file($guzzleAutoload)) {
    fwrite(STDERR, "Guzzle not found at $guzzleAutoload (Debian package php-guzzlehttp-guzzle)\n");
    exit(2);
}
require $guzzleAutoload;

const FAN_N = 1_000;
const FAN_LATENCY_MS = 20;
const FAN_CONCURRENCY = 50;
const CALL_N = 10_000;
const FAN_LIMIT_S = FAN_N * FAN_LATENCY_MS / 1000 / FAN_CONCURRENCY;   // 0.4 s
$runs = max(1, (int) (getenv('BENCH_RUNS') ?: 3));

// ---------------------------------------------------------------------------------
// Plumbing: mock admin over plain PHP streams (never the clients under test).

function mockAdmin(string $method, string $path): array
{
    global $mockUrl;
    $ctx = stream_context_create(['http' => ['method' => $method, 'timeout' => 30, 'header' => "Connection: close\r\n"]]);
    $raw = file_get_contents($mockUrl . $path, false, $ctx);
    $data = json_decode((string) $raw, true);
    if (!is_array($data)) {
        throw new RuntimeException("mock admin $method $path answered " . var_export($raw, true));
    }
    return $data;
}

final class Measurement
{
    /** @var list<float> seconds per run */
    public array $runs = [];
    public int $failures = 0;
    /** @var list<string> */
    public array $failureSamples = [];
    /** New TCP connections the mock accepted during the best run. */
    public int $connections = 0;
    public int $maxInFlight = 0;
    public int $requests = 0;
    public int $expected = 0;

    public function best(): float
    {
        return min($this->runs);
    }

    public function fail(string $what): void
    {
        $this->failures++;
        if (count($this->failureSamples) < 5) {
            $this->failureSamples[] = $what;
        }
    }
}

/**
 * Warms every contender up, then runs them in interleaved rounds (round 1 of each,
 * then round 2 of each…) so a load spike on a shared machine hits all of them rather
 * than one contender's block of runs. Each run gets a fresh mock record set so the
 * mock's stats describe exactly that run. The best run counts.
 *
 * @param array<string, array{string, int, callable(string, Measurement, bool): void}> $contenders
 *        label => [slug, expected request count, run(path, measurement, warmup)]
 * @return array<string, Measurement>
 */
function measureAll(array $contenders, int $runs): array
{
    $out = [];
    foreach ($contenders as $label => [$slug, $expected, $run]) {
        $m = new Measurement();
        $m->expected = $expected;
        $run("/bench/$slug/warmup", $m, true);
        $m->failures = 0;
        $m->failureSamples = [];
        $out[$label] = $m;
    }
    for ($r = 1; $r <= $runs; $r++) {
        fwrite(STDERR, "  round $r/$runs:");
        foreach ($contenders as $label => [$slug, , $run]) {
            $m = $out[$label];
            mockAdmin('POST', '/__admin/reset');
            $path = "/bench/$slug/run$r";
            $t = hrtime(true);
            $run($path, $m, false);
            $seconds = (hrtime(true) - $t) / 1e9;
            $stats = mockAdmin('GET', '/__admin/stats?path_prefix=' . rawurlencode($path));
            if ($m->runs === [] || $seconds < min($m->runs)) {
                // The stats request's own connection is the one admin connection counted.
                $m->connections = $stats['connections_opened'] - 1;
                $m->maxInFlight = $stats['max_in_flight'];
                $m->requests = $stats['requests'];
            }
            $m->runs[] = $seconds;
            fwrite(STDERR, sprintf('  %s %.3f s', $slug, $seconds));
        }
        fwrite(STDERR, "\n");
    }
    return $out;
}

function curlCheck(CurlHandle $ch, Measurement $m, string|bool $body, int $errno = 0): void
{
    $code = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    if ($body === false || $errno !== 0 || $code !== 200) {
        $m->fail("cURL: HTTP $code, errno " . ($errno ?: curl_errno($ch)) . ' ' . curl_error($ch));
    }
}

// ---------------------------------------------------------------------------------
// The contenders.

$conduit = new Conduit\ApiClient($mockUrl, ['timeout' => 30.0]);
$guzzle = new GuzzleHttp\Client(['base_uri' => $mockUrl, 'http_errors' => false, 'timeout' => 30]);
$latencyHeader = ['X-Mock-Latency-Ms' => (string) FAN_LATENCY_MS];

// curl_multi: one multi handle and FAN_CONCURRENCY easy handles, kept across runs so
// their connections are reused (the same courtesy Conduit's pool and Guzzle get).
require __DIR__ . '/http-scopes.php';
if (getenv('BENCH_HTTP_ONLY') === 'scopes') {
    echo "## HTTP benchmark (`make bench-http`), part 3 only\n";
    exit(benchScopes($mockUrl, $runs) > 0 ? 1 : 0);
}

$multi = curl_multi_init();
$easy = [];
for ($i = 0; $i < FAN_CONCURRENCY; $i++) {
    $ch = curl_init();
    curl_setopt_array($ch, [
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ['X-Mock-Latency-Ms: ' . FAN_LATENCY_MS],
        CURLOPT_TIMEOUT => 30,
    ]);
    $easy[] = $ch;
}

$fanConduit = function (string $path, Measurement $m, bool $warmup) use ($conduit, $latencyHeader): void {
    $n = $warmup ? 200 : FAN_N;
    $requests = [];
    for ($i = 0; $i < $n; $i++) {
        $requests[] = ['GET', $path, ['headers' => $latencyHeader]];
    }
    foreach ($conduit->sendMany($requests, ['concurrency' => FAN_CONCURRENCY]) as $i => $r) {
        if (!$r instanceof Conduit\Response || $r->getStatus() !== 200) {
            $m->fail("Conduit #$i: " . ($r instanceof Throwable ? get_class($r) . ': ' . $r->getMessage() : 'HTTP ' . $r->getStatus()));
        }
    }
};

$fanCurlMulti = function (string $path, Measurement $m, bool $warmup) use ($multi, $easy, $mockUrl): void {
    $n = $warmup ? 200 : FAN_N;
    $url = $mockUrl . $path;
    $started = 0;
    $done = 0;
    foreach ($easy as $ch) {
        if ($started >= $n) {
            break;
        }
        curl_setopt($ch, CURLOPT_URL, $url);
        curl_multi_add_handle($multi, $ch);
        $started++;
    }
    while ($done < $n) {
        do {
            $status = curl_multi_exec($multi, $active);
        } while ($status === CURLM_CALL_MULTI_PERFORM);
        $refilled = false;
        while ($info = curl_multi_info_read($multi)) {
            $ch = $info['handle'];
            curlCheck($ch, $m, curl_multi_getcontent($ch) ?? false, $info['result']);
            curl_multi_remove_handle($multi, $ch);
            $done++;
            if ($started < $n) {          // refill: keep FAN_CONCURRENCY in flight
                curl_multi_add_handle($multi, $ch);
                $started++;
                $refilled = true;
            }
        }
        if (!$refilled && $done < $n && curl_multi_select($multi, 1.0) === -1) {
            usleep(100);
        }
    }
};

$fanGuzzlePool = function (string $path, Measurement $m, bool $warmup) use ($guzzle, $latencyHeader): void {
    $n = $warmup ? 200 : FAN_N;
    $requests = (function () use ($n, $path, $latencyHeader) {
        for ($i = 0; $i < $n; $i++) {
            yield new GuzzleHttp\Psr7\Request('GET', $path, $latencyHeader);
        }
    })();
    $pool = new GuzzleHttp\Pool($guzzle, $requests, [
        'concurrency' => FAN_CONCURRENCY,
        'fulfilled' => function ($response, $i) use ($m): void {
            if ($response->getStatusCode() !== 200) {
                $m->fail("Guzzle #$i: HTTP " . $response->getStatusCode());
            }
        },
        'rejected' => function ($reason, $i) use ($m): void {
            $m->fail("Guzzle #$i: " . ($reason instanceof Throwable ? $reason->getMessage() : (string) $reason));
        },
    ]);
    $pool->promise()->wait();
};

// "Five lines of cURL" / Bitrix HttpClient: one request at a time, a new handle each.
$newHandle = function (string $url, array $headers, Measurement $m): void {
    $ch = curl_init($url);
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => $headers, CURLOPT_TIMEOUT => 30]);
    $body = curl_exec($ch);
    curlCheck($ch, $m, $body);
    curl_close($ch);
};

$fanSequential = function (string $path, Measurement $m, bool $warmup) use ($newHandle, $mockUrl): void {
    $n = $warmup ? 10 : FAN_N;
    for ($i = 0; $i < $n; $i++) {
        $newHandle($mockUrl . $path, ['X-Mock-Latency-Ms: ' . FAN_LATENCY_MS], $m);
    }
};

$callConduit = function (string $path, Measurement $m, bool $warmup) use ($conduit): void {
    $n = $warmup ? 500 : CALL_N;
    for ($i = 0; $i < $n; $i++) {
        $r = $conduit->send('GET', $path);
        if ($r->getStatus() !== 200) {
            $m->fail('Conduit: HTTP ' . $r->getStatus());
        }
    }
};

$reused = curl_init();
curl_setopt_array($reused, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 30]);
$callCurlReused = function (string $path, Measurement $m, bool $warmup) use ($reused, $mockUrl): void {
    $n = $warmup ? 500 : CALL_N;
    curl_setopt($reused, CURLOPT_URL, $mockUrl . $path);
    for ($i = 0; $i < $n; $i++) {
        $body = curl_exec($reused);
        curlCheck($reused, $m, $body);
    }
};

$callCurlNew = function (string $path, Measurement $m, bool $warmup) use ($newHandle, $mockUrl): void {
    $n = $warmup ? 500 : CALL_N;
    for ($i = 0; $i < $n; $i++) {
        $newHandle($mockUrl . $path, [], $m);
    }
};

$callGuzzle = function (string $path, Measurement $m, bool $warmup) use ($guzzle): void {
    $n = $warmup ? 500 : CALL_N;
    for ($i = 0; $i < $n; $i++) {
        $r = $guzzle->request('GET', $path);
        if ($r->getStatusCode() !== 200) {
            $m->fail('Guzzle: HTTP ' . $r->getStatusCode());
        }
    }
};

// ---------------------------------------------------------------------------------
// Run.

$cpu = 'unknown';
if (preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $mm)) {
    $cpu = trim($mm[1]);
}
$nproc = (int) trim((string) shell_exec('nproc 2>/dev/null')) ?: 0;

fwrite(STDERR, "warming up, then interleaved rounds\nfan-out: " . FAN_N . " GETs, " . FAN_LATENCY_MS . " ms latency, concurrency " . FAN_CONCURRENCY . ", best of $runs\n");
$load = static fn (): string => implode(' ', array_map(static fn ($x) => sprintf('%.2f', $x), sys_getloadavg() ?: []));
$loadBefore = $load();
$fan = measureAll([
    'Conduit `sendMany` (concurrency 50)' => ['fan-conduit', FAN_N, $fanConduit],
    '`curl_multi` (50 handles, refilled, keep-alive)' => ['fan-curlmulti', FAN_N, $fanCurlMulti],
    'Guzzle 7 `Pool` (concurrency 50)' => ['fan-guzzle', FAN_N, $fanGuzzlePool],
    'sequential cURL, new handle per request' => ['fan-seq', FAN_N, $fanSequential],
], $runs);
fwrite(STDERR, "per-call: " . CALL_N . " sequential GETs, 0 ms latency, best of $runs\n");
$call = measureAll([
    'Conduit `send`' => ['call-conduit', CALL_N, $callConduit],
    'cURL, one reused handle' => ['call-curl', CALL_N, $callCurlReused],
    'cURL, new handle per request' => ['call-curlnew', CALL_N, $callCurlNew],
    'Guzzle 7, one client' => ['call-guzzle', CALL_N, $callGuzzle],
], $runs);
$loadAfter = $load();

// ---------------------------------------------------------------------------------
// Report.

$fmtRuns = static fn (Measurement $m): string => implode(' / ', array_map(static fn ($s) => sprintf('%.3f', $s), $m->runs));
$us = static fn (Measurement $m): float => $m->best() / CALL_N * 1e6;

echo "## HTTP benchmark (`make bench-http`)\n\n";
printf("Machine: %d CPU(s), %s; Linux %s; PHP %s; conduit %s; libcurl %s; Guzzle %d. The mock API (2 tokio threads) runs on the same machine, on 127.0.0.1.\n",
    $nproc, $cpu, php_uname('r'), PHP_VERSION, phpversion('conduit') ?: Conduit\ApiClient::VERSION, curl_version()['version'], GuzzleHttp\ClientInterface::MAJOR_VERSION);
printf("Load average (1/5/15 min) before: %s, after: %s — numbers from a busy machine are noisy.\n", $loadBefore, $loadAfter);
printf("Each contender is warmed up, then run %d times in interleaved rounds; **the best run is reported** (all runs in the \"runs\" column). Every response is checked for HTTP 200.\n\n", $runs);

printf("### 1. Fan-out: %s GETs, %d ms server latency, concurrency %d\n\n", number_format(FAN_N), FAN_LATENCY_MS, FAN_CONCURRENCY);
printf("Physical limit: N × latency / concurrency = %d × %d ms / %d = **%.3f s**\n\n", FAN_N, FAN_LATENCY_MS, FAN_CONCURRENCY, FAN_LIMIT_S);
echo "| contender | best (s) | × physical limit (0.400 s) | runs (s) | new TCP connections | max in flight | failed |\n";
echo "|---|---:|---:|---|---:|---:|---:|\n";
foreach ($fan as $label => $m) {
    printf("| %s | %.3f | %.2f× | %s | %d | %d | %d |\n", $label, $m->best(), $m->best() / FAN_LIMIT_S, $fmtRuns($m), $m->connections, $m->maxInFlight, $m->failures);
}

printf("\n### 2. Per-call overhead: %s sequential GETs, 0 ms latency\n\n", number_format(CALL_N));
$base = $call['cURL, one reused handle'];
echo "| contender | best (s) | µs/call | × cURL reused handle | runs (s) | new TCP connections | failed |\n";
echo "|---|---:|---:|---:|---|---:|---:|\n";
foreach ($call as $label => $m) {
    printf("| %s | %.3f | %.1f | %.2f× | %s | %d | %d |\n", $label, $m->best(), $us($m), $m->best() / $base->best(), $fmtRuns($m), $m->connections, $m->failures);
}

$fc = $fan['Conduit `sendMany` (concurrency 50)'];
$fm = $fan['`curl_multi` (50 handles, refilled, keep-alive)'];
$fg = $fan['Guzzle 7 `Pool` (concurrency 50)'];
$cc = $call['Conduit `send`'];
$cn = $call['cURL, new handle per request'];
$verdict = static fn (bool $ok): string => $ok ? '**PASS**' : '**MISS**';
$targets = [
    ['Fan-out within 1.15× of the physical limit (≤ ' . sprintf('%.3f', 1.15 * FAN_LIMIT_S) . ' s)',
        sprintf('%.3f s = %.2f×', $fc->best(), $fc->best() / FAN_LIMIT_S), $fc->best() <= 1.15 * FAN_LIMIT_S],
    ['Fan-out not slower than `curl_multi`',
        sprintf('%.3f s vs %.3f s (%.2f×)', $fc->best(), $fm->best(), $fc->best() / $fm->best()), $fc->best() <= $fm->best()],
    ['Fan-out not slower than Guzzle `Pool`',
        sprintf('%.3f s vs %.3f s (%.2f×)', $fc->best(), $fg->best(), $fc->best() / $fg->best()), $fc->best() <= $fg->best()],
    ['Per call not above cURL with a reused handle',
        sprintf('%.1f µs vs %.1f µs (%.2f×)', $us($cc), $us($base), $cc->best() / $base->best()), $cc->best() <= $base->best()],
    ['Per call ≥ 2× faster than a new connection per request',
        sprintf('%.1f µs vs %.1f µs (%.2f× faster)', $us($cc), $us($cn), $cn->best() / $cc->best()), $cn->best() >= 2 * $cc->best()],
];
echo "\n### Targets (issue #2)\n\n| target | measured (best of $runs) | result |\n|---|---|---|\n";
foreach ($targets as [$what, $measured, $ok]) {
    printf("| %s | %s | %s |\n", $what, $measured, $verdict($ok));
}

$failed = benchScopes($mockUrl, $runs);
foreach ([...array_values($fan), ...array_values($call)] as $m) {
    $failed += $m->failures;
}
$allLabels = array_merge(array_keys($fan), array_keys($call));
$allMeasurements = array_merge(array_values($fan), array_values($call));
if ($failed > 0) {
    echo "\n**$failed request(s) did not answer 200:**\n\n";
    foreach ($allMeasurements as $k => $m) {
        foreach ($m->failureSamples as $s) {
            echo "- {$allLabels[$k]}: $s\n";
        }
    }
}
foreach ($allMeasurements as $k => $m) {
    if ($m->requests !== $m->expected) {
        printf("\n**%s: the mock recorded %d requests in the best run, expected %d.**\n", $allLabels[$k], $m->requests, $m->expected);
        $failed++;
    }
}
exit($failed > 0 ? 1 : 0);
