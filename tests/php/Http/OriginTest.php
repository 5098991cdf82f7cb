<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ConfigException;
use Conduit\Response;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/**
 * Credentials never reach another host: request paths stay under the base URL, and
 * redirects to another origin are not followed (or, with `redirects => 'any'`, are
 * followed without any credential). Two origins: the mock on 127.0.0.1 and a second
 * mock on 127.0.0.2 that records what it receives.
 */
final class OriginTest extends TestCase
{
    private const TOKEN = 'tok_0r1gin_c0ffee1234';
    private const USER = 'shop-user';

    private static function authOptions(string $auth): array
    {
        return match ($auth) {
            'bearer' => ['auth' => ['type' => 'bearer', 'token' => self::TOKEN]],
            'basic' => ['auth' => ['type' => 'basic', 'username' => self::USER, 'password' => self::TOKEN]],
            'header' => ['auth' => ['type' => 'header', 'name' => 'X-Api-Key', 'value' => self::TOKEN]],
            'query' => ['auth' => ['type' => 'query', 'name' => 'apikey', 'value' => self::TOKEN]],
            'userinfo' => [],
        };
    }

    private static function base(string $auth): string
    {
        $base = MockApi::get()->url('/api');
        return $auth === 'userinfo' ? str_replace('http://', 'http://' . self::USER . ':' . self::TOKEN . '@', $base) : $base;
    }

    /** @return array<string, array{string}> */
    public function authTypes(): array
    {
        return ['bearer' => ['bearer'], 'basic' => ['basic'], 'header' => ['header'], 'query' => ['query'], 'userinfo' => ['userinfo']];
    }

    /** Nothing that other origin received carries a credential, a custom header or a Referer. */
    private static function assertCleanArrival(array $record): void
    {
        $raw = json_encode($record);
        self::assertStringNotContainsString(self::TOKEN, $raw);
        self::assertStringNotContainsString(base64_encode(self::USER . ':' . self::TOKEN), $raw);
        foreach (['authorization', 'x-api-key', 'x-client-custom', 'x-request-custom', 'x-secret-header', 'referer', 'cookie', 'idempotency-key'] as $header) {
            self::assertArrayNotHasKey($header, $record['headers'], "$header went to the other origin");
        }
        self::assertStringNotContainsString('apikey', $record['query']);
    }

    private function client(string $auth, array $options = []): ApiClient
    {
        return new ApiClient(self::base($auth), $options + self::authOptions($auth) + [
            'headers' => ['X-Client-Custom' => 'client-wide'],
            'redact_headers' => ['X-Secret-Header'],
            'retry' => ['max_attempts' => 1],
        ]);
    }

    /** @return array<string, array{string}> */
    public function escapingPaths(): array
    {
        $other = MockApi::other()->url();
        return [
            'absolute URL' => ["$other/echo"],
            'absolute URL, upper-case scheme' => [str_replace('http://', 'HTTP://', $other) . '/echo'],
            'https URL' => [str_replace('http://', 'https://', $other) . '/echo'],
            'scheme-relative' => [substr($other, 5) . '/echo'],
            'dot segments' => ['../../echo'],
            'dot segments after a segment' => ['/x/../../echo'],
            'encoded dot segments' => ['/%2e%2e/%2e%2e/echo'],
            'mixed encoded dot segment' => ['/.%2E/echo'],
            'encoded slash traversal' => ['/..%2f..%2fecho'],
            'backslashes' => ['\\..\\..\\echo'],
            'backslash host' => ['\\\\127.0.0.2\\echo'],
            'CR LF' => ["/x\r\nHost: 127.0.0.2"],
        ];
    }

    /** @dataProvider escapingPaths */
    public function testAPathNeverLeavesTheBaseUrl(string $path): void
    {
        $other = MockApi::other();
        $before = count($other->requests('/'));
        $client = $this->client('bearer');
        try {
            $client->send('GET', $path);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringStartsWith('Path "', $e->getMessage());
            self::assertStringContainsString('would leave the base URL', $e->getMessage());
        }
        try {
            $client->sendMany([['GET', '/fine'], ['GET', $path]]);
            self::fail('expected ConfigException from sendMany');
        } catch (ConfigException $e) {
            self::assertStringContainsString('would leave the base URL', $e->getMessage());
        }
        self::assertCount($before, $other->requests('/'), 'the other origin received nothing');
        self::assertSame([], MockApi::get()->requests('/echo'), 'nothing outside the base path either');
    }

