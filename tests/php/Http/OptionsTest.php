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
        $this->expectExceptionMessage('Option "concurrency" must be an integer from 1 to 10000: "0" given.');
        $client->sendMany([], ['concurrency' => 0]);
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
