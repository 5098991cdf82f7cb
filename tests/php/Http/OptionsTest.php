<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ConfigException;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/** Bad input gets a ConfigException naming the option; nothing crashes PHP. */
final class OptionsTest extends TestCase
{
    /** @return array<string, array{string, array, string}> base URL, options, expected message fragment */
    public function badClientOptions(): array
    {
        return [
            'unknown key' => ['http://a.test', ['timout' => 1], 'Unknown option "timout" for Conduit\ApiClient. Allowed options are: timeout,'],
            'negative timeout' => ['http://a.test', ['timeout' => -1], 'Option "timeout" must be 0 (none) or a number of seconds from 0.001 to 86400: "-1" given.'],
            'timeout as text' => ['http://a.test', ['timeout' => 'soon'], 'Option "timeout" must be 0 (none) or a number of seconds from 0.001 to 86400: "soon" given.'],
            'relative URL' => ['/api', [], 'baseUrl must be an absolute http(s) URL'],
            'ftp URL' => ['ftp://a.test', [], 'baseUrl must be an absolute http(s) URL'],
            'URL with query' => ['http://a.test/?x=1', [], 'must not have a query'],
            'auth type' => ['http://a.test', ['auth' => ['type' => 'oauth']], 'Option "auth.type" must be one of bearer, basic, header, query: "oauth" given.'],
            'auth missing token' => ['http://a.test', ['auth' => ['type' => 'bearer']], 'Option "auth.token" is required.'],
            'auth not array' => ['http://a.test', ['auth' => 'token'], 'Option "auth" must be an associative array'],
            'retry unknown' => ['http://a.test', ['retry' => ['attempts' => 3]], 'Unknown option "retry.attempts"'],
            'retry zero attempts' => ['http://a.test', ['retry' => ['max_attempts' => 0]], 'Option "retry.max_attempts" must be an integer from 1 to 100: "0" given.'],
            'retry delays' => ['http://a.test', ['retry' => ['base_delay_ms' => 500, 'max_delay_ms' => 100]], 'must not exceed retry.max_delay_ms'],
            'rate limit' => ['http://a.test', ['rate_limit' => ['per_second' => 0]], 'Option "rate_limit.per_second" must be a number from 0.001 to 1000000: "0" given.'],
            'breaker ratio' => ['http://a.test', ['circuit_breaker' => ['failure_ratio' => 1.5]], 'Option "circuit_breaker.failure_ratio" must be a number in (0, 1]: "1.5" given.'],
            'verify_tls type' => ['http://a.test', ['verify_tls' => 'no'], 'Option "verify_tls" must be a boolean: "no" given.'],
            'ca_file missing' => ['http://a.test', ['ca_file' => '/nonexistent.pem'], 'Option "ca_file" must name a readable file'],
            'proxy' => ['http://a.test', ['proxy' => 'not a url'], 'Option "proxy" must be a URL'],
            'log not callable' => ['http://a.test', ['log' => 'no_such_function_x'], 'Option "log" must be a callable or a Conduit\Store'],
            'headers not map' => ['http://a.test', ['headers' => 'X: y'], 'Option "headers" must be an array of name => value'],
        ];
    }

