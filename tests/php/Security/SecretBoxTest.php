<?php
declare(strict_types=1);

namespace Conduit\Tests\Security;

use Conduit\ConduitException;
use Conduit\ConfigException;
use Conduit\CryptoException;
use Conduit\SecretBox;
use Conduit\Tests\Support\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * Conduit\SecretBox as PHP sees it: round trips, AAD, tampering, wrong and
 * unknown keys, rotation, key sources, options, no key in dumps or traces, and
 * decryption in a fresh PHP process with the same key file.
 */
final class SecretBoxTest extends TestCase
{
    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/conduit-secretbox-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        rmdir($this->dir);
    }

    private static function box(string $id = 'k1', ?string $key = null): SecretBox
    {
        return new SecretBox(['keys' => [$id => ['key' => $key ?? base64_encode(str_repeat("\x01", 32))]]]);
    }

    private static function reason(callable $fn): string
    {
        try {
            $fn();
        } catch (CryptoException $e) {
            self::assertInstanceOf(\RuntimeException::class, $e);
            self::assertInstanceOf(ConduitException::class, $e);
            return $e->getReason();
        }
        self::fail('expected a CryptoException');
    }

    public function testRoundTripsBinaryAndEmptyValues(): void
    {
        $box = self::box();
        foreach (['', 'x', 'sk_live_0123456789', "nul\0and\xff\xfe bytes", str_repeat('long ', 5000)] as $plain) {
            $sealed = $box->encrypt($plain);
            self::assertMatchesRegularExpression('/^cdt1:k1:[A-Za-z0-9_-]+$/', $sealed);
            self::assertSame($plain, $box->decrypt($sealed));
            self::assertNotSame($sealed, $box->encrypt($plain), 'fresh nonce every time');
        }
    }

    public function testAadBindsTheValueToItsOption(): void
    {
        $box = self::box();
        $sealed = $box->encrypt('token', 'erp.api_key');
        self::assertSame('token', $box->decrypt($sealed, 'erp.api_key'));
        self::assertSame('auth_failed', self::reason(fn () => $box->decrypt($sealed, 'crm.api_key')));
        self::assertSame('auth_failed', self::reason(fn () => $box->decrypt($sealed)));
    }

    public function testEveryTamperedCharacterFailsWithoutOutput(): void
    {
        $box = self::box();
        $sealed = $box->encrypt('secret', 'aad');
        for ($i = 0; $i < strlen($sealed); $i++) {
            foreach (['A', '_', ':', "\0"] as $replacement) {
                if ($sealed[$i] === $replacement) {
                    continue;
                }
                $altered = substr_replace($sealed, $replacement, $i, 1);
                self::assertContains(
                    self::reason(fn () => $box->decrypt($altered, 'aad')),
                    ['auth_failed', 'bad_format', 'unknown_key_id', 'unsupported_version'],
                    "position $i"
                );
            }
        }
    }

    public function testReasonCodes(): void
    {
        $box = self::box();
        $sealed = $box->encrypt('secret');
        $other = base64_encode(str_repeat("\x02", 32));
        self::assertSame('auth_failed', self::reason(fn () => self::box('k1', $other)->decrypt($sealed)), 'wrong key');
        self::assertSame('unknown_key_id', self::reason(fn () => self::box('k2')->decrypt($sealed)));
        self::assertSame('unsupported_version', self::reason(fn () => $box->decrypt(str_replace('cdt1:', 'cdt2:', $sealed))));
        self::assertSame('bad_format', self::reason(fn () => $box->decrypt('cdt1:k1:not*base64')));
        self::assertSame('bad_format', self::reason(fn () => $box->decrypt('a plain api key')));
        self::assertSame('bad_format', self::reason(fn () => $box->decrypt('cdt1:k1:AAAA')));
    }

    public function testCryptoExceptionCarriesTheCallersLine(): void
    {
        $box = self::box();
        try {
            $line = __LINE__ + 1;
            $box->decrypt('garbage');
        } catch (CryptoException $e) {
            self::assertSame([__FILE__, $line], [$e->getFile(), $e->getLine()]);
            self::assertSame('bad_format', $e->getReason());
            return;
        }
        self::fail('no exception');
    }

    public function testIsEncrypted(): void
    {
        $box = self::box();
        self::assertTrue($box->isEncrypted($box->encrypt('x')));
        self::assertTrue($box->isEncrypted(self::box('other')->encrypt('x')), 'any key id');
        self::assertFalse($box->isEncrypted('sk_live_abc'));
        self::assertFalse($box->isEncrypted(''));
        self::assertFalse($box->isEncrypted('cdt1:k1:'));
    }

    public function testRotationProcedure(): void
    {
        $old = base64_encode(random_bytes(32));
        $new = base64_encode(random_bytes(32));
        $stored = (new SecretBox(['keys' => ['2023' => ['key' => $old]]]))->encrypt('api-key', 'opt');

        $during = new SecretBox(['keys' => ['2023' => ['key' => $old], '2024' => ['key' => $new]], 'primary' => '2024']);
        self::assertSame('2024', $during->primaryKeyId());
        self::assertSame(['2023', '2024'], $during->keyIds());
        self::assertSame('api-key', $during->decrypt($stored, 'opt'));
        $rotated = $during->rotate($stored, 'opt');
        self::assertStringStartsWith('cdt1:2024:', $rotated);
        self::assertSame($rotated, $during->rotate($rotated, 'opt'), 'already under the primary key: unchanged');

        $after = new SecretBox(['keys' => ['2024' => ['key' => $new]]]);
        self::assertSame('api-key', $after->decrypt($rotated, 'opt'));
        self::assertSame('unknown_key_id', self::reason(fn () => $after->decrypt($stored, 'opt')));
    }

    public function testGenerateKey(): void
    {
        $a = SecretBox::generateKey();
        $b = SecretBox::generateKey();
        self::assertSame(44, strlen($a));
        self::assertSame(32, strlen(base64_decode($a, true)));
        self::assertNotSame($a, $b);
    }

    public function testKeySources(): void
    {
        $raw = random_bytes(32);
        file_put_contents("$this->dir/raw.key", $raw);
        file_put_contents("$this->dir/text.key", base64_encode($raw) . "\n");
        $sealed = self::box('k', base64_encode($raw))->encrypt('v');
        foreach ([['key_file' => "$this->dir/raw.key"], ['key_file' => "$this->dir/text.key"], base64_encode($raw)] as $source) {
            self::assertSame('v', (new SecretBox(['keys' => ['k' => $source]]))->decrypt($sealed));
        }
        $site = new SecretBox(['keys' => ['site' => ['site_secret' => 'a-bitrix-crypto-key-of-32-chars!']]]);
        $again = new SecretBox(['keys' => ['site' => ['site_secret' => 'a-bitrix-crypto-key-of-32-chars!']]]);
        self::assertSame('v', $again->decrypt($site->encrypt('v')));
    }

    public function testDecryptsAfterAProcessRestartWithTheSameKeyFile(): void
    {
        file_put_contents("$this->dir/site.key", SecretBox::generateKey() . "\n");
        chmod("$this->dir/site.key", 0400);
        $script = <<<'PHP'
            $box = new Conduit\SecretBox(['keys' => ['main' => ['key_file' => $argv[1]]]]);
            echo $argv[2] === 'encrypt' ? $box->encrypt("secret \0 value", 'erp.token') : bin2hex($box->decrypt($argv[3], 'erp.token'));
            PHP;
        $sealed = PhpProcess::run($script, ["$this->dir/site.key", 'encrypt']);
        self::assertStringStartsWith('cdt1:main:', $sealed);
        $plainHex = PhpProcess::run($script, ["$this->dir/site.key", 'decrypt', $sealed]);
        self::assertSame("secret \0 value", hex2bin($plainHex));
        // And in this process too.
        $box = new SecretBox(['keys' => ['main' => ['key_file' => "$this->dir/site.key"]]]);
        self::assertSame("secret \0 value", $box->decrypt($sealed, 'erp.token'));
    }

    /** @return iterable<string, array{array<mixed>, string}> */
    public static function badOptionsProvider(): iterable
    {
        $key = base64_encode(str_repeat('k', 32));
        yield 'unknown option' => [['keys' => ['k1' => $key], 'primary_key' => 'k1'], 'Unknown option "primary_key" for Conduit\SecretBox. Allowed options are: keys, primary.'];
        yield 'no keys' => [[], 'Option "keys" is required'];
        yield 'keys not an array' => [['keys' => $key], 'Option "keys" must be an array keyed by key id, string given.'];
        yield 'empty ring' => [['keys' => []], 'The key ring has no keys.'];
        yield 'unknown key field' => [['keys' => ['k1' => ['secret' => $key]]], 'Unknown option "secret" for key "k1". Allowed options are: key, key_file, site_secret.'];
        yield 'two sources' => [['keys' => ['k1' => ['key' => $key, 'site_secret' => str_repeat('s', 32)]]], 'exactly one of key, key_file, site_secret; key and site_secret given'];
        yield 'no source' => [['keys' => ['k1' => []]], 'exactly one of key, key_file, site_secret; none given'];
        yield 'key not a string' => [['keys' => ['k1' => ['key' => 42]]], 'Key "k1": "key" must be a string, int given.'];
        yield 'short key' => [['keys' => ['k1' => ['key' => base64_encode('short')]]], 'must be 32 bytes, it has 5'];
        yield 'key not base64' => [['keys' => ['k1' => ['key' => '***']]], '"key" is not valid base64'];
        yield 'short site secret' => [['keys' => ['k1' => ['site_secret' => 'abc']]], 'at least 16 bytes'];
        yield 'missing key file' => [['keys' => ['k1' => ['key_file' => '/nonexistent/conduit.key']]], 'cannot read key file "/nonexistent/conduit.key"'];
        yield 'bad key id' => [['keys' => ['k:1' => $key]], 'Key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -: a 3-byte id with other characters given (the id is not shown: it may be key material).'];
        yield 'several keys, no primary' => [['keys' => ['a' => $key, 'b' => $key]], 'say which one encrypts with "primary"'];
        yield 'unknown primary' => [['keys' => ['a' => $key], 'primary' => 'b'], 'The "primary" key id (1 bytes, not shown) is not in the key ring (keys: "a").'];
    }

    /** @dataProvider badOptionsProvider */
    public function testBadOptionsThrowConfigException(array $options, string $expected): void
    {
        try {
            new SecretBox($options);
            self::fail('no exception for ' . $expected);
        } catch (ConfigException $e) {
            self::assertStringContainsString($expected, $e->getMessage());
            self::assertStringNotContainsString(base64_encode(str_repeat('k', 32)), $e->getMessage());
            self::assertSame(__FILE__, $e->getFile());
            return;
        }
        self::fail('no ConfigException');
    }

    public function testNoKeyInDumpsSerializationOrTraces(): void
    {
        $key = base64_encode('0123456789ABCDEF0123456789ABCDEF');
        $box = new SecretBox(['keys' => ['k1' => ['key' => $key]]]);
        ob_start();
        var_dump($box);
        print_r($box);
        var_export($box);
        echo json_encode($box), print_r((array) $box, true), print_r(get_object_vars($box), true);
        $dumps = (string) ob_get_clean();
        self::assertStringNotContainsString($key, $dumps);
        self::assertStringNotContainsString('0123456789ABCDEF', $dumps);
        foreach (['serialize' => fn () => serialize($box), 'unserialize' => fn () => unserialize('O:17:"Conduit\SecretBox":0:{}')] as $what => $fn) {
            try {
                $fn();
                self::fail("$what must be refused");
            } catch (\Exception $e) {
                self::assertStringContainsString('not allowed', $e->getMessage());
            }
        }

        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            new SecretBox(['keys' => ['k1' => ['key' => $key]], 'primary' => 'nope']);
            self::fail('an unknown primary did not throw');
        } catch (ConfigException $e) {
            $trace = print_r($e->getTrace(), true) . $e->getTraceAsString();
            self::assertStringNotContainsString($key, $trace);
            self::assertInstanceOf(\SensitiveParameterValue::class, $e->getTrace()[0]['args'][0]);
        } finally {
            ini_set('zend.exception_ignore_args', (string) $previous);
        }
    }

    public function testNoMessageQuotesAValueThatMayBeAKey(): void
    {
        $key = SecretBox::generateKey();
        $raw = random_bytes(32);
        $cases = [
            'key as primary' => ['keys' => ['k1' => $key], 'primary' => $key],
            'key as id' => ['keys' => [$key => $key]],
            'raw key as id' => ['keys' => [$raw => $key]],
            'key-shaped id' => ['keys' => [rtrim(strtr($key, '+/', '-_'), '=') . '!' => $key]],
            'raw key as key_file' => ['keys' => ['k1' => ['key_file' => "\xff" . $raw]]],
            'raw key as key' => ['keys' => ['k1' => ['key' => $raw]]],
            'key as site_secret (short)' => ['keys' => ['k1' => ['site_secret' => substr($key, 0, 10)]]],
        ];
        foreach ($cases as $what => $options) {
            try {
                new SecretBox($options);
                self::fail("$what did not throw");
            } catch (ConfigException $e) {
                foreach ([$key, rtrim($key, '='), substr($key, 0, 10), $raw, rtrim(strtr($key, '+/', '-_'), '=')] as $secret) {
                    self::assertStringNotContainsString($secret, $e->getMessage(), $what);
                }
            }
        }
    }

    public function testManyOperationsKeepMemoryFlat(): void
    {
        $box = self::box();
        $run = function (int $n) use ($box): void {
            for ($i = 0; $i < $n; $i++) {
                $sealed = $box->encrypt("value $i", 'opt');
                $box->decrypt($sealed, 'opt');
                try {
                    $box->decrypt($sealed, 'other');
                } catch (CryptoException) {
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
