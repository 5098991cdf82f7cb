<?php
/**
 * IDE stubs for the security classes of the conduit extension (webhook
 * verification and encrypted settings). Docs: docs/webhooks.md, docs/secrets.md.
 */

namespace Conduit;

/**
 * Verifies incoming webhooks of one sender: the signature over the raw body
 * (constant-time, any configured secret may match), the signed timestamp, and
 * that the body is JSON.
 *
 * Objects cannot be serialized or cloned and show no secrets in var_dump().
 */
final class WebhookSecurity
{
    /**
     * @param array{
     *     scheme: 'standard'|'stripe'|'hmac',
     *     secrets: string|list<string>,
     *     tolerance_s?: int,
     *     max_body_bytes?: int,
     *     event_type_field?: string,
     *     id_field?: string,
     *     header?: string,
     *     encoding?: 'hex'|'base64',
     *     prefix?: string,
     *     algorithm?: 'sha256'|'sha512',
     * } $config
     *   - scheme: "standard" (Standard Webhooks: webhook-id, webhook-timestamp,
     *     webhook-signature), "stripe" (Stripe-Signature: t=…,v1=…) or "hmac" (one
     *     header holding an HMAC of the body, GitHub-style).
     *   - secrets: one secret or several (rotation: any may match).
     *     standard: "whsec_" + base64 (v1 HMAC), "whpk_" + base64 Ed25519 public key
     *     (verifies v1a), "whsk_" + base64 Ed25519 secret key (signs v1a);
     *     stripe and hmac: the secret string as-is.
     *   - tolerance_s: allowed clock difference in both directions, 1 to 86400. Default 300.
     *   - max_body_bytes: larger bodies fail with body_too_large before hashing. Default 1048576.
     *   - event_type_field: JSON field naming the event type. Default "type", then "event".
     *   - id_field: JSON field holding the event id (stripe and hmac). Default "id" for
     *     stripe; for hmac the id is "sha256:" + the body's hash unless set.
     *   - header, encoding, prefix, algorithm (hmac only): signature header (default
     *     "X-Signature"), "hex" or "base64" (default hex), text before the MAC such as
     *     "sha256=" (default none), "sha256" or "sha512" (default sha256).
     * @throws ConfigException unknown option, wrong type, bad value or undecodable secret
     */
    public function __construct(#[\SensitiveParameter] array $config) {}

    /**
     * Verifies one delivery.
     *
     * @param string $rawBody the body exactly as received (file_get_contents('php://input')), never re-encoded
     * @param array<int|string, string|int|list<string>> $headers getallheaders(), $_SERVER
     *   (HTTP_WEBHOOK_ID), a PSR-7 style map of value lists, or a list of "Name: value" lines;
     *   names are matched case-insensitively
     * @param int|null $now the current Unix time; default time()
     * @throws SignatureException with getReason() one of missing_header, malformed_header,
     *   bad_signature, timestamp_too_old, timestamp_too_new, body_too_large, malformed_json,
     *   and getHttpStatus() 400, 401 or 413 to answer with
     */
    public function verify(string $rawBody, array $headers, ?int $now = null): WebhookEvent {}

    /**
     * The headers that make $body verify under this configuration, signed with every
     * configured secret that can sign — for tests and for our own outbound webhooks.
     *
     * @param string|null $id standard only; default "msg_" + 24 random hex digits
     * @param int|null $timestamp standard and stripe; default time()
     * @return array<string, string> header name => value
     * @throws ConfigException an invalid id, or only whpk_ public keys configured
     */
    public function sign(string $body, ?string $id = null, ?int $timestamp = null): array {}

    /** @return 'standard'|'stripe'|'hmac' */
    public function getScheme(): string {}
}

/**
 * A delivery that passed WebhookSecurity::verify(). Created only by verify().
 */
final class WebhookEvent
{
    /** Not constructible from PHP: events come from WebhookSecurity::verify() (calling new throws ConfigException). */
    private function __construct() {}

    /**
     * The idempotency key: store it and drop deliveries whose id was seen before —
     * a valid signature does not mean the request was sent once.
     * webhook-id (standard), the JSON id field (stripe: "id"), or "sha256:<hex>" of the body.
     */
    public function getId(): string {}

    /** The signed Unix timestamp; null for the hmac scheme, which signs none. */
    public function getTimestamp(): ?int {}

    /** The event type from the configured JSON field, or null. */
    public function getType(): ?string {}

    /**
     * The body decoded like json_decode($rawBody, true) (PHP's own parser).
     *
     * @return array<mixed>
     */
    public function getPayload(): array {}

    /** The body exactly as received and verified. */
    public function getRawBody(): string {}
}

/**
 * Encrypts settings at rest with AES-256-GCM under a key ring.
 *
 * Output: "cdt1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>" — ASCII, fits a
 * Bitrix option. A fresh random 96-bit nonce per encryption. Objects cannot be
 * serialized or cloned and show no key material in var_dump().
 */
final class SecretBox
{
    /**
     * @param array{
     *     keys: array<string, array{key: string}|array{key_file: string}|array{site_secret: string}|string>,
     *     primary?: string,
     * } $keyring
     *   - keys: key id (1-64 of A-Z a-z 0-9 . _ -) => exactly one source:
     *     ['key' => base64 of 32 bytes] (a bare string means the same),
     *     ['key_file' => path to a file with 32 raw bytes or their base64],
     *     ['site_secret' => at least 16 bytes, e.g. Bitrix's crypto_key; the AES key
     *     is derived from it with HKDF-SHA256, it is never used directly].
     *   - primary: the key id new values are encrypted with; required with several keys.
     * @throws ConfigException unknown option, bad key id, missing/unreadable/wrong-size key, unknown primary
     */
    public function __construct(#[\SensitiveParameter] array $keyring) {}

    /**
     * @param string $aad binds the value to its purpose (e.g. the option name):
     *   decrypting with another $aad fails
     * @throws CryptoException reason random_unavailable if the OS RNG fails
     */
    public function encrypt(#[\SensitiveParameter] string $plain, string $aad = ''): string {}

    /**
     * Decrypts a value encrypted under any key of the ring; never returns garbage.
     *
     * @throws CryptoException getReason(): bad_format (not a SecretBox value, bad base64url,
     *   too short), unsupported_version, unknown_key_id, auth_failed (altered, another
     *   $aad, or a different key under the same id)
     */
    public function decrypt(string $cipher, string $aad = ''): string {}

    /** Whether $value has the SecretBox format (any key id); says nothing about the key. */
    public function isEncrypted(string $value): bool {}

    /**
     * Re-encrypts under the primary key. A value already under the primary key is
     * verified and returned unchanged, so `$new !== $old` tells whether to store it.
     *
     * @throws CryptoException as decrypt()
     */
    public function rotate(string $cipher, string $aad = ''): string {}

    /** The key id new values are encrypted with. */
    public function primaryKeyId(): string {}

    /** @return list<string> every key id in the ring */
    public function keyIds(): array {}

    /**
     * A fresh random key: base64 of 32 bytes from the OS RNG, for a key file or 'key'.
     *
     * @throws CryptoException reason random_unavailable if the OS RNG fails
     */
    public static function generateKey(): string {}
}
