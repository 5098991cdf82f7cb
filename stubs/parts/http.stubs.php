<?php
namespace Conduit;

/**
 * Marker implemented by every exception the extension throws:
 * `catch (\Conduit\ConduitException $e)` catches them all.
 */
interface ConduitException
{
}

/** A bad option, argument or DSN. The message names the option and quotes the value. */
class ConfigException extends \InvalidArgumentException implements ConduitException
{
}

/** The API answered with an error status (after retries, if the status is retryable). */
class ApiException extends \RuntimeException implements ConduitException
{
    protected int $statusCode = 0;
    protected string $responseBody = '';
    protected array $responseHeaders = [];
    protected int $attempts = 0;

    public function getStatusCode(): int {}
    /** The raw (binary-safe) body of the error response. */
    public function getResponseBody(): string {}
    /** @return array<string, string> lowercased names; repeated headers joined with ", " */
    public function getResponseHeaders(): array {}
    /** How many attempts were made before giving up. */
    public function getAttempts(): int {}
}

/**
 * 429 after retries, or a `Retry-After` longer than the caller's budget
 * (`retry.max_delay_ms`, `retry.budget_ms`): reschedule instead of sleeping.
 */
class RateLimitException extends ApiException
{
    protected ?float $retryAfter = null;

    /** Seconds the server asked to wait, or null when it did not say. */
    public function getRetryAfter(): ?float {}
}

/** No HTTP answer: connection refused, DNS, TLS, reset, oversized body. */
class TransportException extends \RuntimeException implements ConduitException
{
    protected int $attempts = 0;
    protected ?int $recordsDelivered = null;

    public function getAttempts(): int {}
    /**
     * For a RecordStream that broke mid-body: the records read in the batches
     * delivered before the break (resume with that offset); null otherwise.
     */
    public function getRecordsDelivered(): ?int {}
}

/** Connect or total timeout. */
class TimeoutException extends TransportException
{
}

/** The circuit breaker for this target is open: nothing was sent. */
class CircuitOpenException extends \RuntimeException implements ConduitException
{
    protected ?float $retryAfter = null;

    /** Seconds until the breaker lets a probe through. */
    public function getRetryAfter(): ?float {}
}

/** A webhook failed verification; see getReason() for the fixed reason code. */
class SignatureException extends \RuntimeException implements ConduitException
{
    protected string $reason = '';
    protected int $httpStatus = 0;

    /** missing_header | malformed_header | bad_signature | timestamp_too_old | timestamp_too_new | body_too_large | malformed_json */
    public function getReason(): string {}
    /** 401 (signature, timestamp), 400 (malformed), 413 (too large): answer the sender with it. */
    public function getHttpStatus(): int {}
}

/** The store (SQLite/MariaDB) failed or is unreachable; the driver's reason is in the message. */
class QueueException extends \RuntimeException implements ConduitException
{
}

/** Decryption or key failure; see getReason(). Never garbage output. */
class CryptoException extends \RuntimeException implements ConduitException
{
    protected string $reason = '';

    public function getReason(): string {}
}

/**
 * A resilient HTTP client for one external API.
 *
 * Retries (full-jitter backoff, Retry-After), rate limit, circuit breaker and the
 * keep-alive pool are shared per process and target, so an FPM worker keeps them
 * across requests.
 */
class ApiClient
{
    public const VERSION = '0.1.0';

