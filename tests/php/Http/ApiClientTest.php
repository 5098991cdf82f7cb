<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\CircuitOpenException;
use Conduit\ConfigException;
use Conduit\Response;
use Conduit\TransportException;
use Conduit\Tests\Support\MockApi;
use Conduit\Tests\Support\PhpProcess;
use PHPUnit\Framework\TestCase;

final class ApiClientTest extends TestCase
{
    private function client(array $options = []): ApiClient
    {
        return new ApiClient(MockApi::get()->url('/api/v2'), $options + ['retry' => ['base_delay_ms' => 5, 'max_delay_ms' => 50]]);
    }

    public function testRequestReturnsDecodedJsonAndSendsWhatWasAsked(): void
    {
        $prefix = MockApi::prefix();
        $echo = $this->client()->request('POST', "$prefix/orders", [
            'query' => ['page' => 2, 'tags' => ['a', 'b']],
            'headers' => ['X-Trace' => 't-1'],
            'json' => ['id' => 42, 'name' => 'Ёлка', 'items' => [1, 2.5, null, true]],
        ]);
        self::assertSame('POST', $echo['method']);
        self::assertSame("/api/v2$prefix/orders", $echo['path'], 'base path kept');
        self::assertSame('page=2&tags=a&tags=b', $echo['query']);
        self::assertSame('t-1', $echo['headers']['x-trace']);
        self::assertSame('application/json', $echo['headers']['content-type']);
        self::assertSame(['id' => 42, 'name' => 'Ёлка', 'items' => [1, 2.5, null, true]], json_decode($echo['body'], true));
        self::assertMatchesRegularExpression('#^Conduit/\d+\.\d+\.\d+$#', $echo['headers']['user-agent']);
    }

    public function testFormAndBinaryBodies(): void
    {
        $prefix = MockApi::prefix();
        $client = $this->client();
        $echo = $client->request('POST', "$prefix/form", ['form' => ['a' => 'x y', 'b' => 1]]);
        self::assertSame('a=x+y&b=1', $echo['body']);
        self::assertSame('application/x-www-form-urlencoded', $echo['headers']['content-type']);

        $binary = "\x00\xff\xfe binary \x00";
        $client->send('PUT', "$prefix/raw", ['body' => $binary, 'headers' => ['Content-Type' => 'application/octet-stream']]);
        $seen = MockApi::get()->requests("/api/v2$prefix/raw");
        self::assertSame((string) strlen($binary), $seen[0]['headers']['content-length']);
    }

    public function testResponseObject(): void
    {
        $prefix = MockApi::prefix();
        $r = $this->client()->send('GET', "$prefix/r", ['headers' => ['X-Mock-Header-X-Custom' => 'v1', 'X-Mock-Status' => '201']]);
        self::assertInstanceOf(Response::class, $r);
        self::assertSame(201, $r->getStatus());
        self::assertTrue($r->isSuccess());
        self::assertSame('v1', $r->getHeader('X-CUSTOM'));
        self::assertSame('v1', $r->getHeaders()['x-custom']);
        self::assertSame("/api/v2$prefix/r", $r->json()['path']);
        self::assertSame($r->json(), json_decode($r->getBody(), true));
        self::assertSame(1, $r->getAttempts());
        self::assertGreaterThan(0.0, $r->getDuration());
        self::assertMatchesRegularExpression('/^[0-9a-f]{16}$/', $r->getCorrelationId());
        self::assertNull($r->getHeader('missing'));
    }

    public function testAuthKinds(): void
    {
        $prefix = MockApi::prefix();
        $url = MockApi::get()->url();
        (new ApiClient($url, ['auth' => ['type' => 'bearer', 'token' => 'tok-1']]))->send('GET', "$prefix/bearer");
        (new ApiClient($url, ['auth' => ['type' => 'basic', 'username' => 'user', 'password' => 'p@ss']]))->send('GET', "$prefix/basic");
        (new ApiClient($url, ['auth' => ['type' => 'header', 'name' => 'X-Api-Key', 'value' => 'k-1']]))->send('GET', "$prefix/header");
        (new ApiClient($url, ['auth' => ['type' => 'query', 'name' => 'apikey', 'value' => 'q-1']]))->send('GET', "$prefix/query", ['query' => ['a' => 1]]);
        $seen = [];
        foreach (MockApi::get()->requests($prefix) as $r) {
            $seen[basename($r['path'])] = $r;
        }
        self::assertSame('Bearer tok-1', $seen['bearer']['headers']['authorization']);
        self::assertSame('Basic ' . base64_encode('user:p@ss'), $seen['basic']['headers']['authorization']);
        self::assertSame('k-1', $seen['header']['headers']['x-api-key']);
        self::assertSame('a=1&apikey=q-1', $seen['query']['query']);
    }

