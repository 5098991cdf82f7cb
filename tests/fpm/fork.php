<?php
// Fork safety: the parent uses the client (so the runtime and pool exist), then forks
// 3 children that each make requests. A child that inherited a live runtime would hang;
// the parent waits with a deadline and fails on a hang or a non-zero exit.
// Usage: php -d extension=… fork.php MOCK_URL
declare(strict_types=1);
$mock = $argv[1];
const CHILDREN = 3;
const PER_CHILD = 5;
const DEADLINE_S = 15.0;
/** The mock answers at once: a request slower than this is a stall, not load. */
const MAX_REQUEST_S = 2.0;

$fail = function (string $why): never {
    echo "  FAIL: $why\n";
    exit(1);
};
$conn = static fn (Conduit\Response $r): int => (int) $r->getHeader('x-mock-connection-id');

$client = new Conduit\ApiClient($mock, ['timeout' => 5.0]);
$r = $client->send('GET', '/fork/parent');
if ($r->getStatus() !== 200) {
    $fail('parent request: status ' . $r->getStatus());
}
$parentConn = $conn($r);
echo "  parent pid " . getmypid() . " made a request on connection $parentConn, forking " . CHILDREN . " children\n";

$children = [];
for ($i = 0; $i < CHILDREN; $i++) {
    $pid = pcntl_fork();
    if ($pid === -1) {
        $fail('pcntl_fork failed');
    }
    if ($pid === 0) {
        exit(child($i, $mock, $client, $parentConn));
    }
    $children[$pid] = $i;
}

/**
 * A child's work. Both must be fast: a client created after the fork (gets the child's
 * own runtime and pool), and the client object inherited from the parent (the way a
 * CLI worker that forks per job uses it). Returns the exit code; prints what failed.
 */
function child(int $i, string $mock, Conduit\ApiClient $inherited, int $parentConn): int
{
    $code = 0;
    $problem = function (string $what) use ($i, &$code): void {
        echo "  child $i: $what\n";
        $code = 1;
    };
    $timed = function (string $label, Conduit\ApiClient $c, string $path) use ($problem, $parentConn): void {
        $t = microtime(true);
        try {
            $r = $c->send('GET', $path);
            $s = microtime(true) - $t;
            if ($r->getStatus() !== 200) {
                $problem("$label GET $path: status {$r->getStatus()}");
            }
            if ((int) $r->getHeader('x-mock-connection-id') === $parentConn) {
                $problem("$label GET $path went over the parent's pooled connection $parentConn");
            }
            if ($s > MAX_REQUEST_S) {
                $problem(sprintf('%s GET %s took %.2f s (attempts: %d) — stalled after fork', $label, $path, $s, $r->getAttempts()));
            }
        } catch (Throwable $e) {
            $problem(sprintf('%s GET %s: %s after %.2f s: %s', $label, $path, get_class($e), microtime(true) - $t, $e->getMessage()));
        }
    };
    try {
        $fresh = new Conduit\ApiClient($mock, ['timeout' => 5.0]);
        $t = microtime(true);
        $many = $fresh->sendMany([['GET', "/fork/child$i/many-a"], ['GET', "/fork/child$i/many-b"]], ['concurrency' => 2]);
        foreach ($many as $k => $m) {
            if (!$m instanceof Conduit\Response || $m->getStatus() !== 200) {
                $problem("new client sendMany #$k: " . ($m instanceof Throwable ? get_class($m) . ': ' . $m->getMessage() : 'status ' . $m->getStatus()));
            }
        }
        if (microtime(true) - $t > MAX_REQUEST_S) {
            $problem(sprintf('new client sendMany took %.2f s', microtime(true) - $t));
        }
        for ($k = 0; $k < PER_CHILD; $k++) {
            $timed('new client', $fresh, "/fork/child$i/new$k");
        }
        for ($k = 0; $k < PER_CHILD; $k++) {
            $timed('inherited client', $inherited, "/fork/child$i/inherited$k");
        }
    } catch (Throwable $e) {
        $problem(get_class($e) . ': ' . $e->getMessage());
    }
    return $code;
}

$deadline = microtime(true) + DEADLINE_S;
$codes = [];
while ($children && microtime(true) < $deadline) {
    foreach ($children as $pid => $i) {
        $res = pcntl_waitpid($pid, $status, WNOHANG);
        if ($res === $pid) {
            $codes[$i] = pcntl_wifexited($status) ? pcntl_wexitstatus($status) : 128 + pcntl_wtermsig($status);
            unset($children[$pid]);
        }
    }
    usleep(10_000);
}
if ($children) {
    foreach ($children as $pid => $i) {
        posix_kill($pid, SIGKILL);
        pcntl_waitpid($pid, $status);
    }
    $fail(count($children) . ' child(ren) still running after ' . DEADLINE_S . ' s (hang after fork)');
}
ksort($codes);
echo '  children exit codes: ' . json_encode($codes) . "\n";
foreach ($codes as $i => $code) {
    if ($code !== 0) {
        $fail("child $i exited with $code");
    }
}
// The parent's runtime and pooled connection still work after its children ran.
$r2 = $client->send('GET', '/fork/parent-after');
if ($r2->getStatus() !== 200) {
    $fail('parent request after fork: status ' . $r2->getStatus());
}
echo "  parent request after the children: 200 on connection " . $conn($r2) . ($conn($r2) === $parentConn ? ' (same keep-alive connection)' : '') . "\n";
exit(0);
