<?php
/**
 * Part 3 of `make bench-http` (bench/http.php requires this file; run it alone with
 * `BENCH_HTTP_ONLY=scopes bash bench/run.sh http`): the per-call cost of
 * `rate_limit.scope` and `circuit_breaker.scope` against `process`.
 *
 * SCOPE_N sequential GETs with 0 ms latency through one ApiClient per row. The rate
 * limit is set far above the request rate (1,000,000/s, burst 1,000,000), so nothing
 * waits: the difference is the bookkeeping (a CAS on the mapped file for `host`; one
 * upsert per call for `store`, one SELECT per call for a `store` breaker). A row of
 * `Store::ping()` calls gives one database round trip for comparison. MariaDB rows
 * need 127.0.0.1:3306 as root (CONDUIT_BENCH_MARIADB=mysql://user:pass@host:port to
 * override); they are left out when it is unreachable.
 */
declare(strict_types=1);

const SCOPE_N = 3_000;

/** @return int requests that failed */
function benchScopes(string $mockUrl, int $runs): int
{
    $sqliteFile = sys_get_temp_dir() . '/conduit-bench-scopes-' . getmypid() . '.db';
    @unlink($sqliteFile);
    $stores = ['SQLite' => new Conduit\Store('sqlite://' . $sqliteFile)];
    $mariadbUrl = getenv('CONDUIT_BENCH_MARIADB') ?: 'mysql://root@127.0.0.1:3306';
    $u = parse_url($mariadbUrl);
    try {
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        $admin = new mysqli($u['host'] ?? '127.0.0.1', $u['user'] ?? 'root', $u['pass'] ?? '', '', $u['port'] ?? 3306);
        $admin->query('CREATE DATABASE IF NOT EXISTS conduit_bench_scopes CHARACTER SET utf8mb4');
        $stores['MariaDB'] = new Conduit\Store(rtrim($mariadbUrl, '/') . '/conduit_bench_scopes');
    } catch (Throwable $e) {
        fwrite(STDERR, "scopes: MariaDB left out ({$e->getMessage()})\n");
    }
    foreach ($stores as $store) {
        $store->migrate();
    }
    $rl = static fn (string $scope, ?Conduit\Store $store = null): array => ['rate_limit' => array_filter(
        ['per_second' => 1_000_000, 'burst' => 1_000_000, 'scope' => $scope, 'key' => 'bench-' . getmypid(), 'store' => $store],
    )];
    $cb = static fn (string $scope, ?Conduit\Store $store = null): array => ['circuit_breaker' => array_filter(
        ['scope' => $scope, 'key' => 'bench-' . getmypid(), 'store' => $store],
    )];
    $rows = [
        'no limit, no breaker' => [],
        '`rate_limit` scope `process`' => $rl('process'),
        '`rate_limit` scope `host`' => $rl('host'),
        '`circuit_breaker` scope `process`' => $cb('process'),
        '`circuit_breaker` scope `host`' => $cb('host'),
    ];
    foreach ($stores as $engine => $store) {
        $rows["`rate_limit` scope `store` ($engine)"] = $rl('store', $store);
        $rows["`circuit_breaker` scope `store` ($engine)"] = $cb('store', $store);
    }
    $contenders = [];
    foreach ($rows as $label => $options) {
        $client = new Conduit\ApiClient($mockUrl, $options);
        $slug = 'scope-' . substr(md5($label), 0, 8);
        $contenders[$label] = [$slug, SCOPE_N, function (string $path, Measurement $m, bool $warmup) use ($client): void {
            $n = $warmup ? 300 : SCOPE_N;
            for ($i = 0; $i < $n; $i++) {
                $r = $client->send('GET', $path);
                if ($r->getStatus() !== 200) {
                    $m->fail('HTTP ' . $r->getStatus());
                }
            }
        }];
    }
    fwrite(STDERR, "scopes: " . SCOPE_N . " sequential GETs per row, best of $runs\n");
    $measured = measureAll($contenders, $runs);

    $ping = [];
    foreach ($stores as $engine => $store) {
        $best = INF;
        for ($r = 0; $r < $runs; $r++) {
            $t = hrtime(true);
            for ($i = 0; $i < 1000; $i++) {
                $store->ping();
            }
            $best = min($best, (hrtime(true) - $t) / 1e3 / 1000);
        }
        $ping[$engine] = $best;
    }

    $us = static fn (Measurement $m): float => $m->best() / SCOPE_N * 1e6;
    printf("\n### 3. Shared limits: per-call cost of each scope, %s sequential GETs, 0 ms latency\n\n", number_format(SCOPE_N));
    echo "| contender | µs/call | + µs vs `process` | runs (s) | failed |\n|---|---:|---:|---|---:|\n";
    $base = ['rate_limit' => $us($measured['`rate_limit` scope `process`']), 'circuit_breaker' => $us($measured['`circuit_breaker` scope `process`'])];
    $failed = 0;
    foreach ($measured as $label => $m) {
        $kind = str_contains($label, 'rate_limit') ? 'rate_limit' : (str_contains($label, 'circuit_breaker') ? 'circuit_breaker' : null);
        $delta = $kind === null || str_contains($label, '`process`') ? '—' : sprintf('%+.1f', $us($m) - $base[$kind]);
        printf("| %s | %.1f | %s | %s | %d |\n", $label, $us($m), $delta, implode(' / ', array_map(static fn ($s) => sprintf('%.3f', $s), $m->runs)), $m->failures);
        $failed += $m->failures + ($m->requests !== $m->expected ? 1 : 0);
    }
    foreach ($ping as $engine => $t) {
        printf("| one `Store::ping()` round trip (%s), for comparison | %.1f | | | |\n", $engine, $t);
    }
    $hostDelta = $us($measured['`rate_limit` scope `host`']) - $base['rate_limit'];
    echo "\n| target | measured | result |\n|---|---|---|\n";
    printf("| `host` adds < 2 µs per call | %+.1f µs | %s |\n", $hostDelta, $hostDelta < 2.0 ? '**PASS**' : '**MISS**');
    foreach ($stores as $engine => $_) {
        $d = $us($measured["`rate_limit` scope `store` ($engine)"]) - $base['rate_limit'];
        printf("| `store` (%s) adds < one round trip (%.1f µs) | %+.1f µs | %s |\n", $engine, $ping[$engine], $d, $d < $ping[$engine] ? '**PASS**' : '**MISS** (a write costs more than a SELECT 1)');
    }
    @unlink($sqliteFile);
    @unlink("$sqliteFile-wal");
    @unlink("$sqliteFile-shm");
    return $failed;
}