    public function testRedirectsAreFollowedByDefaultAndCanBeDisabled(): void
    {
        $prefix = MockApi::prefix();
        $mock = MockApi::get();
        $mock->script("$prefix/old", [['status' => 302, 'headers' => ['Location' => $mock->url("$prefix/new")]]], null, true);
        $r = (new ApiClient($mock->url()))->send('GET', "$prefix/old");
        self::assertSame(200, $r->getStatus());
        self::assertStringEndsWith("$prefix/new", $r->getUrl());
        $r = (new ApiClient($mock->url(), ['max_redirects' => 0]))->send('GET', "$prefix/old");
        self::assertSame(302, $r->getStatus());
    }

    public function testSendManyKeepsOrderCapsConcurrencyAndIsolatesFailures(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $requests = [];
        for ($i = 0; $i < 40; $i++) {
            $headers = ['X-Mock-Latency-Ms' => (string) (($i * 7) % 40 + 10)];
            if ($i % 10 === 3) {
                $headers['X-Mock-Status'] = '404';
            }
            $requests[] = $i % 2 ? ['GET', "$prefix/item/$i", ['headers' => $headers]]
                                 : ['method' => 'GET', 'path' => "$prefix/item/$i", 'options' => ['headers' => $headers]];
        }
        $results = $this->client()->sendMany($requests, ['concurrency' => 5]);
        self::assertCount(40, $results);
        foreach ($results as $i => $result) {
            if ($i % 10 === 3) {
                self::assertInstanceOf(ApiException::class, $result);
                self::assertSame(404, $result->getStatusCode());
            } else {
                self::assertInstanceOf(Response::class, $result);
                self::assertSame("/api/v2$prefix/item/$i", $result->json()['path']);
            }
        }
        $stats = $mock->stats("/api/v2$prefix");
        self::assertSame(40, $stats['requests']);
        self::assertLessThanOrEqual(5, $stats['max_in_flight']);
        self::assertGreaterThanOrEqual(4, $stats['max_in_flight'], 'requests really ran concurrently');
    }

    public function testSendManyIsConcurrent(): void
    {
        $prefix = MockApi::prefix();
        $requests = array_fill(0, 20, ['GET', "$prefix/slow", ['headers' => ['X-Mock-Latency-Ms' => '100']]]);
        $start = microtime(true);
        $results = $this->client()->sendMany($requests, ['concurrency' => 20]);
        self::assertLessThan(0.6, microtime(true) - $start, '20 × 100 ms in parallel');
        self::assertContainsOnlyInstancesOf(Response::class, $results);
    }

    public function testRateLimitSpacesRequests(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        // A unique rate keeps this test's limiter apart from others in the process.
        $client = $this->client(['rate_limit' => ['per_second' => 19.5, 'burst' => 1]]);
        $client->sendMany(array_fill(0, 10, ['GET', "$prefix/limited"]), ['concurrency' => 10]);
        $times = array_column($mock->requests("/api/v2$prefix"), 'arrived_at_ms');
        sort($times);
        self::assertCount(10, $times);
        $span = end($times) - $times[0];
        self::assertGreaterThanOrEqual(9 * 1000 / 19.5 * 0.9, $span, 'never faster than the limit');
        for ($i = 1; $i < count($times); $i++) {
            self::assertGreaterThanOrEqual(40, $times[$i] - $times[$i - 1], 'no two requests closer than the rate allows');
        }
    }

    public function testCircuitOpensFailsFastAndRecovers(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        $client = $this->client([
            'retry' => ['max_attempts' => 1],
            'circuit_breaker' => ['failure_ratio' => 0.5, 'min_calls' => 4, 'open_s' => 0.4, 'window_s' => 13.7],
        ]);
        self::assertSame('closed', $client->getCircuitState());
        for ($i = 0; $i < 4; $i++) {
            try {
                $client->send('GET', "$prefix/down", ['headers' => ['X-Mock-Status' => '503']]);
            } catch (ApiException $e) {
            }
        }
        self::assertSame('open', $client->getCircuitState());
        $start = microtime(true);
        try {
            $client->send('GET', "$prefix/down");
            self::fail('expected CircuitOpenException');
        } catch (CircuitOpenException $e) {
            self::assertGreaterThan(0.0, $e->getRetryAfter());
            self::assertLessThanOrEqual(0.4, $e->getRetryAfter());
        }
        self::assertLessThan(0.05, microtime(true) - $start, 'fails fast');
        self::assertCount(4, $mock->requests("/api/v2$prefix"), 'the open circuit sent nothing');
        usleep(450_000);
        self::assertSame(200, $client->send('GET', "$prefix/up")->getStatus(), 'half-open probe goes through');
        self::assertSame('closed', $client->getCircuitState());
    }

    public function testSequentialRequestsReuseOneConnection(): void
    {
        // A fresh process, so the pool holds no connections from other tests.
        $prefix = MockApi::prefix();
        $script = '$c = new Conduit\\ApiClient($argv[1]); for ($i = 0; $i < 100; $i++) { $c->send("GET", $argv[2]); } echo "done";';
        $output = PhpProcess::run($script, [MockApi::get()->url(), "$prefix/keepalive"]);
        self::assertSame('done', $output);
        $seen = MockApi::get()->requests($prefix);
        self::assertCount(100, $seen);
        self::assertCount(1, array_unique(array_column($seen, 'connection_id')), '100 requests over one TCP connection');
    }

