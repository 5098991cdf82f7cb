<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\RateLimitException;
use Conduit\TimeoutException;
use Conduit\TransportException;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/** DESIGN.md "Retry semantics", row by row, proven by what the mock received. */
final class RetryTest extends TestCase
{
    private function client(array $options = []): ApiClient
    {
        return new ApiClient(MockApi::get()->url(), $options + [
            'retry' => ['max_attempts' => 3, 'base_delay_ms' => 5, 'max_delay_ms' => 50],
            'timeout' => 2.0,
        ]);
    }

    /**
     * method, mock control headers, idempotency key?, expected attempts, expected exception (null = success)
     * @return array<string, array{string, array<string,string>, bool, int, ?string}>
     */
    public function retryTable(): array
    {
        return [
            'GET 503 retried'               => ['GET', ['X-Mock-Status' => '503'], false, 3, ApiException::class],
            'POST 503 retried'              => ['POST', ['X-Mock-Status' => '503'], false, 3, ApiException::class],
            'POST 502 retried'              => ['POST', ['X-Mock-Status' => '502'], false, 3, ApiException::class],
            'PATCH 504 retried'             => ['PATCH', ['X-Mock-Status' => '504'], false, 3, ApiException::class],
            'GET 429 retried'               => ['GET', ['X-Mock-Status' => '429'], false, 3, RateLimitException::class],
            'GET 500 retried'               => ['GET', ['X-Mock-Status' => '500'], false, 3, ApiException::class],
            'PUT 500 retried'               => ['PUT', ['X-Mock-Status' => '500'], false, 3, ApiException::class],
            'DELETE 500 retried'            => ['DELETE', ['X-Mock-Status' => '500'], false, 3, ApiException::class],
            'HEAD 500 retried'              => ['HEAD', ['X-Mock-Status' => '500'], false, 3, ApiException::class],
            'POST 500 not retried'          => ['POST', ['X-Mock-Status' => '500'], false, 1, ApiException::class],
            'POST 500 retried with key'     => ['POST', ['X-Mock-Status' => '500'], true, 3, ApiException::class],
            'PATCH 500 not retried'         => ['PATCH', ['X-Mock-Status' => '500'], false, 1, ApiException::class],
            'GET 400 not retried'           => ['GET', ['X-Mock-Status' => '400'], false, 1, ApiException::class],
            'GET 404 not retried'           => ['GET', ['X-Mock-Status' => '404'], false, 1, ApiException::class],
            'POST 422 with key not retried' => ['POST', ['X-Mock-Status' => '422'], true, 1, ApiException::class],
            'GET 501 not retried'           => ['GET', ['X-Mock-Status' => '501'], false, 1, ApiException::class],
            'GET reset retried'             => ['GET', ['X-Mock-Fault' => 'reset_before_headers'], false, 3, TransportException::class],
            'POST reset not retried'        => ['POST', ['X-Mock-Fault' => 'reset_before_headers'], false, 1, TransportException::class],
            'POST reset retried with key'   => ['POST', ['X-Mock-Fault' => 'reset_before_headers'], true, 3, TransportException::class],
            'GET reset mid-body retried'    => ['GET', ['X-Mock-Fault' => 'reset_after_headers'], false, 3, TransportException::class],
            'POST reset mid-body not retried' => ['POST', ['X-Mock-Fault' => 'reset_after_headers'], false, 1, TransportException::class],
            'GET 200 once'                  => ['GET', [], false, 1, null],
        ];
    }

