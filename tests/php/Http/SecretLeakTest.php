<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ConduitException;
use Conduit\RequestLog;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/**
 * Tested like an attacker would: for every way to authenticate × every way a call can
 * fail, the credential's bytes appear nowhere a message, a trace, a log row or a job
 * row could carry them (docs/admin-guide.md promises it).
 */
final class SecretLeakTest extends TestCase
{
    private const TOKEN = 'tok_B34rer_6f1d2c9a7e';
    private const USER = 'shop-user';
    private const PASSWORD = 'pw_B4sic_83c1e0f2aa';
    private const HEADER_VALUE = 'key_H34der_5a0b3c77d1';
    private const QUERY_VALUE = 'key_Qu3ry_99e1d4b2c6';
    private const URL_PASSWORD = 'pw_Ur1info_41f7a2e9c3';

    private ?string $dbPath = null;

    /** @return list<string> the byte strings that must never appear for an auth type */
    private static function secrets(string $auth): array
    {
        return match ($auth) {
            'bearer' => [self::TOKEN],
            'basic' => [self::PASSWORD, base64_encode(self::USER . ':' . self::PASSWORD)],
            'header' => [self::HEADER_VALUE],
            'query' => [self::QUERY_VALUE],
            'userinfo' => [self::URL_PASSWORD, base64_encode(self::USER . ':' . self::URL_PASSWORD)],
        };
    }

    private static function authOptions(string $auth): array
    {
        return match ($auth) {
            'bearer' => ['auth' => ['type' => 'bearer', 'token' => self::TOKEN]],
            'basic' => ['auth' => ['type' => 'basic', 'username' => self::USER, 'password' => self::PASSWORD]],
            'header' => ['auth' => ['type' => 'header', 'name' => 'X-Api-Key', 'value' => self::HEADER_VALUE]],
            'query' => ['auth' => ['type' => 'query', 'name' => 'apikey', 'value' => self::QUERY_VALUE]],
            'userinfo' => [],
        };
    }

    /** @return array<string, array{string, string}> */
    public function cases(): array
    {
        $cases = [];
        foreach (['bearer', 'basic', 'header', 'query', 'userinfo'] as $auth) {
            foreach (['refused', 'dns', 'timeout', 'tls', 'reset', 'redirect_loop', 'too_large', 'status_4xx', 'status_5xx'] as $failure) {
                $cases["$auth × $failure"] = [$auth, $failure];
            }
        }
        return $cases;
    }

    /** @return array{string, array, array} base URL, client options, request options */
    private function setUpCase(string $auth, string $failure, string $prefix): array
    {
        $mock = MockApi::get();
        $port = (int) parse_url($mock->url(), PHP_URL_PORT);
        $base = match ($failure) {
            'refused' => 'http://127.0.0.1:9/api',
            'dns' => 'http://conduit-leak-test.invalid/api',
            'tls' => "https://127.0.0.1:$port/api",
            default => $mock->url('/api'),
        };
        if ($auth === 'userinfo') {
            $base = preg_replace('#^(https?://)#', '$1' . self::USER . ':' . self::URL_PASSWORD . '@', $base);
        }
        $client = self::authOptions($auth) + ['retry' => ['max_attempts' => 1], 'connect_timeout' => 2.0, 'timeout' => 5.0];
        $request = [];
        $secret = self::secrets($auth)[0];
        switch ($failure) {
            case 'timeout':
                $request = ['timeout' => 0.3, 'headers' => ['X-Mock-Latency-Ms' => '3000']];
                break;
            case 'reset':
                $request = ['headers' => ['X-Mock-Fault' => 'reset_after_headers']];
                break;
            case 'redirect_loop':
                $mock->script("/api$prefix/x", [['status' => 302, 'headers' => ['Location' => $mock->url("/api$prefix/x")]]], null, true);
                $client['max_redirects'] = 3;
                break;
            case 'too_large':
                $request = ['headers' => ['X-Mock-Body-Bytes' => '5000']];
                $client['max_response_bytes'] = 100;
                break;
            case 'status_4xx':
                // The API echoes the credential in its body and headers.
                $mock->script("/api$prefix/x", [[
                    'status' => 401,
                    'headers' => ['X-Echo-Credential' => $secret, 'WWW-Authenticate' => "Bearer realm=\"$secret\""],
                    'body' => "{\"error\":\"bad credential $secret\"}",
                ]], null, true);
                break;
            case 'status_5xx':
                // The default echo carries the request's headers and query string back.
                $request = ['headers' => ['X-Mock-Status' => '500']];
                break;
        }
        return [$base, $client, $request];
    }