    public function testStaleKeepAliveConnectionIsRetriedForIdempotentRequests(): void
    {
        $prefix = MockApi::prefix();
        $client = $this->client(['retry' => ['max_attempts' => 1]]);
        // The server closes the connection after answering, without saying so.
        $client->send('GET', "$prefix/a", ['headers' => ['X-Mock-Fault' => 'close_after_response']]);
        usleep(50_000);
        self::assertSame(200, $client->send('GET', "$prefix/b")->getStatus());
    }

    public function testResponseLargerThanLimitIsCut(): void
    {
        $prefix = MockApi::prefix();
        $client = $this->client(['max_response_bytes' => 10_000]);
        self::assertSame(9_000, strlen($client->send('GET', "$prefix/ok", ['headers' => ['X-Mock-Body-Bytes' => '9000']])->getBody()));
        $memory = memory_get_usage();
        try {
            $client->send('GET', "$prefix/huge", ['headers' => ['X-Mock-Body-Bytes' => (string) (50 * 1024 * 1024)]]);
            self::fail('expected TransportException');
        } catch (TransportException $e) {
            self::assertStringContainsString('max_response_bytes', $e->getMessage());
            self::assertSame(1, $e->getAttempts(), 'the same huge body is not fetched again');
        }
        self::assertLessThan(1024 * 1024, memory_get_usage() - $memory);
    }

    public function testSlowBodyHitsTotalTimeout(): void
    {
        $prefix = MockApi::prefix();
        $this->expectException(\Conduit\TimeoutException::class);
        $this->client(['timeout' => 0.3, 'retry' => ['max_attempts' => 1]])
            ->send('GET', "$prefix/slow", ['headers' => ['X-Mock-Slow-Body-Ms' => '100']]);
    }

    public function testConnectTimeoutAgainstBlackhole(): void
    {
        // 10.255.255.1 is never routed here; no packet leaves 127.0.0.1 in practice because
        // the connect attempt fails locally or times out — we only need the bound.
        $client = new ApiClient('http://127.0.0.1:9', ['connect_timeout' => 0.2, 'retry' => ['max_attempts' => 1]]);
        $start = microtime(true);
        try {
            $client->send('GET', '/');
            self::fail('expected TransportException');
        } catch (TransportException $e) {
            self::assertLessThan(1.0, microtime(true) - $start);
        }
    }

    public function testProxyCarriesTheRequest(): void
    {
        $prefix = MockApi::prefix();
        // The mock answers absolute-form requests like a forward proxy would forward them.
        $client = new ApiClient('http://erp.invalid/api', ['proxy' => MockApi::get()->url()]);
        self::assertSame(200, $client->send('GET', "$prefix/via-proxy")->getStatus());
        $seen = MockApi::get()->requests("/api$prefix");
        self::assertSame('erp.invalid', $seen[0]['headers']['host']);
    }

    public function testTlsIsVerifiedAndCaFileIsValidated(): void
    {
        $garbage = tempnam(sys_get_temp_dir(), 'ca');
        file_put_contents($garbage, "not a certificate\n");
        try {
            new ApiClient('https://a.test', ['ca_file' => $garbage]);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringContainsString('ca_file', $e->getMessage());
        } finally {
            unlink($garbage);
        }
        // https:// to a plain-HTTP server: the TLS handshake fails, nothing is sent in clear.
        $port = parse_url(MockApi::get()->url(), PHP_URL_PORT);
        $this->expectException(TransportException::class);
        (new ApiClient("https://127.0.0.1:$port", ['retry' => ['max_attempts' => 1]]))->send('GET', MockApi::prefix() . '/tls');
    }

    public function testOneSlowRequestDoesNotHoldTheOthersInSendMany(): void
    {
        $prefix = MockApi::prefix();
        $requests = [['GET', "$prefix/slow", ['headers' => ['X-Mock-Latency-Ms' => '600']]]];
        for ($i = 1; $i <= 30; $i++) {
            $requests[] = ['GET', "$prefix/fast/$i"];
        }
        $results = $this->client()->sendMany($requests, ['concurrency' => 4]);
        self::assertContainsOnlyInstancesOf(Response::class, $results);
        self::assertStringEndsWith("$prefix/slow", $results[0]->json()['path'], 'results stay in input order');
        $seen = MockApi::get()->requests("/api/v2$prefix");
        $start = min(array_column($seen, 'arrived_at_ms'));
        foreach ($seen as $r) {
            if (str_contains($r['path'], '/fast/')) {
                self::assertLessThan(400, $r['arrived_at_ms'] - $start, 'fast requests did not wait for the slow one');
            }
        }
    }
}
