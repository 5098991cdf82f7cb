<?php
/**
 * Plain-PHP baselines for bench/crypto.php: what a careful developer writes
 * without the extension. Standard Webhooks with hash_hmac + hash_equals +
 * json_decode, and AES-256-GCM with openssl_encrypt/openssl_decrypt producing
 * the same text format as Conduit\SecretBox (cdt1:<id>:<base64url>).
 */
declare(strict_types=1);

final class PlainStandardWebhook
{
    private string $key;

    public function __construct(string $secret, private int $tolerance = 300)
    {
        // Decoded once, as a real receiver would keep it.
        $this->key = base64_decode(substr($secret, 0, 6) === 'whsec_' ? substr($secret, 6) : $secret, true);
    }

    /** @return array decoded payload; throws on any failure */
    public function verify(string $body, array $headers, int $now): array
    {
        $id = $headers['webhook-id'] ?? throw new RuntimeException('missing_header');
        $ts = $headers['webhook-timestamp'] ?? throw new RuntimeException('missing_header');
        $sigs = $headers['webhook-signature'] ?? throw new RuntimeException('missing_header');
        if (!ctype_digit($ts)) {
            throw new RuntimeException('malformed_header');
        }
        $expected = base64_encode(hash_hmac('sha256', "$id.$ts.$body", $this->key, true));
        $ok = false;
        foreach (explode(' ', $sigs) as $entry) {
            [$version, $sig] = array_pad(explode(',', $entry, 2), 2, '');
            if ($version === 'v1' && hash_equals($expected, $sig)) {
                $ok = true;
                break;
            }
        }
        if (!$ok) {
            throw new RuntimeException('bad_signature');
        }
        if (abs($now - (int) $ts) > $this->tolerance) {
            throw new RuntimeException('timestamp');
        }
        return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
    }
}

final class PlainAesGcm
{
    public function __construct(private string $keyId, private string $key)
    {
    }

    public function encrypt(string $plain, string $aad = ''): string
    {
        $iv = random_bytes(12);
        $cipher = openssl_encrypt($plain, 'aes-256-gcm', $this->key, OPENSSL_RAW_DATA, $iv, $tag, "cdt1:{$this->keyId}:" . $aad);
        return "cdt1:{$this->keyId}:" . rtrim(strtr(base64_encode($iv . $cipher . $tag), '+/', '-_'), '=');
    }

    public function decrypt(string $text, string $aad = ''): string
    {
        $parts = explode(':', $text, 3);
        if (count($parts) !== 3 || $parts[0] !== 'cdt1' || $parts[1] !== $this->keyId) {
            throw new RuntimeException('bad_format');
        }
        $raw = base64_decode(strtr($parts[2], '-_', '+/'), true);
        if ($raw === false || strlen($raw) < 28) {
            throw new RuntimeException('bad_format');
        }
        $plain = openssl_decrypt(substr($raw, 12, -16), 'aes-256-gcm', $this->key, OPENSSL_RAW_DATA, substr($raw, 0, 12), substr($raw, -16), "cdt1:{$this->keyId}:" . $aad);
        if ($plain === false) {
            throw new RuntimeException('auth_failed');
        }
        return $plain;
    }
}