    private static function assertNoSecret(string $auth, string $haystack, string $where): void
    {
        foreach (self::secrets($auth) as $secret) {
            self::assertStringNotContainsString($secret, $haystack, "$where leaks a credential");
            self::assertStringNotContainsString(rawurlencode($secret), $haystack, "$where leaks a credential (URL-encoded)");
        }
    }

    private static function assertExceptionClean(string $auth, \Throwable $e, string $where): void
    {
        self::assertNoSecret($auth, var_export($e, true), "var_export($where)");
        for ($depth = 0; $e !== null; $e = $e->getPrevious(), $depth++) {
            $at = "$where" . str_repeat('->getPrevious()', $depth);
            self::assertNoSecret($auth, $e->getMessage(), $at . '->getMessage()');
            self::assertNoSecret($auth, $e->getTraceAsString(), $at . '->getTraceAsString()');
            self::assertNoSecret($auth, (string) $e, "(string) $at");
            self::assertNoSecret($auth, print_r($e, true), "print_r($at)");
        }
    }

    /** A fresh SQLite store per case, so the run delivers exactly this case's job. */
    private function store(): Store
    {
        $this->dbPath = sys_get_temp_dir() . '/conduit-leak-' . getmypid() . '-' . bin2hex(random_bytes(4)) . '.db';
        $store = new Store('sqlite://' . $this->dbPath);
        $store->migrate();
        return $store;
    }

    protected function tearDown(): void
    {
        if ($this->dbPath !== null) {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($this->dbPath . $suffix);
            }
        }
    }

    /** request() on a 2xx body that is not JSON throws with the body: scrubbed too. */
    public function testNonJsonSuccessBodyInTheExceptionIsScrubbed(): void
    {
        $p = MockApi::prefix();
        MockApi::get()->script("/api$p/text", [['status' => 200, 'headers' => ['X-Echo' => self::TOKEN], 'body' => 'not json: ' . self::TOKEN]]);
        try {
            (new ApiClient(MockApi::get()->url('/api'), self::authOptions('bearer')))->request('GET', "$p/text");
            self::fail('expected ApiException');
        } catch (\Conduit\ApiException $e) {
            self::assertStringContainsString('not valid JSON', $e->getMessage());
            self::assertExceptionClean('bearer', $e, 'ApiException');
            self::assertSame('not json: [REDACTED]', $e->getResponseBody());
        }
    }

    /** @dataProvider cases */
    public function testNoCredentialInAnyMessageTraceLogOrJob(string $auth, string $failure): void
    {
        $prefix = MockApi::prefix();
        [$base, $clientOptions, $requestOptions] = $this->setUpCase($auth, $failure, $prefix);

        // 1. A direct call: the exception, its chain and the callable log's records.
        $records = [];
        $client = new ApiClient($base, $clientOptions + ['log' => function (array $r) use (&$records): void { $records[] = $r; }]);
        $caught = null;
        try {
            $client->send('GET', "$prefix/x", $requestOptions);
        } catch (ConduitException $e) {
            $caught = $e;
        }
        self::assertInstanceOf(ConduitException::class, $caught, "$failure must fail");
        self::assertExceptionClean($auth, $caught, get_class($caught));
        self::assertNotEmpty($records, 'the log saw the attempt');
        self::assertNoSecret($auth, var_export($records, true), 'log record');
        self::assertNoSecret($auth, $client->getBaseUrl(), 'getBaseUrl()');

        // 2. The same request through the queue: the job's last_error and the request-log table.
        $store = $this->store();
        $queue = new SyncQueue($store, ['backoff_base_s' => 60]);
        $id = $queue->pushRequest('GET', "$prefix/x", $requestOptions);
        $delivering = new ApiClient($base, $clientOptions + ['log' => $store]);
        $summary = $queue->runDeliveries($delivering, ['limit' => 1]);
        self::assertNoSecret($auth, var_export($summary, true), 'runDeliveries() summary');
        $job = $queue->get($id);
        self::assertNotNull($job);
        self::assertNotNull($job->lastError, 'the job failed and kept its error');
        self::assertNoSecret($auth, var_export($job, true), 'job row');
        self::assertNoSecret($auth, var_export($queue->list(['status' => ['pending', 'failed']], null, 1000), true), 'job list');
        $log = new RequestLog($store);
        $log->flush();
        $rows = $log->list(null, null, 1000);
        self::assertNotEmpty($rows, 'the request log holds the attempt');
        self::assertNoSecret($auth, var_export($rows, true), 'request_log rows');

        // 3. phpinfo() / php --ri conduit of this very process.
        ob_start();
        (new \ReflectionExtension('conduit'))->info();
        self::assertNoSecret($auth, (string) ob_get_clean(), 'php --ri conduit');
    }
}
