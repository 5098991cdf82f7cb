<?php
// Sends COUNT FastCGI requests (PARALLEL at a time, cgi-fcgi) to outage-worker.php and
// measures, per request, the time from the script's last line to the end of the
// FastCGI response: request end (destructors, RSHUTDOWN, object frees).
// Usage: php outage-drive.php PORT WORKER_SCRIPT PHASE COUNT PARALLEL
// Prints one summary line: "ok=N errors=E added_ms p50=… p99=… max=…"; exit 1 when
// a request failed.
declare(strict_types=1);
[, $port, $script, $phase, $count, $parallel] = $argv;
[$count, $parallel] = [(int) $count, (int) $parallel];
$env = fn(int $n) => [
    'SCRIPT_FILENAME' => $script, 'SCRIPT_NAME' => '/' . basename($script), 'REQUEST_METHOD' => 'GET',
    'QUERY_STRING' => "n=$n&phase=$phase", 'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1',
    'REMOTE_ADDR' => '127.0.0.1', 'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
];
$running = [];
$next = 1;
$added = [];
$errors = [];
while ($next <= $count || $running) {
    while (count($running) < $parallel && $next <= $count) {
        $p = proc_open(['cgi-fcgi', '-bind', '-connect', "127.0.0.1:$port"], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env($next));
        stream_set_blocking($pipes[1], false);
        $running[$next] = ['proc' => $p, 'out' => $pipes[1], 'err' => $pipes[2], 'buf' => '', 'started' => microtime(true)];
        $next++;
    }
    $read = array_map(fn($r) => $r['out'], $running);
    $w = $e = null;
    if (@stream_select($read, $w, $e, 1) === false) {
        break;
    }
    foreach ($running as $n => &$r) {
        $chunk = fread($r['out'], 65536);
        if ($chunk !== false && $chunk !== '') {
            $r['buf'] .= $chunk;
        }
        if (feof($r['out'])) {
            $done = microtime(true);
            fclose($r['out']);
            $stderr = stream_get_contents($r['err']);
            fclose($r['err']);
            proc_close($r['proc']);
            if (preg_match('/^RESULT n=(\d+) phase=\w+ pid=\d+ accepted=(\d+) spooled=\d+ dropped=(\d+) end=([\d.]+)$/m', $r['buf'], $m) && (int) $m[1] === $n) {
                $added[] = ($done - (float) $m[4]) * 1000.0;
            } else {
                $errors[] = "#$n: " . trim(substr($r['buf'], 0, 300)) . ($stderr ? " | $stderr" : '');
            }
            unset($running[$n]);
        } elseif (microtime(true) - $r['started'] > 30) {
            $errors[] = "#$n: no answer in 30 s";
            proc_terminate($r['proc'], SIGKILL);
            unset($running[$n]);
        }
    }
    unset($r);
}
sort($added);
$q = fn(float $p) => $added ? $added[min(count($added) - 1, (int) ceil($p * count($added)) - 1)] : NAN;
printf("ok=%d errors=%d added_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f\n", count($added), count($errors), $q(0.5), $q(0.9), $q(0.99), $added ? max($added) : NAN);
foreach (array_slice($errors, 0, 5) as $err) {
    fwrite(STDERR, "  $err\n");
}
exit($errors ? 1 : 0);
