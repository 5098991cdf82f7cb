<?php
declare(strict_types=1);

namespace Conduit\Tests\Security;

use Conduit\ConduitException;
use Conduit\ConfigException;
use Conduit\SignatureException;
use Conduit\WebhookEvent;
use Conduit\WebhookSecurity;
use Conduit\Tests\Security\Support\ReferenceSchemes;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/Support/ReferenceSchemes.php';

/**
 * Conduit\WebhookSecurity as PHP sees it: reference vectors, every reason code
 * with its HTTP status, header shapes, byte-exact bodies, options, and that no
 * secret leaks through var_dump, serialization or exception traces.
 */
final class WebhookSecurityTest extends TestCase
{
    private const STD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    private const STD_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    private const STD_TS = 1614265330;
    private const STD_BODY = '{"test": 2432232314}';
    private const STD_SIG = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

    private const STRIPE_SECRET = 'whsec_test_secret';
    private const STRIPE_TS = 1614000000;
    private const STRIPE_BODY = '{"id":"evt_test_webhook","object":"event"}';
    private const STRIPE_HEADER = 't=1614000000,v1=92aa6d54e0ff430d69e93c79b5abe517df5059b3eb69a5bf7854423572ed0beb';

    private static function standard(array $extra = []): WebhookSecurity
    {
        return new WebhookSecurity(['scheme' => 'standard', 'secrets' => [self::STD_SECRET]] + $extra);
    }

    /** @return array<string,string> */
    private static function stdHeaders(string $id = self::STD_ID, string $ts = '1614265330', string $sig = self::STD_SIG): array
    {
        return ['webhook-id' => $id, 'webhook-timestamp' => $ts, 'webhook-signature' => $sig];
    }

    private static function catchSignature(callable $fn): SignatureException
    {
        try {
            $fn();
        } catch (SignatureException $e) {
            return $e;
        }
        self::fail('expected a SignatureException');
    }

    // --- Reference vectors ----------------------------------------------------------

