<?php
declare(strict_types=1);

namespace Conduit\Tests\Security\Support;

/**
 * Independent plain-PHP implementations of each webhook scheme and of the
 * SecretBox format, written from the specs (shared/reference/webhook-schemes.md,
 * docs/secrets.md) with hash_hmac, hash_equals, hash_hkdf and openssl — no code
 * shared with the extension. Interoperability tests run both directions through
 * them.
 */
final class ReferenceSchemes
{
    // --- Standard Webhooks ------------------------------------------------------

    /** @return array<string,string> headers */
    public static function standardSign(string $secret, string $id, int $timestamp, string $body): array
    {
        $key = base64_decode(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret, true);
        $signature = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
        return ['webhook-id' => $id, 'webhook-timestamp' => (string) $timestamp, 'webhook-signature' => "v1,$signature"];
    }

    /** @param array<string,string> $headers lower-case names */
    public static function standardVerify(string $secret, array $headers, string $body, int $now, int $tolerance = 300): bool
    {
        $key = base64_decode(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret, true);
        $id = $headers['webhook-id'] ?? '';
        $timestamp = $headers['webhook-timestamp'] ?? '';
        if ($id === '' || !ctype_digit($timestamp) || abs($now - (int) $timestamp) > $tolerance) {
            return false;
        }
        $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
        foreach (explode(' ', $headers['webhook-signature'] ?? '') as $entry) {
            $parts = explode(',', $entry, 2);
            if (count($parts) === 2 && $parts[0] === 'v1' && hash_equals($expected, $parts[1])) {
                return true;
            }
        }
        return false;
    }

    // --- Stripe ---------------------------------------------------------------------

    public static function stripeSign(string $secret, int $timestamp, string $body): string
    {
        return "t=$timestamp,v1=" . hash_hmac('sha256', "$timestamp.$body", $secret);
    }

    public static function stripeVerify(string $secret, string $header, string $body, int $now, int $tolerance = 300): bool
    {
        $timestamp = null;
        $signatures = [];
        foreach (explode(',', $header) as $item) {
            [$key, $value] = array_pad(explode('=', trim($item), 2), 2, '');
            if ($key === 't') {
                $timestamp = $value;
            } elseif ($key === 'v1') {
                $signatures[] = $value;
            }
        }
        if ($timestamp === null || !ctype_digit($timestamp)) {
            return false;
        }
        $expected = hash_hmac('sha256', "$timestamp.$body", $secret);
        foreach ($signatures as $signature) {
            if (hash_equals($expected, $signature)) {
                return abs($now - (int) $timestamp) <= $tolerance;
            }
        }
        return false;
    }

    // --- Plain HMAC header ----------------------------------------------------------

    public static function hmacSign(string $secret, string $body, string $algorithm = 'sha256', string $encoding = 'hex', string $prefix = ''): string
    {
        $raw = hash_hmac($algorithm, $body, $secret, true);
        return $prefix . ($encoding === 'hex' ? bin2hex($raw) : base64_encode($raw));
    }

    public static function hmacVerify(string $secret, string $value, string $body, string $algorithm = 'sha256', string $encoding = 'hex', string $prefix = ''): bool
    {
        return hash_equals(self::hmacSign($secret, $body, $algorithm, $encoding, $prefix), $value);
    }

    // --- SecretBox format -------------------------------------------------------------

    /** The key a `site_secret` entry derives, per docs/secrets.md. */
    public static function deriveFromSiteSecret(string $siteSecret): string
    {
        return hash_hkdf('sha256', $siteSecret, 32, 'conduit/secret-box/v1 aes-256-gcm key', '');
    }

    public static function secretBoxEncrypt(string $keyId, string $key, string $plain, string $aad = ''): string
    {
        $nonce = random_bytes(12);
        $header = "cdt1:$keyId:";
        $cipher = openssl_encrypt($plain, 'aes-256-gcm', $key, OPENSSL_RAW_DATA, $nonce, $tag, $header . $aad, 16);
        return $header . rtrim(strtr(base64_encode($nonce . $cipher . $tag), '+/', '-_'), '=');
    }

    public static function secretBoxDecrypt(string $key, string $value, string $aad = ''): string|false
    {
        $parts = explode(':', $value, 3);
        if (count($parts) !== 3 || $parts[0] !== 'cdt1') {
            return false;
        }
        $raw = base64_decode(strtr($parts[2], '-_', '+/'), true);
        if ($raw === false || strlen($raw) < 28) {
            return false;
        }
        $header = "cdt1:{$parts[1]}:";
        return openssl_decrypt(substr($raw, 12, -16), 'aes-256-gcm', $key, OPENSSL_RAW_DATA, substr($raw, 0, 12), substr($raw, -16), $header . $aad);
    }
}