    /** @dataProvider badClientOptions */
    public function testBadClientOptions(string $baseUrl, array $options, string $message): void
    {
        try {
            new ApiClient($baseUrl, $options);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    /**
     * Every numeric option has a range: NaN, INF, negative, absurdly small or large
     * values are a ConfigException naming the option and quoting the value — never a
     * Rust panic (`per_second => 1e-20` used to panic in Duration::from_secs_f64).
     *
     * @return array<string, array{array, string}> options, expected message
     */
    public function outOfRangeClientOptions(): array
    {
        $range = fn (string $o, string $v, string $r) => "Option \"$o\" must be $r: \"$v\" given.";
        $secs = '0 (none) or a number of seconds from 0.001 to 86400';
        return [
            'per_second 1e-20 (was a panic)' => [['rate_limit' => ['per_second' => 1e-20]], $range('rate_limit.per_second', '1e-20', 'a number from 0.001 to 1000000')],
            'per_second 1e20' => [['rate_limit' => ['per_second' => 1e20]], $range('rate_limit.per_second', '1e+20', 'a number from 0.001 to 1000000')],
            'per_second NAN' => [['rate_limit' => ['per_second' => NAN]], 'Option "rate_limit.per_second" is NaN, which JSON cannot hold.'],
            'per_second INF' => [['rate_limit' => ['per_second' => INF]], 'Option "rate_limit.per_second" is inf, which JSON cannot hold.'],
            'burst 0' => [['rate_limit' => ['per_second' => 1, 'burst' => 0]], $range('rate_limit.burst', '0', 'an integer from 1 to 1000000')],
            'timeout 1e-9 (was "no timeout")' => [['timeout' => 1e-9], $range('timeout', '1e-9', $secs)],
            'timeout 1e300' => [['timeout' => 1e300], $range('timeout', '1e+300', $secs)],
            'timeout 1e9' => [['timeout' => 1e9], $range('timeout', '1000000000.0', $secs)],
            'timeout INF' => [['timeout' => INF], 'Option "timeout" is inf, which JSON cannot hold.'],
            'connect_timeout 0' => [['connect_timeout' => 0], $range('connect_timeout', '0', 'a number from 0.001 to 3600')],
            'connect_timeout 1e-20' => [['connect_timeout' => 1e-20], $range('connect_timeout', '1e-20', 'a number from 0.001 to 3600')],
            'connect_timeout 1e20' => [['connect_timeout' => 1e20], $range('connect_timeout', '1e+20', 'a number from 0.001 to 3600')],
            'retry.max_attempts 101' => [['retry' => ['max_attempts' => 101]], $range('retry.max_attempts', '101', 'an integer from 1 to 100')],
            'retry.base_delay_ms negative' => [['retry' => ['base_delay_ms' => -1]], $range('retry.base_delay_ms', '-1', 'an integer from 0 to 3600000')],
            'retry.max_delay_ms huge' => [['retry' => ['max_delay_ms' => PHP_INT_MAX]], $range('retry.max_delay_ms', (string) PHP_INT_MAX, 'an integer from 0 to 86400000')],
            'retry.budget_ms 0' => [['retry' => ['budget_ms' => 0]], $range('retry.budget_ms', '0', 'an integer from 1 to 86400000')],
            'failure_ratio 0' => [['circuit_breaker' => ['failure_ratio' => 0]], $range('circuit_breaker.failure_ratio', '0', 'a number in (0, 1]')],
            'min_calls 0' => [['circuit_breaker' => ['min_calls' => 0]], $range('circuit_breaker.min_calls', '0', 'an integer from 1 to 1000000')],
            'window_s 1e-20' => [['circuit_breaker' => ['window_s' => 1e-20]], $range('circuit_breaker.window_s', '1e-20', 'a number from 0.001 to 86400')],
            'open_s 1e300' => [['circuit_breaker' => ['open_s' => 1e300]], $range('circuit_breaker.open_s', '1e+300', 'a number from 0.001 to 86400')],
            'open_s negative' => [['circuit_breaker' => ['open_s' => -1]], $range('circuit_breaker.open_s', '-1', 'a number from 0.001 to 86400')],
            'max_redirects 101' => [['max_redirects' => 101], $range('max_redirects', '101', 'an integer from 0 to 100')],
            'max_response_bytes 2^41' => [['max_response_bytes' => 2 ** 41], $range('max_response_bytes', (string) (2 ** 41), 'an integer from 1 to 1099511627776')],
            'max_response_bytes 0' => [['max_response_bytes' => 0], $range('max_response_bytes', '0', 'an integer from 1 to 1099511627776')],
            'log_body_bytes negative' => [['log_body_bytes' => -1], $range('log_body_bytes', '-1', 'an integer from 0 to 16777216')],
            'pool_idle_timeout 1e-20' => [['pool_idle_timeout' => 1e-20], $range('pool_idle_timeout', '1e-20', 'a number from 0.001 to 86400')],
            'pool_idle_timeout 1e20' => [['pool_idle_timeout' => 1e20], $range('pool_idle_timeout', '1e+20', 'a number from 0.001 to 86400')],
            'pool_max_idle_per_host 10001' => [['pool_max_idle_per_host' => 10001], $range('pool_max_idle_per_host', '10001', 'an integer from 0 to 10000')],
        ];
    }

    /** @dataProvider outOfRangeClientOptions */
    public function testNumericOptionsHaveRanges(array $options, string $message): void
    {
        try {
            new ApiClient('http://a.test', $options);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertSame($message, $e->getMessage());
        }
    }

    /**
     * CR/LF and other characters a header cannot hold are refused where they are
     * configured, naming the option; a credential is never quoted.
     *
     * @return array<string, array{array, string}>
     */
    public function badHeaderOptions(): array
    {
        return [
            'user_agent CR LF' => [['user_agent' => "a\r\nX-Injected: 1"], 'Option "user_agent" must be a valid HTTP header value (no CR, LF or NUL): "a\\r\\nX-Injected: 1" given.'],
            'user_agent control' => [['user_agent' => "a\x01b"], 'Option "user_agent" must be a valid HTTP header value (visible ASCII only, no control characters): "a\\u{1}b" given.'],
            'idempotency_header CR LF' => [['idempotency_header' => "Idem\r\nX: 1"], 'Option "idempotency_header" must be a valid HTTP header name'],
            'idempotency_header space' => [['idempotency_header' => 'Idem Key'], 'Option "idempotency_header" must be a valid HTTP header name'],
            'headers value CR LF' => [['headers' => ['X-A' => "a\r\nInjected: 1"]], 'Option "headers.X-A" has an invalid value (no CR, LF or NUL; the value is not quoted).'],
            'headers name CR LF' => [['headers' => ["X\r\nY" => 'a']], 'Option "headers" has an invalid header name'],
            'auth.name CR LF' => [['auth' => ['type' => 'header', 'name' => "X-Key\r\nX: 1", 'value' => 'v']], 'Option "auth.name" must be a valid HTTP header name'],
            'auth.value CR LF' => [['auth' => ['type' => 'header', 'name' => 'X-Key', 'value' => "s3cr3t\r\nX: 1"]], 'Option "auth.value" must be a valid HTTP header value (no CR, LF or NUL): the value is not quoted, it may be a secret.'],
            'auth.token LF' => [['auth' => ['type' => 'bearer', 'token' => "s3cr3t\nX: 1"]], 'Option "auth.token" must be a valid HTTP header value (no CR, LF or NUL): the value is not quoted, it may be a secret.'],
            'auth.username colon' => [['auth' => ['type' => 'basic', 'username' => 'a:b', 'password' => 'p']], 'Option "auth.username" must not contain ":"'],
        ];
    }

    /** @dataProvider badHeaderOptions */
    public function testHeaderOptionsRefuseWhatAHeaderCannotHold(array $options, string $message): void
    {
        try {
            new ApiClient('http://a.test', $options);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringStartsWith($message, $e->getMessage());
            self::assertStringNotContainsString('s3cr3t', $e->getMessage());
            self::assertStringNotContainsString("\n", $e->getMessage(), 'no raw newline in a message');
        }
    }

    /** @return array<string, array{string, string, array, string}> */
    public function badRequests(): array
    {
        $self = [];
        $self['me'] = &$self;
        return [
            'unknown request option' => ['GET', '/', ['jsn' => []], 'Unknown option "jsn" for a request'],
            'two bodies' => ['POST', '/', ['json' => [], 'body' => 'x'], 'exclusive'],
            'bad method' => ['GE T', '/', [], 'HTTP method must be a token'],
            'binary in json' => ['POST', '/', ['json' => ['x' => "\xff\xfe"]], '"json.x" is not valid UTF-8'],
            'NAN in json' => ['POST', '/', ['json' => [NAN]], 'which JSON cannot hold'],
            'recursive json' => ['POST', '/', ['json' => $self], 'nested deeper than'],
            'closure in json' => ['POST', '/', ['json' => ['f' => fn () => 1]], 'Closure'],
            'body not string' => ['POST', '/', ['body' => ['a']], 'Option "body" must be a string'],
            'header newline' => ['GET', '/', ['headers' => ['X-A' => "a\r\nInjected: 1"]], 'invalid value'],
            'timeout 1e-9' => ['GET', '/', ['timeout' => 1e-9], 'Option "timeout" must be 0 (none) or a number of seconds from 0.001 to 86400: "1e-9" given.'],
            'timeout 1e300' => ['GET', '/', ['timeout' => 1e300], 'Option "timeout" must be 0 (none) or a number of seconds from 0.001 to 86400: "1e+300" given.'],
            'idempotency_key CR LF' => ['POST', '/', ['idempotency_key' => "k\r\nX: 1"], 'Option "idempotency_key" must be a valid HTTP header value (no CR, LF or NUL): "k\\r\\nX: 1" given.'],
            'header name CR LF' => ['GET', '/', ['headers' => ["X\r\nY" => 'a']], 'Option "headers" has an invalid header name'],
            'negative timeout' => ['GET', '/', ['timeout' => -5], 'Option "timeout" must be 0 (none) or a number of seconds from 0.001 to 86400: "-5" given.'],
        ];
    }

    /** @dataProvider badRequests */
    public function testBadRequestOptions(string $method, string $path, array $options, string $message): void
    {
        $client = new ApiClient(MockApi::get()->url());
        try {
            $client->send($method, $path, $options);
            self::fail('expected ConfigException');
        } catch (ConfigException $e) {
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    public function testBadSendManyInput(): void
    {
        $client = new ApiClient(MockApi::get()->url());
        foreach ([[['GET']], ['GET /'], [['method' => 'GET']], [[1, 2]]] as $requests) {
            try {
                $client->sendMany($requests);
                self::fail('expected ConfigException');
            } catch (ConfigException $e) {
                self::assertStringContainsString('Request #0 must be', $e->getMessage());
            }
        }
        foreach ([[0, '0'], [10001, '10001'], [1.5, '1.5'], ['8', '8'], [-1, '-1']] as [$bad, $quoted]) {
            try {
                $client->sendMany([], ['concurrency' => $bad]);
                self::fail('expected ConfigException');
            } catch (ConfigException $e) {
                self::assertSame("Option \"concurrency\" must be an integer from 1 to 10000: \"$quoted\" given.", $e->getMessage());
            }
        }
    }

    public function testJsonSerializableAndObjectsAreEncoded(): void
    {
        $prefix = MockApi::prefix();
        $payload = new class implements \JsonSerializable {
            public function jsonSerialize(): mixed
            {
                return ['sku' => 'A-1', 'qty' => 2];
            }
        };
        $obj = new \stdClass();
        $obj->name = 'x';
        $echo = (new ApiClient(MockApi::get()->url()))->request('POST', "$prefix/j", ['json' => ['item' => $payload, 'meta' => $obj, 'empty' => []]]);
        self::assertSame('{"item":{"sku":"A-1","qty":2},"meta":{"name":"x"},"empty":[]}', $echo['body']);
    }
}