    public function testPathsInsideTheBaseStillWork(): void
    {
        $p = MockApi::prefix();
        $client = $this->client('bearer');
        self::assertSame("/api$p/b", $client->send('GET', "$p/a/../b")->json()['path']);
        self::assertSame("/api$p/items:list", $client->send('GET', "$p/items:list")->json()['path']);
        self::assertSame("/api$p/a%2Fb", $client->send('GET', "$p/a%2Fb")->json()['path']);
    }

    public function testQueuedPathsFollowTheSameRule(): void
    {
        $db = sys_get_temp_dir() . '/conduit-origin-' . bin2hex(random_bytes(4)) . '.db';
        try {
            $store = new Store("sqlite://$db");
            $store->migrate();
            $queue = new SyncQueue($store);
            try {
                $queue->pushRequest('POST', MockApi::other()->url('/echo'), ['json' => ['x' => 1]]);
                self::fail('expected ConfigException at push');
            } catch (ConfigException $e) {
                self::assertStringContainsString('would leave the base URL', $e->getMessage());
            }
            // A payload pushed before this rule existed (or written by hand) is refused at delivery.
            $id = $queue->push('conduit.http', ['method' => 'GET', 'path' => '/%2e%2e/%2e%2e/echo', 'idempotency_key' => 'k-1'], ['max_attempts' => 1]);
            // …and so is a method that is not a token (it used to go out as GET).
            $badMethod = $queue->push('conduit.http', ['method' => "GE T\r\nX: 1", 'path' => '/fine', 'idempotency_key' => 'k-2'], ['max_attempts' => 1]);
            $before = count(MockApi::other()->requests('/'));
            $queue->runDeliveries($this->client('bearer'), ['limit' => 10]);
            self::assertSame('failed', $queue->get($badMethod)->status);
            self::assertStringContainsString('ConfigException: HTTP method must be a token like GET or POST: "GE T\\r\\nX: 1" given.', (string) $queue->get($badMethod)->lastError);
            self::assertSame([], MockApi::get()->requests('/api/fine'));
            $job = $queue->get($id);
            self::assertSame('failed', $job->status, 'refused, not retried');
            self::assertStringContainsString('ConfigException: Path "/%2e%2e/%2e%2e/echo" would leave the base URL', (string) $job->lastError);
            self::assertSame([], MockApi::get()->requests('/echo'));
            self::assertCount($before, MockApi::other()->requests('/'));
        } finally {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($db . $suffix);
            }
        }
    }

    /** @dataProvider authTypes */
    public function testCrossOriginRedirectIsNotFollowedByDefault(string $auth): void
    {
        $p = MockApi::prefix();
        $mock = MockApi::get();
        $mock->script("/api$p/go", [['status' => 302, 'headers' => ['Location' => MockApi::other()->url("$p/landed")]]], null, true);
        $r = $this->client($auth)->send('GET', "$p/go", ['headers' => ['X-Request-Custom' => 'per-request']]);
        self::assertSame(302, $r->getStatus(), 'the 3xx is the answer');
        self::assertStringEndsWith("$p/landed", (string) $r->getHeader('location'));
        self::assertSame([], MockApi::other()->requests($p), 'the other origin received nothing');
    }

    /** @dataProvider authTypes */
    public function testAnyRedirectPolicyStripsEverythingSensitive(string $auth): void
    {
        $p = MockApi::prefix();
        $mock = MockApi::get();
        // With query auth the server even copies the auth parameter into the new location.
        $location = MockApi::other()->url("$p/landed?page=2" . ($auth === 'query' ? '&apikey=' . self::TOKEN : ''));
        $mock->script("/api$p/go", [['status' => 302, 'headers' => ['Location' => $location]]], null, true);
        $client = $this->client($auth, ['redirects' => 'any']);
        $r = $client->send('GET', "$p/go", ['headers' => ['X-Request-Custom' => 'per-request', 'X-Secret-Header' => 's'], 'idempotency_key' => 'idem-1']);
        self::assertSame(200, $r->getStatus());
        $seen = MockApi::other()->requests($p);
        self::assertCount(1, $seen);
        self::assertSame('page=2', $seen[0]['query']);
        self::assertCleanArrival($seen[0]);
        self::assertSame('application/json', $seen[0]['headers']['accept']);
        // The first hop, on the base origin, did carry the credential and the custom headers.
        $first = $mock->requests("/api$p/go")[0];
        self::assertSame('client-wide', $first['headers']['x-client-custom']);
        self::assertSame('per-request', $first['headers']['x-request-custom']);
    }

    /** @dataProvider authTypes */
    public function testCredentialsStayDroppedWhenARedirectComesBack(string $auth): void
    {
        $p = MockApi::prefix();
        $mock = MockApi::get();
        $mock->script("/api$p/go", [['status' => 302, 'headers' => ['Location' => MockApi::other()->url("$p/bounce")]]], null, true);
        MockApi::other()->script("$p/bounce", [['status' => 302, 'headers' => ['Location' => $mock->url("/api$p/back")]]], null, true);
        $r = $this->client($auth, ['redirects' => 'any'])->send('GET', "$p/go");
        self::assertSame(200, $r->getStatus());
        self::assertCleanArrival(MockApi::other()->requests("$p/bounce")[0]);
        self::assertCleanArrival($mock->requests("/api$p/back")[0]);
    }

    public function testAnyPolicyNeverResendsABodyToAnotherOrigin(): void
    {
        $p = MockApi::prefix();
        $mock = MockApi::get();
        foreach ([307, 308] as $status) {
            $mock->script("/api$p/keep$status", [['status' => $status, 'headers' => ['Location' => MockApi::other()->url("$p/landed$status")]]], null, true);
            $r = $this->client('header', ['redirects' => 'any'])->send('POST', "$p/keep$status", ['json' => ['card' => '4111']]);
            self::assertSame($status, $r->getStatus(), "$status with a body is not followed to another origin");
        }
        self::assertSame([], MockApi::other()->requests($p));
        // 303 (and 302 after POST) continue as a GET without the body.
        $mock->script("/api$p/see", [['status' => 303, 'headers' => ['Location' => MockApi::other()->url("$p/other")]]], null, true);
        $r = $this->client('header', ['redirects' => 'any'])->send('POST', "$p/see", ['json' => ['card' => '4111']]);
        self::assertSame(200, $r->getStatus());
        $seen = MockApi::other()->requests("$p/other");
        self::assertSame('GET', $seen[0]['method']);
        self::assertSame('', $seen[0]['body']);
        self::assertArrayNotHasKey('content-type', $seen[0]['headers']);
        self::assertCleanArrival($seen[0]);
    }

    public function testSameOriginRedirectsKeepCredentialsAndZeroTurnsThemOff(): void
    {
        $p = MockApi::prefix();
        $mock = MockApi::get();
        $mock->script("/api$p/old", [['status' => 307, 'headers' => ['Location' => $mock->url("/api$p/new")]]], null, true);
        $r = $this->client('header')->send('POST', "$p/old", ['json' => ['n' => 1]]);
        self::assertSame(200, $r->getStatus());
        $seen = $mock->requests("/api$p/new")[0];
        self::assertSame(self::TOKEN, $seen['headers']['x-api-key'], 'same origin: the credential goes along');
        self::assertSame('{"n":1}', $seen['body'], '307 re-sends the body on the same origin');
        self::assertArrayNotHasKey('referer', $seen['headers']);
        // A password in the base URL's userinfo also goes along on the base origin.
        $this->client('userinfo')->send('GET', "$p/old");
        $seen = $mock->requests("/api$p/new");
        self::assertSame('Basic ' . base64_encode(self::USER . ':' . self::TOKEN), end($seen)['headers']['authorization']);
        $r = $this->client('header', ['redirects' => 0])->send('GET', "$p/old");
        self::assertSame(307, $r->getStatus());
        $r = $this->client('header', ['max_redirects' => 0])->send('GET', "$p/old");
        self::assertSame(307, $r->getStatus());
    }

    public function testRedirectsOptionIsValidated(): void
    {
        foreach (['all', 1, true, ['any']] as $bad) {
            try {
                new ApiClient(MockApi::get()->url(), ['redirects' => $bad]);
                self::fail('expected ConfigException for ' . var_export($bad, true));
            } catch (ConfigException $e) {
                self::assertStringContainsString('Option "redirects" must be "same-origin", "any" or 0', $e->getMessage());
            }
        }
        self::assertInstanceOf(ApiClient::class, new ApiClient(MockApi::get()->url(), ['redirects' => 'same-origin']));
    }

    public function testBaseUrlPasswordIsMasked(): void
    {
        $client = new ApiClient('https://' . self::USER . ':' . self::TOKEN . '@erp.example.com/api');
        self::assertStringNotContainsString(self::TOKEN, $client->getBaseUrl());
        self::assertStringContainsString(self::USER . ':', $client->getBaseUrl());
        self::assertStringEndsWith('@erp.example.com/api', $client->getBaseUrl());
    }
}
