<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\CircuitOpenException;
use Conduit\ConfigException;
use Conduit\Tests\Support\LimitWorkers;
use Conduit\Tests\Support\MockApi;
use Conduit\Tests\Support\PhpProcess;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../Support/LimitWorkers.php';

/** rate_limit.scope / circuit_breaker.scope "process" and "host" (store: tests/php/Queue/SharedLimitsStoreTest). */
final class SharedLimitsTest extends TestCase
{
    private const SECONDS = 4.0;
    private const PER_SECOND = 50;
    private const BURST = 5;

    private static function limit(string $scope): array
    {
        return ['rate_limit' => ['per_second' => self::PER_SECOND, 'burst' => self::BURST, 'scope' => $scope, 'key' => 'test-' . bin2hex(random_bytes(6))]];
    }

    public function testHostScopeHoldsEightProcessesToOneBudget(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        [$start, $counts] = LimitWorkers::run(8, self::limit('host'), $mock->url(), "$prefix/x", self::SECONDS);
        $seen = LimitWorkers::inWindow($mock->requests($prefix), $start, self::SECONDS);
        $bound = (int) (self::PER_SECOND * self::SECONDS) + self::BURST;
        fwrite(STDERR, sprintf("\n[host] mock saw %d requests in %.0f s (bound %d), per worker %s\n", $seen, self::SECONDS, $bound, json_encode($counts)));
        self::assertLessThanOrEqual($bound + 1, $seen, 'per_second × seconds + burst (+1 for the window edge)');
        self::assertGreaterThanOrEqual((int) ($bound * 0.8), $seen, 'the budget is used, not starved');
        self::assertCount(8, array_filter($counts), 'every worker got a share');
    }

    /** Documents why the option exists: per process, 8 workers send 8 budgets. */
    public function testProcessScopeLetsEightProcessesExceedTheBudget(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        [$start, $counts] = LimitWorkers::run(8, self::limit('process'), $mock->url(), "$prefix/x", self::SECONDS);
        $seen = LimitWorkers::inWindow($mock->requests($prefix), $start, self::SECONDS);
        $bound = (int) (self::PER_SECOND * self::SECONDS) + self::BURST;
        fwrite(STDERR, sprintf("\n[process] mock saw %d requests in %.0f s (one budget is %d), per worker %s\n", $seen, self::SECONDS, $bound, json_encode($counts)));
        self::assertGreaterThan(3 * $bound, $seen);
    }

    public function testTwoClientsWithOneKeyShareABudget(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $options = ['rate_limit' => ['per_second' => 2, 'burst' => 1, 'scope' => 'host', 'key' => 'shared-' . bin2hex(random_bytes(4))]];
        $a = new ApiClient($mock->url(), $options + ['timeout' => 5]);
        $b = new ApiClient($mock->url(), $options);
        $t = microtime(true);
        $a->request('GET', "$prefix/a");
        $b->request('GET', "$prefix/b");
        self::assertGreaterThan(0.4, microtime(true) - $t, 'the second client waited for the first one\'s slot');
    }