    /**
     * @param string $baseUrl absolute http(s) URL; request paths are resolved under it (scheme,
     *   host, port and base path fixed: a path that would leave it is a ConfigException)
     * @param array{
     *   timeout?: float, connect_timeout?: float,
     *   auth?: array{type: 'bearer'|'basic'|'header'|'query', token?: string, username?: string, password?: string, name?: string, value?: string},
     *   retry?: array{max_attempts?: int, base_delay_ms?: int, max_delay_ms?: int, budget_ms?: int},
     *   rate_limit?: array{per_second: float, burst?: int, scope?: 'process'|'host'|'store', key?: string, store?: Store},
     *   circuit_breaker?: array{failure_ratio?: float, min_calls?: int, window_s?: float, open_s?: float, scope?: 'process'|'host'|'store', key?: string, store?: Store},
     *   headers?: array<string, string>, verify_tls?: bool, ca_file?: string, proxy?: string,
     *   redirects?: 'same-origin'|'any'|0, max_redirects?: int, max_response_bytes?: int, user_agent?: string, idempotency_header?: string,
     *   log?: callable(array): void|Store, log_body_bytes?: int, redact_headers?: list<string>, redact_fields?: list<string>,
     *   pool_idle_timeout?: float, pool_max_idle_per_host?: int
     * }|null $options every number has a range (README "Client options"); `redirects`
     *   defaults to 'same-origin': a redirect to another origin is not followed (its 3xx
     *   is returned); 'any' follows it without credentials, custom headers or a body
     * @throws ConfigException on any unknown or invalid option (out of range, CR/LF in a header)
     */
    public function __construct(#[\SensitiveParameter] string $baseUrl, #[\SensitiveParameter] ?array $options = null) {}

    /**
     * Sends a request and returns the decoded JSON body (objects as arrays).
     *
     * @param string $path under the base URL (`/orders/1?x=y`); an absolute or scheme-relative
     *   URL, `..` above the base path, `%2e` segments or backslashes are a ConfigException
     *
     * @param array{query?: array, headers?: array<string, string>, json?: mixed, form?: array, body?: string, timeout?: float, idempotency_key?: string}|null $options
     * @throws ApiException|RateLimitException on an error status (or a 2xx body that is not JSON)
     * @throws TransportException|TimeoutException when no answer arrived
     * @throws CircuitOpenException when the breaker is open
     * @throws ConfigException on a bad option
     */
    public function request(string $method, string $path, #[\SensitiveParameter] ?array $options = null): mixed {}

    /**
     * Sends a request and returns the whole response (2xx and 3xx; errors throw).
     *
     * @throws ApiException|RateLimitException|TransportException|TimeoutException|CircuitOpenException|ConfigException
     */
    public function send(string $method, string $path, #[\SensitiveParameter] ?array $options = null): Response {}

    /**
     * Sends requests concurrently and returns, in input order, a Response or the
     * exception object for each; one failure never aborts the others.
     *
     * @param list<array{0: string, 1: string, 2?: array}|array{method: string, path: string, options?: array}> $requests
     * @param array{concurrency?: int}|null $options concurrency defaults to 16
     * @return list<Response|ConduitException>
     * @throws ConfigException on a malformed request entry
     */
    public function sendMany(#[\SensitiveParameter] array $requests, #[\SensitiveParameter] ?array $options = null): array {}

    /** The base URL as configured, a userinfo password masked like Response::getUrl(). */
    public function getBaseUrl(): string {}

    /** "closed", "open" or "half_open"; null without a circuit breaker. */
    public function getCircuitState(): ?string {}

    /**
     * Sends a request and returns its body unread, as a RecordStream to iterate in
     * batches (docs/mapper.md "Record streams"). Retries, the rate limit and the
     * breaker apply to opening the stream; `timeout` covers the response head.
     * Options: the request options of send(), plus
     * `format` ("json", "ndjson", "xml"; default from Content-Type),
     * `fail_fast` (bool, default false: records failing the mapper are skipped and
     * reported by getErrors()), `idle_timeout` (seconds to wait for each body chunk,
     * default 30, 0 = no limit).
     * @throws ApiException|RateLimitException|TransportException|TimeoutException|CircuitOpenException|ConfigException
     */
    public function stream(string $method, string $path, #[\SensitiveParameter] ?array $options = null): RecordStream {}
}

/** A completed exchange. */
class Response
{
    /** Responses come from ApiClient only: `new Response()` throws ConfigException. */
    public function __construct() {}

    public function getStatus(): int {}
    public function isSuccess(): bool {}
    /** @return array<string, string> lowercased names; repeated headers joined with ", " */
    public function getHeaders(): array {}
    public function getHeader(string $name): ?string {}
    /** The raw, binary-safe body. */
    public function getBody(): string {}
    /**
     * The body decoded like json_decode($body, true); null for an empty body.
     * @throws ApiException when the body is not JSON
     */
    public function json(): mixed {}
    /** Seconds from the first attempt's start to the end of the last, waits included. */
    public function getDuration(): float {}
    public function getAttempts(): int {}
    /** The final URL after redirects, credentials redacted. */
    public function getUrl(): string {}
    /** Shared by every attempt's log record. */
    public function getCorrelationId(): string {}
    /**
     * `$mapper->mapJson($response->getBody(), $selector)` without copying the body.
     * @throws MappingException
     */
    public function map(Mapper $mapper, string $selector): array {}
}
