<?php
declare(strict_types=1);

namespace Conduit\Tests\Security;

use Conduit\SecretBox;
use Conduit\SignatureException;
use Conduit\WebhookSecurity;
use Conduit\Tests\Security\Support\ReferenceSchemes;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/Support/ReferenceSchemes.php';

/**
 * Both directions against the independent plain-PHP implementations in
 * Support/ReferenceSchemes.php: what they sign, Conduit verifies; what Conduit
 * signs, they verify. Same for the SecretBox format with openssl and hash_hkdf.
 */
final class InteropTest extends TestCase
{
    private const ROUNDS = 200;

    private static function body(int $i): string
    {
        return json_encode(['type' => "event.$i", 'n' => $i, 'text' => bin2hex(random_bytes(1 + $i % 40)), 'utf8' => "Привет $i"], JSON_UNESCAPED_UNICODE);
    }

    public function testStandardWebhooksBothDirections(): void
    {
        for ($i = 0; $i < self::ROUNDS; $i++) {
            $secret = 'whsec_' . base64_encode(random_bytes(24 + $i % 41));
            $hooks = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$secret]]);
            $body = self::body($i);
            $ts = 1_700_000_000 + $i;

            $theirs = ReferenceSchemes::standardSign($secret, "msg_$i", $ts, $body);
            $event = $hooks->verify($body, $theirs, $ts);
            self::assertSame(["msg_$i", $ts, "event.$i"], [$event->getId(), $event->getTimestamp(), $event->getType()]);

            $ours = $hooks->sign($body, "msg_$i", $ts);
            self::assertSame($theirs, $ours);
            self::assertTrue(ReferenceSchemes::standardVerify($secret, $ours, $body, $ts));
            self::assertFalse(ReferenceSchemes::standardVerify($secret, $ours, $body . ' ', $ts));
        }
    }

    public function testStripeBothDirections(): void
    {
        for ($i = 0; $i < self::ROUNDS; $i++) {
            $secret = 'whsec_' . bin2hex(random_bytes(16));
            $hooks = new WebhookSecurity(['scheme' => 'stripe', 'secrets' => [$secret]]);
            $body = json_encode(['id' => "evt_$i", 'type' => 'charge.succeeded', 'data' => ['n' => $i]]);
            $ts = 1_700_000_000 + $i;

            $theirs = ReferenceSchemes::stripeSign($secret, $ts, $body);
            $event = $hooks->verify($body, ['Stripe-Signature' => $theirs], $ts);
            self::assertSame(["evt_$i", 'charge.succeeded'], [$event->getId(), $event->getType()]);

            $ours = $hooks->sign($body, null, $ts)['Stripe-Signature'];
            self::assertSame($theirs, $ours);
            self::assertTrue(ReferenceSchemes::stripeVerify($secret, $ours, $body, $ts));
        }
    }

    /** @return iterable<string, array{string, string, string, string}> */
    public static function hmacVariantProvider(): iterable
    {
        yield 'GitHub: X-Hub-Signature-256, sha256= hex' => ['X-Hub-Signature-256', 'sha256', 'hex', 'sha256='];
        yield 'plain hex' => ['X-Signature', 'sha256', 'hex', ''];
        yield 'base64 (Shopify-style)' => ['X-Shop-Hmac-Sha256', 'sha256', 'base64', ''];
        yield 'sha512 hex' => ['X-Signature-512', 'sha512', 'hex', 'sha512='];
        yield 'sha512 base64' => ['X-Sig', 'sha512', 'base64', ''];
    }

    /** @dataProvider hmacVariantProvider */
    public function testHmacBothDirections(string $header, string $algorithm, string $encoding, string $prefix): void
    {
        for ($i = 0; $i < self::ROUNDS; $i++) {
            $secret = random_bytes(1 + $i % 64);
            $hooks = new WebhookSecurity(['scheme' => 'hmac', 'secrets' => [$secret], 'header' => $header, 'algorithm' => $algorithm, 'encoding' => $encoding, 'prefix' => $prefix]);
            $body = self::body($i);

            $theirs = ReferenceSchemes::hmacSign($secret, $body, $algorithm, $encoding, $prefix);
            self::assertSame("event.$i", $hooks->verify($body, [$header => $theirs])->getType());

            $ours = $hooks->sign($body);
            self::assertSame([$header => $theirs], $ours);
            self::assertTrue(ReferenceSchemes::hmacVerify($secret, $ours[$header], $body, $algorithm, $encoding, $prefix));
        }
    }

    public function testEd25519V1aWithSodium(): void
    {
        if (!extension_loaded('sodium')) {
            self::markTestSkipped('sodium is not loaded');
        }
        $pair = sodium_crypto_sign_keypair();
        $public = 'whpk_' . base64_encode(sodium_crypto_sign_publickey($pair));
        $secret = 'whsk_' . base64_encode(sodium_crypto_sign_secretkey($pair)); // libsodium's 64-byte form
        $body = self::body(7);
        $ts = 1_700_000_000;

        // Theirs -> ours: signed by libsodium, verified with the public key only.
        $signature = base64_encode(sodium_crypto_sign_detached("msg_ed.$ts.$body", sodium_crypto_sign_secretkey($pair)));
        $receiver = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$public]]);
        $headers = ['webhook-id' => 'msg_ed', 'webhook-timestamp' => (string) $ts, 'webhook-signature' => "v1a,$signature"];
        self::assertSame('event.7', $receiver->verify($body, $headers, $ts)->getType());

        // Ours -> theirs: Conduit signs with the secret key, libsodium verifies.
        $ours = (new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$secret]]))->sign($body, 'msg_ed', $ts);
        self::assertSame("v1a,$signature", $ours['webhook-signature'], 'Ed25519 is deterministic');
        $raw = base64_decode(substr($ours['webhook-signature'], 4), true);
        self::assertTrue(sodium_crypto_sign_verify_detached($raw, "msg_ed.$ts.$body", sodium_crypto_sign_publickey($pair)));

        // A public key cannot sign.
        $this->expectException(\Conduit\ConfigException::class);
        $receiver->sign($body);
    }

    public function testTamperedV1aFails(): void
    {
        if (!extension_loaded('sodium')) {
            self::markTestSkipped('sodium is not loaded');
        }
        $pair = sodium_crypto_sign_keypair();
        $receiver = new WebhookSecurity(['scheme' => 'standard', 'secrets' => ['whpk_' . base64_encode(sodium_crypto_sign_publickey($pair))]]);
        $signature = base64_encode(sodium_crypto_sign_detached('msg.1.{"a":1}', sodium_crypto_sign_secretkey($pair)));
        $this->expectException(SignatureException::class);
        $receiver->verify('{"a":2}', ['webhook-id' => 'msg', 'webhook-timestamp' => '1', 'webhook-signature' => "v1a,$signature"], 1);
    }

    public function testSecretBoxFormatBothDirections(): void
    {
        $key = random_bytes(32);
        $box = new SecretBox(['keys' => ['k1' => ['key' => base64_encode($key)]]]);
        for ($i = 0; $i < self::ROUNDS; $i++) {
            $plain = $i === 0 ? '' : random_bytes($i);
            $aad = "option.$i";
            self::assertSame($plain, ReferenceSchemes::secretBoxDecrypt($key, $box->encrypt($plain, $aad), $aad));
            self::assertSame($plain, $box->decrypt(ReferenceSchemes::secretBoxEncrypt('k1', $key, $plain, $aad), $aad));
        }
    }

    public function testSiteSecretDerivationMatchesHashHkdf(): void
    {
        $siteSecret = 'bitrix-crypto-key-' . bin2hex(random_bytes(8));
        $box = new SecretBox(['keys' => ['site' => ['site_secret' => $siteSecret]]]);
        $derived = ReferenceSchemes::deriveFromSiteSecret($siteSecret);
        self::assertSame('api-key', ReferenceSchemes::secretBoxDecrypt($derived, $box->encrypt('api-key', 'erp'), 'erp'));
        self::assertSame('api-key', $box->decrypt(ReferenceSchemes::secretBoxEncrypt('site', $derived, 'api-key', 'erp'), 'erp'));
        // The site secret itself is never the AES key.
        self::assertFalse(ReferenceSchemes::secretBoxDecrypt(substr(str_pad($siteSecret, 32, "\0"), 0, 32), $box->encrypt('x'), ''));
    }
}
