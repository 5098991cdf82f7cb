<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\Tests\Support\MockApi;
use Conduit\Tests\Support\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * conduit.log_level / conduit.log_target: the engine's tracing events, in a child PHP
 * process per case (the subscriber is per process), against the mock API.
 */
final class DiagnosticsTest extends TestCase
{
    private const TOKEN = 'tok_D1agn0stic_7c2e9f';
    private const QUERY_SECRET = 'qs_D1agn0stic_41ab0d';
    private const URL_PASSWORD = 'pw_D1agn0stic_e83f12';
    private const FAIL_TEXT_SECRET = 'hunter2_D1agn0stic';

    /** A line: `<RFC 3339 UTC> pid=<n> <LEVEL> ...`. */
    private const LINE = '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z pid=\d+ +(TRACE|DEBUG|INFO|WARN|ERROR) /';

    /** @var list<string> */
    private array $files = [];

    protected function tearDown(): void
    {
        foreach ($this->files as $file) {
            @unlink($file);
        }
    }

    private function tempFile(string $suffix): string
    {
        $file = sys_get_temp_dir() . '/conduit-diag-' . bin2hex(random_bytes(6)) . $suffix;
        $this->files[] = $file;
        return $file;
    }

    /**
     * Runs `$code` in a fresh PHP with the extension and `$ini` settings.
     *
     * @param array<string, string> $ini
     * @param list<string> $args
     * @return array{int, string, string} exit code, stdout, stderr
     */
    private static function php(string $code, array $ini, array $args = []): array
    {
        $file = tempnam(sys_get_temp_dir(), 'conduit-diag-') . '.php';
        file_put_contents($file, "<?php\n" . $code);
        $command = ['timeout', '60', PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath()];
        foreach ($ini as $name => $value) {
            $command[] = '-d';
            $command[] = "$name=$value";
        }
        $command[] = $file;
        $pipes = [];
        $process = proc_open(array_merge($command, $args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        $exit = proc_close($process);
        unlink($file);
        return [$exit, $stdout, $stderr];
    }

    /** HTTP calls (a retried 503, a refused port), queue claim/ack/fail and a request-log batch. */
    private function workload(string $prefix): string
    {
        MockApi::get()->script("$prefix/flaky", [['status' => 503], ['status' => 200, 'json' => ['ok' => 1]]]);
        $token = self::TOKEN;
        $querySecret = self::QUERY_SECRET;
        $urlPassword = self::URL_PASSWORD;
        $failText = self::FAIL_TEXT_SECRET;
        $db = $this->tempFile('.db');
        return <<<PHP
            \$base = \$argv[1];
            \$store = new Conduit\\Store('sqlite://$db');
            \$store->migrate();
            \$client = new Conduit\\ApiClient(\$base, [
                'auth' => ['type' => 'bearer', 'token' => '$token'],
                'retry' => ['max_attempts' => 3, 'base_delay_ms' => 1, 'max_delay_ms' => 5],
                'log' => \$store,
            ]);
            \$client->send('POST', '$prefix/flaky?api_key=$querySecret', ['query' => ['token' => '$querySecret'], 'json' => ['a' => 1], 'idempotency_key' => 'k1']);
            \$refused = new Conduit\\ApiClient('http://shop:$urlPassword@127.0.0.1:9', ['retry' => ['max_attempts' => 1]]);
            try { \$refused->send('GET', '$prefix/refused?token=$querySecret'); } catch (Conduit\\TransportException \$e) {}
            \$queue = new Conduit\\SyncQueue(\$store);
            \$done = \$queue->push('diag', ['n' => 1]);
            \$queue->claim(10);
            \$queue->ack(\$done);
            \$dead = \$queue->push('diag', ['n' => 2]);
            \$queue->claim(10);
            \$queue->fail(\$dead, 'upstream said password=$failText', ['retry' => false]);
            echo json_encode(['done' => \$done, 'dead' => \$dead, 'pid' => getmypid()]);
            PHP;
    }

    /** @return list<string> */
    private static function lines(string $file): array
    {
        if (!is_file($file)) {
            return [];
        }
        return array_values(array_filter(explode("\n", (string) file_get_contents($file)), fn (string $l): bool => $l !== ''));
    }

    private static function assertNoSecret(string $text): void
    {
        foreach ([self::TOKEN, self::QUERY_SECRET, self::URL_PASSWORD, self::FAIL_TEXT_SECRET] as $secret) {
            self::assertStringNotContainsString($secret, $text);
        }
    }

    /** @param list<string> $lines */
    private static function find(array $lines, string ...$parts): string
    {
        foreach ($lines as $line) {
            $all = true;
            foreach ($parts as $part) {
                $all = $all && str_contains($line, $part);
            }
            if ($all) {
                return $line;
            }
        }
        self::fail('no line contains ' . implode(' + ', $parts) . ":\n" . implode("\n", $lines));
    }

    public function testDebugEventsGoToTheFileWithTheirFieldsAndNoSecret(): void
    {
        $prefix = MockApi::prefix();
        $log = $this->tempFile('.log');
        [$exit, $out, $err] = self::php($this->workload($prefix), ['conduit.log_level' => 'debug', 'conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err . $out);
        $ids = json_decode($out, true);
        $lines = self::lines($log);
        self::assertNotEmpty($lines);
        foreach ($lines as $line) {
            self::assertMatchesRegularExpression(self::LINE, $line);
            self::assertStringContainsString("pid={$ids['pid']} ", $line);
        }
        $first = self::find($lines, 'http.attempt{method=POST', "endpoint=$prefix/flaky ", 'attempt=1 ', 'attempt answered with an error status', 'status=503', 'duration_ms=');
        self::assertStringNotContainsString('?', explode('}', $first)[0], 'the endpoint never carries the query');
        self::find($lines, 'http.attempt{method=POST', "endpoint=$prefix/flaky ", 'attempt=1 ', 'retrying after a delay', 'delay_ms=');
        self::find($lines, 'http.attempt{method=POST', "endpoint=$prefix/flaky ", 'attempt=2 ', 'attempt answered status=200', 'duration_ms=');
        self::find($lines, 'http.attempt{method=GET', 'origin=http://127.0.0.1:9 ', "endpoint=$prefix/refused ", 'attempt failed', 'error_kind=Transport', 'could not connect');
        self::find($lines, 'DEBUG', 'queue claim', 'claimed=1', "job_ids=[{$ids['done']}]");
        self::find($lines, 'DEBUG', 'queue ack', "job_id={$ids['done']}");
        self::find($lines, 'INFO', 'queue fail: dead-lettered', "job_id={$ids['dead']}", 'retryable=false');
        self::find($lines, 'request_log.writer{store=sqlite://', 'request log batch written', 'rows=', 'duration_ms=');
        self::assertNoSecret(implode("\n", $lines));
    }

    public function testNothingBelowWarnIsWrittenByDefaultLevel(): void
    {
        $prefix = MockApi::prefix();
        $log = $this->tempFile('.log');
        [$exit, $out, $err] = self::php($this->workload($prefix), ['conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err . $out);
        self::assertSame([], self::lines($log), 'warn (the default) shows no attempt, queue or batch event');
        [$exit, , $err] = self::php($this->workload(MockApi::prefix()), ['conduit.log_level' => 'warn', 'conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err);
        self::assertSame([], self::lines($log));
    }

    public function testInfoShowsFailuresButNotSuccesses(): void
    {
        $prefix = MockApi::prefix();
        $log = $this->tempFile('.log');
        [$exit, , $err] = self::php($this->workload($prefix), ['conduit.log_level' => 'info', 'conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err);
        $lines = self::lines($log);
        self::find($lines, 'INFO', 'status=503');
        self::find($lines, 'INFO', 'queue fail: dead-lettered');
        $text = implode("\n", $lines);
        self::assertStringNotContainsString('DEBUG', $text);
        self::assertStringNotContainsString('status=200', $text);
        self::assertNoSecret($text);
    }

    public function testErrorLogTargetWritesThroughPhpsErrorLog(): void
    {
        $prefix = MockApi::prefix();
        $errorLog = $this->tempFile('.log');
        [$exit, $out, $err] = self::php(
            $this->workload($prefix),
            ['conduit.log_level' => 'debug', 'conduit.log_target' => 'error_log', 'error_log' => $errorLog, 'log_errors' => '1'],
            [MockApi::get()->url()],
        );
        self::assertSame(0, $exit, $err . $out);
        $lines = self::lines($errorLog);
        // PHP's own prefix, then ours.
        $attempt = self::find($lines, 'http.attempt{method=POST', 'status=200');
        self::assertMatchesRegularExpression('/^\[[^\]]+\] \d{4}-\d\d-\d\dT[\d:.]+Z pid=\d+ DEBUG /', $attempt);
        // Written by the log writer's thread, handed to PHP's thread at request end.
        self::find($lines, 'request_log.writer{', 'request log batch written');
        self::assertNoSecret(implode("\n", $lines));
        self::assertStringNotContainsString('conduit_', $out, 'nothing goes to the output');
    }

    public function testOffWritesNothingEvenWarnings(): void
    {
        $log = $this->tempFile('.log');
        // A store whose directory does not exist: its log writer can never start.
        $code = <<<'PHP'
            $store = new Conduit\Store('sqlite:///nonexistent-conduit-diag/x.db');
            $client = new Conduit\ApiClient($argv[1], ['log' => $store]);
            $client->send('GET', '/off');
            PHP;
        [$exit, , $err] = self::php($code, ['conduit.log_level' => 'off', 'conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err);
        self::assertSame([], self::lines($log));
        // The same at the default level says why the record was lost.
        [$exit, , $err] = self::php($code, ['conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err);
        self::find(self::lines($log), 'WARN', 'request log: record dropped', 'store=sqlite:///nonexistent-conduit-diag/x.db');
    }

    public function testInvalidSettingsWarnAtStartupAndFallBackToTheDefaults(): void
    {
        $code = 'echo ini_get("conduit.log_level"), "|", ini_get("conduit.log_target"), "|", var_export(ini_set("conduit.log_level", "debug"), true);';
        [$exit, $out, $err] = self::php($code, ['conduit.log_level' => 'loud', 'conduit.log_target' => 'relative/diag.log', 'display_startup_errors' => '1']);
        self::assertSame(0, $exit, $err);
        self::assertStringContainsString('warn|error_log|false', $out, 'defaults in force; not changeable at run time');
        $all = $err . $out;
        self::assertStringContainsString('conduit.log_level: "loud" is not a log level (one of off, error, warn, info, debug, trace); using the default "warn"', $all);
        self::assertStringContainsString('conduit.log_target must be "error_log" or an absolute file path, "relative/diag.log" given', $all);
        // Case and spaces are forgiven.
        [$exit, $out, $err] = self::php('echo ini_get("conduit.log_level");', ['conduit.log_level' => 'DEBUG']);
        self::assertSame(0, $exit, $err);
        self::assertSame('DEBUG', $out);
        self::assertStringNotContainsString('conduit.log_level', $err);
    }

    public function testAnUnwritableFileFallsBackToTheErrorLogWithANote(): void
    {
        $errorLog = $this->tempFile('.log');
        $code = '(new Conduit\ApiClient($argv[1]))->send("GET", "/unwritable");';
        [$exit, , $err] = self::php(
            $code,
            ['conduit.log_level' => 'debug', 'conduit.log_target' => '/nonexistent-conduit-diag/diag.log', 'error_log' => $errorLog],
            [MockApi::get()->url()],
        );
        self::assertSame(0, $exit, $err);
        $lines = self::lines($errorLog);
        self::find($lines, 'cannot open conduit.log_target file "/nonexistent-conduit-diag/diag.log"', "diagnostics go to PHP's error log");
        self::find($lines, 'http.attempt{method=GET', 'endpoint=/unwritable', 'status=200');
    }

    public function testAForkedChildWritesItsOwnLinesAndReportsTheRebind(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('pcntl is not available');
        }
        $prefix = MockApi::prefix();
        $log = $this->tempFile('.log');
        $code = <<<PHP
            \$client = new Conduit\\ApiClient(\$argv[1]);
            \$client->send('GET', '$prefix/parent');
            \$child = pcntl_fork();
            if (\$child === 0) {
                \$client->send('GET', '$prefix/child');
                exit(0);
            }
            pcntl_waitpid(\$child, \$status);
            echo json_encode(['parent' => getmypid(), 'child' => \$child]);
            PHP;
        [$exit, $out, $err] = self::php($code, ['conduit.log_level' => 'debug', 'conduit.log_target' => $log], [MockApi::get()->url()]);
        self::assertSame(0, $exit, $err . $out);
        $pids = json_decode($out, true);
        $lines = self::lines($log);
        self::find($lines, "pid={$pids['parent']} ", "endpoint=$prefix/parent ", 'status=200');
        self::find($lines, "pid={$pids['child']} ", 'HTTP runtime and pools rebuilt after fork', "parent_pid={$pids['parent']}");
        self::find($lines, "pid={$pids['child']} ", "client rebound to this process's pool after fork");
        self::find($lines, "pid={$pids['child']} ", "endpoint=$prefix/child ", 'status=200');
    }

    public function testPhpinfoShowsBothSettings(): void
    {
        $log = $this->tempFile('.log');
        [$exit, $out, $err] = self::php('phpinfo(INFO_MODULES);', ['conduit.log_level' => 'info', 'conduit.log_target' => $log]);
        self::assertSame(0, $exit, $err);
        self::assertStringContainsString('conduit.log_level => info => info', $out);
        self::assertStringContainsString("conduit.log_target => $log => $log", $out);
        self::assertStringContainsString("diagnostics => level info, to file $log; subscriber installed in this process", $out);
    }
}
