<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\CircuitOpenException;
use Conduit\ConduitException;
use Conduit\ConfigException;
use Conduit\RateLimitException;
use Conduit\TimeoutException;
use Conduit\TransportException;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/** Every exception class, thrown for real, carries PHP's own file, line and trace. */
final class ExceptionsTest extends TestCase
{
    public function testTreeMatchesTheDesign(): void
    {
        self::assertTrue(interface_exists(ConduitException::class));
        self::assertTrue(is_subclass_of(ConfigException::class, \InvalidArgumentException::class));
        self::assertTrue(is_subclass_of(RateLimitException::class, ApiException::class));
        self::assertTrue(is_subclass_of(TimeoutException::class, TransportException::class));
        foreach (['ApiException', 'TransportException', 'CircuitOpenException', 'SignatureException', 'QueueException', 'CryptoException'] as $c) {
            self::assertTrue(is_subclass_of("Conduit\\$c", \RuntimeException::class), $c);
        }
        foreach (['ConfigException', 'ApiException', 'RateLimitException', 'TransportException', 'TimeoutException',
                  'CircuitOpenException', 'SignatureException', 'QueueException', 'CryptoException'] as $c) {
            self::assertTrue(is_subclass_of("Conduit\\$c", ConduitException::class), $c);
        }
    }

    public function testPhpCodeCanConstructAndExtendThem(): void
    {
        $e = new ApiException('custom', 418);
        self::assertSame(418, $e->getCode());
        self::assertSame(0, $e->getStatusCode());
        self::assertSame(__LINE__ - 3, $e->getLine());
        $sub = new class('x') extends TransportException {};
        self::assertInstanceOf(ConduitException::class, $sub);
    }

    /** @return array<string, array{class-string, \Closure(): void}> */
    public function throwers(): array
    {
        return [
            'config' => [ConfigException::class, fn () => new ApiClient('not a url')],
            'api' => [ApiException::class, fn () => $this->client()->send('GET', '/e/404', ['headers' => ['X-Mock-Status' => '404']])],
            'rate limit' => [RateLimitException::class, fn () => $this->client()->send('GET', '/e/429', ['headers' => ['X-Mock-Status' => '429', 'X-Mock-Retry-After' => '3600']])],
            'transport' => [TransportException::class, fn () => (new ApiClient('http://127.0.0.1:9', ['retry' => ['max_attempts' => 1]]))->send('GET', '/')],
            'timeout' => [TimeoutException::class, fn () => $this->client(['timeout' => 0.05])->send('GET', '/e/hang', ['headers' => ['X-Mock-Fault' => 'hang']])],
            'circuit' => [CircuitOpenException::class, function (): void {
                $c = $this->client(['circuit_breaker' => ['min_calls' => 1, 'failure_ratio' => 1, 'open_s' => 60, 'window_s' => 7.77]]);
                try {
                    $c->send('GET', '/e/503', ['headers' => ['X-Mock-Status' => '503']]);
                } catch (ApiException $e) {
                }
                $c->send('GET', '/e/after');
            }],
        ];
    }

    /** @dataProvider throwers */
    public function testThrownWithRealFileLineAndTrace(string $class, \Closure $throw): void
    {
        try {
            $throw();
            self::fail("expected $class");
        } catch (ConduitException $e) {
            self::assertSame($class, get_class($e), $e->getMessage());
            self::assertSame(__FILE__, $e->getFile());
            self::assertGreaterThan(0, $e->getLine());
            $source = file(__FILE__)[$e->getLine() - 1];
            self::assertMatchesRegularExpression('/->send\(|new ApiClient/', $source, 'line points at the call');
            self::assertNotEmpty($e->getTrace());
            self::assertStringContainsString(__FUNCTION__, $e->getTraceAsString());
        }
    }

    public function testApiExceptionCarriesTheResponse(): void
    {
        try {
            $this->client()->send('POST', '/e/422', ['headers' => ['X-Mock-Status' => '422', 'X-Mock-Body' => '{"error":"invalid sku"}', 'X-Mock-Header-X-Req' => 'r1']]);
            self::fail('expected ApiException');
        } catch (ApiException $e) {
            self::assertSame(422, $e->getStatusCode());
            self::assertSame(422, $e->getCode());
            self::assertSame('{"error":"invalid sku"}', $e->getResponseBody());
            self::assertSame('r1', $e->getResponseHeaders()['x-req']);
            self::assertSame(1, $e->getAttempts());
            self::assertStringContainsString('HTTP 422', $e->getMessage());
        }
    }

    public function testNonJsonSuccessBodyFromRequestIsAnApiException(): void
    {
        $this->expectException(ApiException::class);
        $this->expectExceptionMessage('not valid JSON');
        $this->client()->request('GET', '/e/html', ['headers' => ['X-Mock-Body' => '<html>']]);
    }

    private function client(array $options = []): ApiClient
    {
        return new ApiClient(MockApi::get()->url(), $options + ['retry' => ['max_attempts' => 1]]);
    }
}