    public function testStandardReferenceVector(): void
    {
        $event = self::standard()->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS);
        self::assertInstanceOf(WebhookEvent::class, $event);
        self::assertSame(self::STD_ID, $event->getId());
        self::assertSame(self::STD_TS, $event->getTimestamp());
        self::assertNull($event->getType());
        self::assertSame(['test' => 2432232314], $event->getPayload());
        self::assertSame(self::STD_BODY, $event->getRawBody());
    }

    public function testStandardSignReproducesTheVector(): void
    {
        self::assertSame(self::stdHeaders(), self::standard()->sign(self::STD_BODY, self::STD_ID, self::STD_TS));
    }

    public function testStripeReferenceVector(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'stripe', 'secrets' => self::STRIPE_SECRET]);
        $event = $hooks->verify(self::STRIPE_BODY, ['Stripe-Signature' => self::STRIPE_HEADER], self::STRIPE_TS);
        self::assertSame('evt_test_webhook', $event->getId());
        self::assertSame(self::STRIPE_TS, $event->getTimestamp());
        self::assertSame(['Stripe-Signature' => self::STRIPE_HEADER], $hooks->sign(self::STRIPE_BODY, null, self::STRIPE_TS));
        self::assertSame('stripe', $hooks->getScheme());
    }

    public function testSpecMustPassHeaderWithUnknownAndInvalidEntries(): void
    {
        $header = 'v2,AAAAbbbb v1,dawfeoifkpqwoekfpqoekf ' . self::STD_SIG . ' v1a,zzzz';
        self::assertSame(self::STD_ID, self::standard()->verify(self::STD_BODY, self::stdHeaders(sig: $header), self::STD_TS)->getId());
    }

    // --- Reason codes and statuses --------------------------------------------------

    /** @return iterable<string, array{callable, string, int}> */
    public static function reasonProvider(): iterable
    {
        $std = fn (array $headers, string $body = self::STD_BODY, int $now = self::STD_TS, array $extra = []) =>
            fn () => self::standard($extra)->verify($body, $headers, $now);
        // name => [call, reason, httpStatus]
        yield 'missing webhook-signature' => [$std(['webhook-id' => self::STD_ID, 'webhook-timestamp' => '1614265330']), 'missing_header', 400];
        yield 'no headers at all' => [$std([]), 'missing_header', 400];
        yield 'spec: timestamp 161426533.0' => [$std(self::stdHeaders(ts: '161426533.0')), 'malformed_header', 400];
        yield 'spec: timestamp "invalid timestamp"' => [$std(self::stdHeaders(ts: 'invalid timestamp')), 'malformed_header', 400];
        yield 'signature without entries' => [$std(self::stdHeaders(sig: 'garbage')), 'malformed_header', 400];
        yield 'spec: signature v1,dawfeoifkpqwoekfpqoekf' => [$std(self::stdHeaders(sig: 'v1,dawfeoifkpqwoekfpqoekf')), 'bad_signature', 401];
        yield 'only v2 entries' => [$std(self::stdHeaders(sig: 'v2,' . substr(self::STD_SIG, 3))), 'bad_signature', 401];
        yield 'body changed' => [$std(self::stdHeaders(), '{"test": 2432232315}'), 'bad_signature', 401];
        yield '301 s old' => [$std(self::stdHeaders(), self::STD_BODY, self::STD_TS + 301), 'timestamp_too_old', 401];
        yield '301 s ahead' => [$std(self::stdHeaders(), self::STD_BODY, self::STD_TS - 301), 'timestamp_too_new', 401];
        yield 'body one byte over max_body_bytes' => [$std(self::stdHeaders(), self::STD_BODY, self::STD_TS, ['max_body_bytes' => strlen(self::STD_BODY) - 1]), 'body_too_large', 413];
        $hmac = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]);
        yield 'signed body that is not JSON' => [fn () => $hmac->verify('not json', ['X-Signature' => hash_hmac('sha256', 'not json', 's')]), 'malformed_json', 400];
        yield 'signed JSON scalar' => [fn () => $hmac->verify('"text"', ['X-Signature' => hash_hmac('sha256', '"text"', 's')]), 'malformed_json', 400];
        $stripe = new WebhookSecurity(['scheme' => 'stripe', 'secrets' => [self::STRIPE_SECRET]]);
        yield 'stripe: only v0' => [fn () => $stripe->verify(self::STRIPE_BODY, ['Stripe-Signature' => str_replace('v1=', 'v0=', self::STRIPE_HEADER)], self::STRIPE_TS), 'bad_signature', 401];
        yield 'stripe: no t=' => [fn () => $stripe->verify(self::STRIPE_BODY, ['Stripe-Signature' => 'v1=abc'], self::STRIPE_TS), 'malformed_header', 400];
    }

    /** @dataProvider reasonProvider */
    public function testReasonCodeAndHttpStatus(callable $call, string $reason, int $status): void
    {
        $e = self::catchSignature($call);
        self::assertSame($reason, $e->getReason());
        self::assertSame($status, $e->getHttpStatus());
        self::assertSame($status, $e->getCode());
        self::assertInstanceOf(\RuntimeException::class, $e);
        self::assertInstanceOf(ConduitException::class, $e);
    }

    public function testToleranceEdgesAreInclusive(): void
    {
        $hooks = self::standard(['tolerance_s' => 60]);
        self::assertNotNull($hooks->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS + 60));
        self::assertNotNull($hooks->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS - 60));
        self::assertSame('timestamp_too_old', self::catchSignature(fn () => $hooks->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS + 61))->getReason());
        self::assertSame('timestamp_too_new', self::catchSignature(fn () => $hooks->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS - 61))->getReason());
    }

    public function testNowDefaultsToTheClock(): void
    {
        $hooks = self::standard();
        $headers = $hooks->sign('{"a":1}');
        self::assertEqualsWithDelta(time(), (int) $headers['webhook-timestamp'], 2);
        self::assertStringStartsWith('msg_', $headers['webhook-id']);
        self::assertSame($headers['webhook-id'], $hooks->verify('{"a":1}', $headers)->getId());
        // The reference vector is from 2021: far outside the window today.
        self::assertSame('timestamp_too_old', self::catchSignature(fn () => $hooks->verify(self::STD_BODY, self::stdHeaders()))->getReason());
    }

    public function testExceptionCarriesTheCallersFileLineAndTrace(): void
    {
        $hooks = self::standard();
        try {
            $line = __LINE__ + 1;
            $hooks->verify(self::STD_BODY, [], self::STD_TS);
        } catch (SignatureException $e) {
            self::assertSame(__FILE__, $e->getFile());
            self::assertSame($line, $e->getLine());
            self::assertSame('verify', $e->getTrace()[0]['function']);
            self::assertStringContainsString('webhook-id', $e->getMessage());
            return;
        }
        self::fail('no exception');
    }

    // --- Header shapes ---------------------------------------------------------------

    /** @return iterable<string, array{array<mixed>}> */
    public static function headerShapeProvider(): iterable
    {
        yield 'getallheaders()' => [['Webhook-Id' => self::STD_ID, 'Webhook-Timestamp' => '1614265330', 'Webhook-Signature' => self::STD_SIG, 'Content-Type' => 'application/json']];
        yield 'lower case' => [self::stdHeaders()];
        yield '$_SERVER' => [['HTTP_WEBHOOK_ID' => self::STD_ID, 'HTTP_WEBHOOK_TIMESTAMP' => '1614265330', 'HTTP_WEBHOOK_SIGNATURE' => self::STD_SIG, 'REQUEST_METHOD' => 'POST']];
        yield 'PSR-7 value lists' => [['webhook-id' => [self::STD_ID], 'webhook-timestamp' => ['1614265330'], 'webhook-signature' => [self::STD_SIG]]];
        yield 'timestamp as int' => [['webhook-id' => self::STD_ID, 'webhook-timestamp' => self::STD_TS, 'webhook-signature' => self::STD_SIG]];
        yield 'raw header lines' => [['Webhook-Id: ' . self::STD_ID, 'Webhook-Timestamp: 1614265330', 'Webhook-Signature: ' . self::STD_SIG]];
        yield 'surrounding blanks' => [['webhook-id' => ' ' . self::STD_ID, 'webhook-timestamp' => "1614265330\t", 'webhook-signature' => self::STD_SIG . ' ']];
        yield 'binary junk keys next to the real ones' => [self::stdHeaders() + ["\xff\xfe" => 'x', 7 => "\x00"]];
    }

    /** @dataProvider headerShapeProvider */
    public function testHeaderShapes(array $headers): void
    {
        self::assertSame(self::STD_ID, self::standard()->verify(self::STD_BODY, $headers, self::STD_TS)->getId());
    }

    public function testSameHeaderTwiceWithDifferentValuesIsMalformed(): void
    {
        $headers = self::stdHeaders() + ['HTTP_WEBHOOK_TIMESTAMP' => '1614265331'];
        self::assertSame('malformed_header', self::catchSignature(fn () => self::standard()->verify(self::STD_BODY, $headers, self::STD_TS))->getReason());
    }

    // --- Bodies -------------------------------------------------------------------------

    public function testBodyIsVerifiedByteExactlyIncludingNulAndNonUtf8(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s'], 'header' => 'X-Hub-Signature-256', 'prefix' => 'sha256=']);
        $binary = "{\"a\":1}\x00\xff\xfe tail";
        $headers = ['X-Hub-Signature-256' => ReferenceSchemes::hmacSign('s', $binary, prefix: 'sha256=')];
        // The signature matched the exact bytes; only then is JSON checked.
        self::assertSame('malformed_json', self::catchSignature(fn () => $hooks->verify($binary, $headers))->getReason());
        $flipped = substr_replace($binary, "\xfe", 8, 1);
        self::assertSame('bad_signature', self::catchSignature(fn () => $hooks->verify($flipped, $headers))->getReason());
        $truncated = substr($binary, 0, 7);
        self::assertSame('bad_signature', self::catchSignature(fn () => $hooks->verify($truncated, $headers))->getReason());
    }

    public function testRawBodyIsNotReencoded(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]);
        // Spacing, key order, escapes and a trailing newline that json_encode would change.
        $body = "{ \"b\" : \"\\u00e9\\u0000\",\"a\":[1, 2.50, 18446744073709551616] ,\"type\":\"x.y\"}\n";
        $event = $hooks->verify($body, ['X-Signature' => hash_hmac('sha256', $body, 's')]);
        self::assertSame($body, $event->getRawBody());
        self::assertSame(json_decode($body, true), $event->getPayload());
        self::assertSame($event->getPayload(), $event->getPayload());
        self::assertSame('x.y', $event->getType());
        self::assertSame('sha256:' . hash('sha256', $body), $event->getId());
        $reencoded = json_encode(json_decode($body, true));
        self::assertSame('bad_signature', self::catchSignature(fn () => $hooks->verify($reencoded, ['X-Signature' => hash_hmac('sha256', $body, 's')]))->getReason());
    }

    public function testEventTypeAndIdFields(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s'], 'event_type_field' => 'kind', 'id_field' => 'uuid']);
        $body = '{"kind":"order.paid","type":"ignored","uuid":"7f1c"}';
        $event = $hooks->verify($body, ['X-Signature' => hash_hmac('sha256', $body, 's')]);
        self::assertSame(['order.paid', '7f1c', null], [$event->getType(), $event->getId(), $event->getTimestamp()]);
        $fallback = '{"event":"user.created"}';
        $event = (new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]))->verify($fallback, ['X-Signature' => hash_hmac('sha256', $fallback, 's')]);
        self::assertSame('user.created', $event->getType());
    }

    // --- Rotation ----------------------------------------------------------------------

    public function testAnyConfiguredSecretMayMatch(): void
    {
        $new = 'whsec_' . base64_encode(random_bytes(32));
        $hooks = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$new, self::STD_SECRET]]);
        self::assertNotNull($hooks->verify(self::STD_BODY, self::stdHeaders(), self::STD_TS));
        $signed = $hooks->sign('{"x":1}', 'msg_rot', 1000);
        self::assertCount(2, explode(' ', $signed['webhook-signature']));
        foreach ([$new, self::STD_SECRET] as $secret) {
            self::assertTrue(ReferenceSchemes::standardVerify($secret, $signed, '{"x":1}', 1000));
        }
    }

    // --- Options ---------------------------------------------------------------------------

    /** @return iterable<string, array{array<mixed>, string}> */
    public static function badOptionsProvider(): iterable
    {
        $ok = ['scheme' => 'standard', 'secrets' => [self::STD_SECRET]];
        yield 'unknown option' => [$ok + ['tolerance' => 5], 'Unknown option "tolerance" for Conduit\WebhookSecurity. Allowed options are: scheme, secrets, tolerance_s, max_body_bytes, event_type_field, id_field, header, encoding, prefix, algorithm.'];
        yield 'integer key' => [$ok + [0 => 'x'], 'Unknown option 0 for Conduit\WebhookSecurity.'];
        yield 'no scheme' => [['secrets' => ['x']], 'Option "scheme" is required'];
        yield 'unknown scheme' => [['scheme' => 'svix', 'secrets' => ['x']], '"svix" given'];
        yield 'scheme not a string' => [['scheme' => 1, 'secrets' => ['x']], 'Option "scheme" must be a string, int given.'];
        yield 'no secrets' => [['scheme' => 'standard'], 'Option "secrets" is required'];
        yield 'empty secrets' => [['scheme' => 'standard', 'secrets' => []], '"secrets" must hold at least one secret'];
        yield 'secret not a string' => [['scheme' => 'standard', 'secrets' => [123]], 'entry #1 is int'];
        yield 'secrets not a list' => [['scheme' => 'standard', 'secrets' => 1.5], 'must be a string or a list of strings, float given'];
        yield 'bad whsec base64' => [['scheme' => 'standard', 'secrets' => ['whsec_!!!']], 'Secret #1 of scheme "standard"'];
        yield 'tolerance as string' => [$ok + ['tolerance_s' => '300'], 'Option "tolerance_s" must be an int, string given.'];
        yield 'tolerance zero' => [$ok + ['tolerance_s' => 0], 'Option "tolerance_s" must be between 1 and 86400: 0 given.'];
        yield 'tolerance negative' => [$ok + ['tolerance_s' => -1], 'Option "tolerance_s" must not be negative: -1 given.'];
        yield 'max_body_bytes zero' => [$ok + ['max_body_bytes' => 0], 'max_body_bytes'];
        yield 'hmac option on standard' => [$ok + ['prefix' => 'sha256='], 'Option "prefix" applies only to scheme "hmac", not "standard".'];
        yield 'id_field on standard' => [$ok + ['id_field' => 'id'], 'Option "id_field" does not apply to scheme "standard"'];
        yield 'bad encoding' => [['scheme' => 'hmac', 'secrets' => 's', 'encoding' => 'b64'], 'Option "encoding" must be "hex" or "base64": "b64" given.'];
        yield 'bad algorithm' => [['scheme' => 'hmac', 'secrets' => 's', 'algorithm' => 'md5'], '"md5" given'];
        yield 'bad header name' => [['scheme' => 'hmac', 'secrets' => 's', 'header' => "X Sig\n"], 'Option "header" must be an HTTP header name: "X Sig\x0a" given.'];
    }

    /** @dataProvider badOptionsProvider */
    public function testBadOptionsThrowConfigException(array $options, string $expected): void
    {
        try {
            new WebhookSecurity($options);
        } catch (ConfigException $e) {
            self::assertStringContainsString($expected, $e->getMessage());
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertInstanceOf(ConduitException::class, $e);
            self::assertSame(__FILE__, $e->getFile());
            return;
        }
        self::fail('no ConfigException');
    }

    public function testWrongArgumentTypesAreTypeErrors(): void
    {
        $this->expectException(\TypeError::class);
        self::standard()->verify(['not a string'], []);
    }

    // --- Secrets stay secret ---------------------------------------------------------------

    public function testNoSecretInDumpsSerializationOrTraces(): void
    {
        $secret = 'whsec_' . base64_encode('TOP-SECRET-KEY-MATERIAL-1234567');
        $hooks = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$secret]]);
        $needles = [$secret, base64_encode('TOP-SECRET-KEY-MATERIAL-1234567'), 'TOP-SECRET'];

        ob_start();
        var_dump($hooks);
        print_r($hooks);
        var_export($hooks);
        echo json_encode($hooks), serialize((array) $hooks), print_r(get_object_vars($hooks), true);
        $dumps = (string) ob_get_clean();
        foreach ($needles as $needle) {
            self::assertStringNotContainsString($needle, $dumps);
        }
        try {
            serialize($hooks);
            self::fail('serialize() must be refused');
        } catch (\Exception $e) {
            self::assertStringContainsString('not allowed', $e->getMessage());
        }
        try {
            $copy = clone $hooks;
            self::fail('clone must be refused');
        } catch (\Error $e) {
            self::assertStringContainsString('uncloneable', $e->getMessage());
        }

        // Constructor arguments are #[\SensitiveParameter]: traces hold a placeholder.
        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$secret], 'tolerance_s' => 0]);
            self::fail('tolerance_s 0 must be refused');
        } catch (ConfigException $e) {
            $trace = print_r($e->getTrace(), true) . $e->getTraceAsString();
            foreach ($needles as $needle) {
                self::assertStringNotContainsString($needle, $trace);
                self::assertStringNotContainsString($needle, $e->getMessage());
            }
            self::assertInstanceOf(\SensitiveParameterValue::class, $e->getTrace()[0]['args'][0]);
        } finally {
            ini_set('zend.exception_ignore_args', (string) $previous);
        }
    }

    public function testBadSignatureMessageRevealsNoSignature(): void
    {
        $hooks = self::standard();
        $right = $hooks->sign('{"test": 1}', self::STD_ID, self::STD_TS)['webhook-signature'];
        $e = self::catchSignature(fn () => $hooks->verify('{"test": 1}', self::stdHeaders(), self::STD_TS));
        self::assertStringNotContainsString(substr($right, 3), $e->getMessage());
        self::assertStringNotContainsString(substr(self::STD_SIG, 3), $e->getMessage());
    }

    public function testEventCannotBeCreatedFromPhp(): void
    {
        $this->expectException(ConfigException::class);
        new WebhookEvent();
    }

    public function testSignAndVerifyShareOneTimestampRange(): void
    {
        foreach ([self::standard(), new WebhookSecurity(['scheme' => 'stripe', 'secrets' => self::STRIPE_SECRET])] as $hooks) {
            // The largest timestamp sign() accepts makes headers verify() accepts.
            $headers = $hooks->sign(self::STD_BODY, null, 253402300799);
            self::assertSame('253402300799', (string) $hooks->verify(self::STD_BODY, $headers, 253402300799)->getTimestamp());
            foreach ([PHP_INT_MAX, 253402300800, -1, PHP_INT_MIN] as $bad) {
                try {
                    $hooks->sign(self::STD_BODY, null, $bad);
                    self::fail("sign() took timestamp $bad");
                } catch (ConfigException $e) {
                    self::assertStringContainsString("from 0 to 253402300799: $bad given", $e->getMessage());
                }
                try {
                    $hooks->verify(self::STD_BODY, $hooks->sign(self::STD_BODY, null, 0), $bad);
                    self::fail("verify() took now $bad");
                } catch (ConfigException $e) {
                    self::assertStringContainsString('$now must be a Unix timestamp', $e->getMessage());
                }
            }
        }
    }

    public function testBodiesNestedDeeperThanJsonDecodeAllowsAreRefusedByVerify(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]);
        // json_decode($body, true) decodes 511 nested arrays and refuses 512.
        $ok = str_repeat('[', 511) . str_repeat(']', 511);
        self::assertNotNull(json_decode($ok, true));
        self::assertIsArray($hooks->verify($ok, $hooks->sign($ok))->getPayload());
        $deep = str_repeat('[', 512) . str_repeat(']', 512);
        self::assertNull(json_decode($deep, true));
        try {
            $hooks->verify($deep, $hooks->sign($deep));
            self::fail('a body json_decode cannot decode verified');
        } catch (SignatureException $e) {
            self::assertSame('malformed_json', $e->getReason());
            self::assertSame(400, $e->getHttpStatus());
        }
    }

    public function testStripeLooksAtSixteenSignaturesAtMost(): void
    {
        $hooks = new WebhookSecurity(['scheme' => 'stripe', 'secrets' => array_map(fn ($i) => "whsec_$i", range(1, 100))]);
        $header = 't=' . self::STRIPE_TS . str_repeat(',v1=' . str_repeat('0', 64), 400000);
        $started = microtime(true);
        try {
            $hooks->verify(self::STRIPE_BODY, ['Stripe-Signature' => $header], self::STRIPE_TS);
            self::fail('verified');
        } catch (SignatureException $e) {
            self::assertSame('bad_signature', $e->getReason());
        }
        self::assertLessThan(0.5, microtime(true) - $started, '400,000 entries × 100 secrets cost 1.8 s before the cap');
    }

    public function testManyVerificationsKeepMemoryFlat(): void
    {
        $hooks = self::standard();
        $body = json_encode(['type' => 'x', 'items' => range(1, 50)]);
        $headers = $hooks->sign($body, 'msg_mem', 1000);
        $run = function (int $n) use ($hooks, $body, $headers): void {
            for ($i = 0; $i < $n; $i++) {
                $event = $hooks->verify($body, $headers, 1000);
                $event->getPayload();
                $event->getRawBody();
                try {
                    $hooks->verify($body . ' ', $headers, 1000);
                } catch (SignatureException) {
                }
            }
        };
        $run(2_000);
        $before = memory_get_usage();
        $rssBefore = self::rssBytes();
        $run(30_000);
        self::assertLessThan(64 * 1024, memory_get_usage() - $before);
        // Rust-side allocations (event bodies, ciphertexts) are not in memory_get_usage().
        self::assertLessThan(4 * 1024 * 1024, self::rssBytes() - $rssBefore);
    }

    private static function rssBytes(): int
    {
        preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
        return (int) ($m[1] ?? 0) * 1024;
    }
}