    /** @dataProvider retryTable */
    public function testRetryTableEndToEnd(string $method, array $headers, bool $withKey, int $attempts, ?string $exception): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $options = ['headers' => $headers];
        if ($method !== 'GET' && $method !== 'HEAD' && $method !== 'DELETE') {
            $options['json'] = ['n' => 1];
        }
        $key = null;
        if ($withKey) {
            $key = 'key-' . bin2hex(random_bytes(4));
            $options['idempotency_key'] = $key;
        }
        try {
            $response = $this->client()->send($method, "$prefix/op", $options);
            self::assertNull($exception, 'expected an exception');
            self::assertSame($attempts, $response->getAttempts());
        } catch (\Conduit\ConduitException $e) {
            self::assertNotNull($exception, 'unexpected ' . get_class($e) . ': ' . $e->getMessage());
            self::assertSame($exception, get_class($e), $e->getMessage());
            self::assertSame($attempts, $e->getAttempts());
        }
        $seen = $mock->requests($prefix);
        self::assertCount($attempts, $seen, 'attempts that reached the server');
        foreach ($seen as $request) {
            self::assertSame($method, $request['method']);
            self::assertSame($key, $request['headers']['idempotency-key'] ?? null, 'same key on every attempt');
        }
    }

    public function testScriptedRecoverySucceedsOnThirdAttempt(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $mock->script("$prefix/flaky", [['status' => 503], ['status' => 503], ['status' => 200, 'json' => ['ok' => true]]]);
        $data = $this->client()->request('POST', "$prefix/flaky", ['json' => ['a' => 1], 'idempotency_key' => 'order-7']);
        self::assertSame(['ok' => true], $data);
        $seen = $mock->requests($prefix);
        self::assertCount(3, $seen);
        self::assertSame(['order-7'], array_unique(array_map(fn ($r) => $r['headers']['idempotency-key'], $seen)));
    }

    public function testIdempotencyHeaderNameIsConfigurable(): void
    {
        $prefix = MockApi::prefix();
        $this->client(['idempotency_header' => 'X-Request-Key'])->send('POST', "$prefix/k", ['idempotency_key' => 'abc']);
        $seen = MockApi::get()->requests($prefix);
        self::assertSame('abc', $seen[0]['headers']['x-request-key']);
        self::assertArrayNotHasKey('idempotency-key', $seen[0]['headers']);
    }

    public function testConnectionRefusedIsRetriedEvenForPost(): void
    {
        $port = $this->closedPort();
        $client = new ApiClient("http://127.0.0.1:$port", ['retry' => ['max_attempts' => 3, 'base_delay_ms' => 1, 'max_delay_ms' => 5]]);
        try {
            $client->send('POST', '/x', ['json' => []]);
            self::fail('expected TransportException');
        } catch (TransportException $e) {
            self::assertNotInstanceOf(TimeoutException::class, $e);
            self::assertSame(3, $e->getAttempts());
            self::assertStringContainsString('connect', $e->getMessage());
        }
    }

    public function testRetryAfterSecondsIsHonoured(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $mock->script("$prefix/slowdown", [['status' => 429, 'headers' => ['Retry-After' => '1']], ['status' => 200]]);
        $response = $this->client(['retry' => ['max_attempts' => 3, 'base_delay_ms' => 1, 'max_delay_ms' => 5000]])
            ->send('GET', "$prefix/slowdown");
        self::assertSame(2, $response->getAttempts());
        [$first, $second] = $mock->requests($prefix);
        $gap = $second['arrived_at_ms'] - $first['arrived_at_ms'];
        self::assertGreaterThanOrEqual(990, $gap, 'waited the server-given second');
        self::assertLessThan(1500, $gap);
    }

    public function testRetryAfterHttpDateIsHonoured(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $date = gmdate('D, d M Y H:i:s \G\M\T', time() + 2);
        $mock->script("$prefix/date", [['status' => 503, 'headers' => ['Retry-After' => $date]], ['status' => 200]]);
        $this->client(['retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 5000]])->send('GET', "$prefix/date");
        [$first, $second] = $mock->requests($prefix);
        $gap = $second['arrived_at_ms'] - $first['arrived_at_ms'];
        // HTTP dates have one-second resolution: the wait is between 1 and 2 s.
        self::assertGreaterThanOrEqual(950, $gap);
        self::assertLessThan(2600, $gap);
    }

    public function testRetryAfterBeyondBudgetThrowsInsteadOfSleeping(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $mock->script("$prefix/later", [['status' => 429, 'headers' => ['Retry-After' => '120']]], null, true);
        $start = microtime(true);
        try {
            $this->client(['retry' => ['max_attempts' => 5, 'base_delay_ms' => 1, 'max_delay_ms' => 2000]])->send('GET', "$prefix/later");
            self::fail('expected RateLimitException');
        } catch (RateLimitException $e) {
            self::assertSame(120.0, $e->getRetryAfter());
            self::assertSame(429, $e->getStatusCode());
            self::assertSame(1, $e->getAttempts());
        }
        self::assertLessThan(1.0, microtime(true) - $start, 'did not sleep');
        self::assertCount(1, $mock->requests($prefix));
    }

    public function testTotalBudgetStopsRetries(): void
    {
        $prefix = MockApi::prefix();
        $start = microtime(true);
        try {
            $this->client(['retry' => ['max_attempts' => 50, 'base_delay_ms' => 100, 'max_delay_ms' => 200, 'budget_ms' => 500]])
                ->send('GET', "$prefix/down", ['headers' => ['X-Mock-Status' => '503']]);
            self::fail('expected ApiException');
        } catch (ApiException $e) {
            self::assertSame(503, $e->getStatusCode());
            self::assertLessThan(50, $e->getAttempts());
        }
        self::assertLessThan(0.9, microtime(true) - $start);
    }

    public function testTimeoutIsRetriedForGetOnly(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $client = $this->client(['timeout' => 0.2]);
        $start = microtime(true);
        try {
            $client->send('GET', "$prefix/hang", ['headers' => ['X-Mock-Fault' => 'hang']]);
            self::fail('expected TimeoutException');
        } catch (TimeoutException $e) {
            self::assertSame(3, $e->getAttempts());
        }
        $elapsed = microtime(true) - $start;
        self::assertGreaterThanOrEqual(0.6, $elapsed);
        self::assertLessThan(1.5, $elapsed);
        try {
            $client->send('POST', "$prefix/hang-post", ['headers' => ['X-Mock-Fault' => 'hang'], 'timeout' => 0.1]);
            self::fail('expected TimeoutException');
        } catch (TimeoutException $e) {
            self::assertSame(1, $e->getAttempts());
        }
        self::assertCount(1, $mock->requests("$prefix/hang-post"));
    }

    private function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) $name, strrpos((string) $name, ':') + 1);
    }
}
