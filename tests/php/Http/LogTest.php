<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/** The `log` option: one record per attempt, secrets redacted before they leave Rust. */
final class LogTest extends TestCase
{
    public function testOneRecordPerAttemptWithSharedCorrelationId(): void
    {
        $prefix = MockApi::prefix();
        MockApi::get()->script("$prefix/flaky", [['status' => 503], ['status' => 200, 'json' => ['ok' => 1]]]);
        $records = [];
        $client = new ApiClient(MockApi::get()->url(), [
            'retry' => ['base_delay_ms' => 1, 'max_delay_ms' => 5],
            'log' => function (array $record) use (&$records): void { $records[] = $record; },
        ]);
        $response = $client->send('POST', "$prefix/flaky?x=1", ['json' => ['sku' => 'A'], 'idempotency_key' => 'k-1']);
        self::assertCount(2, $records);
        [$first, $second] = $records;
        self::assertSame([1, 2], [$first['attempt'], $second['attempt']]);
        self::assertSame([503, 200], [$first['status'], $second['status']]);
        self::assertSame($response->getCorrelationId(), $first['correlation_id']);
        self::assertSame($first['correlation_id'], $second['correlation_id']);
        self::assertSame('Conduit\ApiException', $first['error_class']);
        self::assertNull($second['error_class']);
        self::assertSame('POST', $first['method']);
        self::assertSame("$prefix/flaky", $first['endpoint']);
        self::assertStringEndsWith("$prefix/flaky?x=1", $first['url']);
        self::assertSame('{"sku":"A"}', $first['request_body']);
        self::assertSame('k-1', $first['request_headers']['idempotency-key']);
        self::assertSame('{"ok":1}', $second['response_body']);
        self::assertIsFloat($first['duration_ms']);
        self::assertEqualsWithDelta(microtime(true), $first['created_at'], 10);
        self::assertNull($first['job_id']);
    }

    public function testTransportFailuresAreLoggedToo(): void
    {
        $records = [];
        $client = new ApiClient('http://127.0.0.1:9', [
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 2],
            'log' => function (array $r) use (&$records): void { $records[] = $r; },
        ]);
        try {
            $client->send('GET', '/x');
        } catch (\Conduit\TransportException $e) {
        }
        self::assertCount(2, $records);
        self::assertNull($records[0]['status']);
        self::assertSame('Conduit\TransportException', $records[0]['error_class']);
        self::assertStringContainsString('connect', $records[0]['error_message']);
    }

    /** @return array<string, array{array, string}> auth config, the secret */
    public function credentials(): array
    {
        return [
            'bearer' => [['type' => 'bearer', 'token' => 'tok_live_4f9a8b7c'], 'tok_live_4f9a8b7c'],
            'basic' => [['type' => 'basic', 'username' => 'shop', 'password' => 'pw-Secr3t!'], 'pw-Secr3t!'],
            'header' => [['type' => 'header', 'name' => 'X-Api-Key', 'value' => 'key-8d7e6f'], 'key-8d7e6f'],
            'query' => [['type' => 'query', 'name' => 'apikey', 'value' => 'qk-1a2b3c4d'], 'qk-1a2b3c4d'],
        ];
    }

    /** @dataProvider credentials */
    public function testNoSecretByteInAnyRecord(array $auth, string $secret): void
    {
        $prefix = MockApi::prefix();
        $records = [];
        $client = new ApiClient(MockApi::get()->url(), [
            'auth' => $auth,
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 2],
            'redact_headers' => ['X-Session'],
            'redact_fields' => ['card_number'],
            'log' => function (array $r) use (&$records): void { $records[] = $r; },
        ]);
        $body = ['user' => 'bob', 'password' => 'hunter2-pass', 'nested' => ['access_token' => 'at-998877', 'card_number' => '4111111111111111'],
                 'client_secret' => 'cs-556677', 'api_key' => 'ak-445566', 'refresh_token' => 'rt-112233'];
        try {
            // The mock echoes the request (headers included) back in the body: a second path for leaks.
            $client->send('POST', "$prefix/echo", ['json' => $body, 'headers' => ['X-Session' => 'sess-776655', 'X-Mock-Status' => '503', 'Cookie' => 'sid=cookie-3344'],
                                                  'query' => ['token' => 'qt-223344']]);
        } catch (ApiException $e) {
        }
        self::assertCount(2, $records);
        $all = json_encode($records);
        foreach ([$secret, base64_encode('shop:pw-Secr3t!'), 'hunter2-pass', 'at-998877', '4111111111111111', 'cs-556677', 'ak-445566', 'rt-112233', 'sess-776655', 'cookie-3344', 'qt-223344'] as $needle) {
            self::assertStringNotContainsString($needle, $all, "secret $needle leaked into a log record");
        }
        self::assertStringContainsString('bob', $all, 'ordinary fields stay readable');
        self::assertStringContainsString('[REDACTED]', $all);
    }

    public function testBodiesAreTruncated(): void
    {
        $prefix = MockApi::prefix();
        $records = [];
        $client = new ApiClient(MockApi::get()->url(), ['log_body_bytes' => 100, 'log' => function (array $r) use (&$records): void { $records[] = $r; }]);
        $client->send('POST', "$prefix/big", ['body' => str_repeat('a', 5000), 'headers' => ['X-Mock-Body-Bytes' => '5000']]);
        self::assertLessThan(200, strlen($records[0]['request_body']));
        self::assertStringContainsString('truncated', $records[0]['request_body']);
        self::assertLessThan(200, strlen($records[0]['response_body']));
    }

    public function testExceptionFromTheLoggerPropagates(): void
    {
        $client = new ApiClient(MockApi::get()->url(), ['log' => function (): void { throw new \DomainException('logger failed'); }]);
        $this->expectException(\DomainException::class);
        $client->send('GET', MockApi::prefix() . '/x');
    }
}
