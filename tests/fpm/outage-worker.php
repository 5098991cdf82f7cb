<?php
// One FastCGI request of tests/fpm/outage.sh: logs CONDUIT_OUTAGE_RECORDS request-log
// records (RequestLog::record) to the store of CONDUIT_OUTAGE_DSN and prints when the
// script itself ended; everything after that line — destructors, the extension's
// request-end flush, the Store's destruction — is what the driver measures.
declare(strict_types=1);
header('Content-Type: text/plain');
$n = (int) ($_GET['n'] ?? 0);
$phase = preg_replace('/[^a-z]/', '', (string) ($_GET['phase'] ?? 'x'));
$records = (int) getenv('CONDUIT_OUTAGE_RECORDS');
try {
    $store = new Conduit\Store((string) getenv('CONDUIT_OUTAGE_DSN'), ['connect_timeout_s' => 1]);
    $log = new Conduit\RequestLog($store);
    $accepted = 0;
    for ($i = 0; $i < $records; $i++) {
        $accepted += (int) $log->record([
            'method' => 'POST',
            'url' => "https://erp.example.com/outage/$phase/$n/$i",
            'status' => 200,
            'duration_ms' => 1.0,
            'correlation_id' => "outage-$phase-$n-$i",
        ]);
    }
    $w = $log->writerStats();
    printf("RESULT n=%d phase=%s pid=%d accepted=%d spooled=%d dropped=%d end=%.6f\n", $n, $phase, getmypid(), $accepted, $w['spooled'], $w['dropped'], microtime(true));
} catch (Throwable $e) {
    printf("RESULT n=%d phase=%s pid=%d error=%s: %s end=%.6f\n", $n, $phase, getmypid(), get_class($e), str_replace("\n", ' ', $e->getMessage()), microtime(true));
}
