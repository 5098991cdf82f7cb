<?php
// Checks the FPM run: every request answered 200, ≥ 2 workers served, and the mock
// saw at most one keep-alive connection per worker.
// Usage: php check.php MOCK_URL RESULTS_DIR EXPECTED_COUNT MAX_WORKERS
declare(strict_types=1);
[, $mock, $dir, $expected, $maxWorkers] = $argv;
$expected = (int) $expected;
$maxWorkers = (int) $maxWorkers;
$failures = [];

$ok = 0; $pids = []; $bad = [];
for ($i = 1; $i <= $expected; $i++) {
    $raw = @file_get_contents("$dir/$i.out");
    if ($raw !== false && preg_match('/^RESULT n=(\d+) status=200 pid=(\d+) conn=(\d+)$/m', $raw, $m) && (int) $m[1] === $i) {
        $ok++;
        $pids[(int) $m[2]] = ($pids[(int) $m[2]] ?? 0) + 1;
    } else {
        $err = @file_get_contents("$dir/$i.err");
        $bad[] = "#$i: " . trim(substr((string) $raw, 0, 300)) . ($err ? ' | stderr: ' . trim(substr($err, 0, 200)) : '');
    }
}
ksort($pids);
echo "  answered 200: $ok / $expected\n";
echo '  workers that served: ' . count($pids) . ' (pid => requests: ' . json_encode($pids) . ")\n";
if ($ok !== $expected) {
    $failures[] = ($expected - $ok) . ' request(s) not answered with 200; first: ' . implode(' || ', array_slice($bad, 0, 5));
}
if (count($pids) < 2) {
    $failures[] = 'fewer than 2 distinct worker pids served requests';
}
if (count($pids) > $maxWorkers) {
    $failures[] = 'more worker pids than pm.max_children';
}

function admin(string $url): array {
    $ctx = stream_context_create(['http' => ['timeout' => 10, 'header' => "Connection: close\r\n"]]);
    $raw = file_get_contents($url, false, $ctx);
    $data = json_decode((string) $raw, true);
    if (!is_array($data)) { fwrite(STDERR, "mock admin $url answered " . var_export($raw, true) . "\n"); exit(1); }
    return $data;
}
// Stats first: the mock was reset before the run, so connections_opened counts the
// FPM workers' connections plus exactly one admin connection (this one).
$stats = admin("$mock/__admin/stats?path_prefix=/fpm");
$records = admin("$mock/__admin/requests?path_prefix=/fpm");
$fpmConnections = $stats['connections_opened'] - 1;
$connIds = array_unique(array_column($records, 'connection_id'));
echo "  mock stats /fpm: " . json_encode($stats) . " → connections from workers: $fpmConnections\n";
echo '  mock records /fpm: ' . count($records) . ' requests over ' . count($connIds) . ' distinct connection_id(s): '
    . json_encode(array_slice(array_values($connIds), 0, 12)) . (count($connIds) > 12 ? ' …' : '') . "\n";
if ($stats['requests'] !== $expected || count($records) !== $expected) {
    $failures[] = "mock recorded {$stats['requests']} /fpm requests (records: " . count($records) . "), expected $expected";
}
if ($fpmConnections > $maxWorkers) {
    $failures[] = "mock stats: $fpmConnections connections opened for $maxWorkers workers (keep-alive not reused)";
}
if (count($connIds) > $maxWorkers) {
    $failures[] = count($connIds) . " distinct connection_ids for $maxWorkers workers (keep-alive not reused)";
}
foreach ($failures as $f) {
    echo "  FAIL: $f\n";
}
exit($failures ? 1 : 0);