    /** @dataProvider badOptions */
    public function testBadScopeOptionsNameTheOption(array $options, string $message): void
    {
        try {
            new ApiClient(MockApi::get()->url(), $options);
            self::fail('no exception');
        } catch (ConfigException $e) {
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    public static function badOptions(): array
    {
        return [
            'unknown scope' => [['rate_limit' => ['per_second' => 1, 'scope' => 'cluster']], 'rate_limit.scope'],
            'scope not a string' => [['circuit_breaker' => ['scope' => 3]], 'circuit_breaker.scope'],
            'store scope without a store' => [['rate_limit' => ['per_second' => 1, 'scope' => 'store']], 'rate_limit.store'],
            'breaker store scope without a store' => [['circuit_breaker' => ['scope' => 'store']], 'circuit_breaker.store'],
            'a store that is not a Store' => [['rate_limit' => ['per_second' => 1, 'scope' => 'store', 'store' => new \stdClass()]], 'rate_limit.store'],
            'a store with host scope' => [['rate_limit' => ['per_second' => 1, 'scope' => 'host', 'store' => true]], 'rate_limit.store'],
            'empty key' => [['rate_limit' => ['per_second' => 1, 'key' => '']], 'rate_limit.key'],
        ];
    }

    private static function breakerCode(): string
    {
        return <<<'PHP'
[$base, $path, $key, $what] = [$argv[1], $argv[2], $argv[3], $argv[4]];
$c = new Conduit\ApiClient($base, ['retry' => ['max_attempts' => 1], 'timeout' => 10,
    'circuit_breaker' => ['scope' => 'host', 'key' => $key, 'failure_ratio' => 1.0, 'min_calls' => 1, 'open_s' => 1.5]]);
$state = $c->getCircuitState();
try {
    $c->request('GET', $path);
    echo "$state ok";
} catch (Conduit\CircuitOpenException $e) {
    echo "$state open";
} catch (Conduit\ApiException $e) {
    echo "$state error";
}
PHP;
    }

    public function testABreakerOpenedByOneProcessIsOpenInAnotherAndOneProbeDecidesForAll(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $key = 'cb-' . bin2hex(random_bytes(6));
        self::assertSame('closed error', PhpProcess::run(self::breakerCode(), [$mock->url(), "$prefix/down?mock_status=503", $key, '']));
        // Another process: open on its first call, without reaching the API.
        self::assertSame('open open', PhpProcess::run(self::breakerCode(), [$mock->url(), "$prefix/other", $key, '']));
        self::assertCount(0, $mock->requests("$prefix/other"));
        usleep(1_600_000);
        // After open_s, four processes at once: exactly one probes (slowly), the rest see it open.
        $code = self::breakerCode();
        $procs = [];
        foreach (range(1, 4) as $i) {
            $file = tempnam(sys_get_temp_dir(), 'conduit-probe-') . '.php';
            file_put_contents($file, "<?php\n" . $code);
            $pipes = [];
            $procs[] = [proc_open([PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath(), $file, $mock->url(), "$prefix/probe?mock_latency_ms=400", $key, ''], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes), $pipes, $file];
        }
        $outcomes = [];
        foreach ($procs as [$p, $pipes, $file]) {
            $outcomes[] = explode(' ', trim((string) stream_get_contents($pipes[1])))[1] ?? stream_get_contents($pipes[2]);
            proc_close($p);
            unlink($file);
        }
        sort($outcomes);
        self::assertSame(['ok', 'open', 'open', 'open'], $outcomes, 'one probe');
        self::assertCount(1, $mock->requests("$prefix/probe"));
        // The probe succeeded: closed for everyone.
        self::assertSame('closed ok', PhpProcess::run(self::breakerCode(), [$mock->url(), "$prefix/after", $key, '']));
    }

    public function testAProcessKilledMidUseLeavesNoStuckState(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $key = 'kill-' . bin2hex(random_bytes(6));
        // A process hammering the shared bucket (CAS loop) and holding the breaker's
        // probe on a slow call, killed with SIGKILL in the middle.
        $code = <<<'PHP'
[$base, $path, $key] = [$argv[1], $argv[2], $argv[3]];
$fast = new Conduit\ApiClient($base, ['rate_limit' => ['per_second' => 1000000, 'burst' => 1000, 'scope' => 'host', 'key' => $key]]);
$cb = ['scope' => 'host', 'key' => $key, 'failure_ratio' => 1.0, 'min_calls' => 1, 'open_s' => 1.0];
$b = new Conduit\ApiClient($base, ['retry' => ['max_attempts' => 1], 'circuit_breaker' => $cb, 'timeout' => 30]);
try { $b->request('GET', "$path/fail?mock_status=500"); } catch (Conduit\ApiException $e) {}
usleep(1_100_000);
echo "ready\n";
// The probe: a call that never ends before the kill.
$b->request('GET', "$path/hang?mock_latency_ms=20000");
PHP;
        $file = tempnam(sys_get_temp_dir(), 'conduit-kill-') . '.php';
        file_put_contents($file, "<?php\n" . $code);
        $pipes = [];
        $p = proc_open([PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath(), $file, $mock->url(), $prefix, $key], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertSame("ready\n", fgets($pipes[1]));
        usleep(200_000);
        $hammer = <<<'PHP'
[$base, $path, $key] = [$argv[1], $argv[2], $argv[3]];
$fast = new Conduit\ApiClient($base, ['rate_limit' => ['per_second' => 1000000, 'burst' => 1000, 'scope' => 'host', 'key' => $key]]);
echo "go\n";
while (true) { $fast->request('GET', "$path/hammer"); }
PHP;
        $hfile = tempnam(sys_get_temp_dir(), 'conduit-kill-') . '.php';
        file_put_contents($hfile, "<?php\n" . $hammer);
        $hp = proc_open([PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath(), $hfile, $mock->url(), $prefix, $key], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $hpipes);
        self::assertSame("go\n", fgets($hpipes[1]));
        usleep(300_000);
        proc_terminate($hp, 9);
        proc_terminate($p, 9);
        proc_close($hp);
        proc_close($p);
        unlink($file);
        unlink($hfile);
        self::assertNotEmpty($mock->requests("$prefix/hammer"), 'the hammer ran');
        // The bucket: a new process gets its request at once.
        $t = microtime(true);
        PhpProcess::run('$c = new Conduit\ApiClient($argv[1], ["rate_limit" => ["per_second" => 1000000, "burst" => 1000, "scope" => "host", "key" => $argv[3]]]); $c->request("GET", $argv[2] . "/after");', [$mock->url(), $prefix, $key]);
        self::assertLessThan(5.0, microtime(true) - $t);
        // The breaker: the dead probe's claim lapses after open_s; a new probe closes it.
        usleep(1_100_000);
        $out = PhpProcess::run('$c = new Conduit\ApiClient($argv[1], ["retry" => ["max_attempts" => 1], "circuit_breaker" => ["scope" => "host", "key" => $argv[3], "failure_ratio" => 1.0, "min_calls" => 1, "open_s" => 1.0]]); $c->request("GET", $argv[2] . "/probe2"); echo $c->getCircuitState();', [$mock->url(), $prefix, $key]);
        self::assertSame('closed', $out);
    }

    public function testStateIsReportedFromTheSharedSlot(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $cb = ['scope' => 'host', 'key' => 'st-' . bin2hex(random_bytes(6)), 'failure_ratio' => 1.0, 'min_calls' => 1, 'open_s' => 30];
        $a = new ApiClient($mock->url(), ['retry' => ['max_attempts' => 1], 'circuit_breaker' => $cb]);
        self::assertSame('closed', $a->getCircuitState());
        try {
            $a->request('GET', "$prefix/x?mock_status=500");
        } catch (\Conduit\ApiException $e) {
        }
        self::assertSame('open', $a->getCircuitState());
        $this->expectException(CircuitOpenException::class);
        $a->request('GET', "$prefix/y");
    }
}
