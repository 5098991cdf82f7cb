<?php
// One FastCGI request = one PHP request in an FPM worker: a fresh ApiClient, one call.
// The keep-alive pool underneath lives in the worker process and must be reused.
declare(strict_types=1);
header('Content-Type: text/plain');
$n = $_GET['n'] ?? '0';
try {
    $client = new Conduit\ApiClient((string) getenv('CONDUIT_MOCK_URL'), ['timeout' => 10.0, 'connect_timeout' => 3.0]);
    $r = $client->send('GET', '/fpm/req', ['query' => ['n' => $n]]);
    printf("RESULT n=%s status=%d pid=%d conn=%s\n", $n, $r->getStatus(), getmypid(), $r->getHeader('x-mock-connection-id') ?? '?');
} catch (Throwable $e) {
    printf("RESULT n=%s status=ERR pid=%d error=%s: %s\n", $n, getmypid(), get_class($e), str_replace("\n", ' ', $e->getMessage()));
}
