<?php

namespace Conduit\Integration\Webhook;

use Bitrix\Main\Localization\Loc;
use Conduit\ConfigException;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\QueueException;
use Conduit\SignatureException;
use Conduit\SyncQueue;

Loc::loadMessages(__FILE__);

/**
 * The public webhook endpoint: `/bitrix/tools/conduit.integration/webhook.php?source=NAME`
 * (install/tools/webhook.php, a few lines around {@see handle()}).
 *
 * For a configured source (Settings::saveWebhookSource: scheme, secrets, tolerance, job
 * type) it
 *
 * 1. refuses a body over the limit (source max_body_bytes, else webhook_max_body_bytes) → 413;
 * 2. verifies the signature over the **raw** body with `Conduit\WebhookSecurity`
 *    → 400/401 with the reason code (missing_header, bad_signature, timestamp_too_old …);
 * 3. queues one job of the source's job type, deduplicated by the event id
 *    (`dedupe_key` "webhook:<source>:<id>") within webhook_dedupe_window_h — longer than
 *    any sender's retry schedule — so a replay, even after the job finished, is answered
 *    200 `"duplicate":true` and queues nothing;
 * 4. answers `200 {"ok":true,"job_id":N}` at once: no external API is called here, the
 *    agent or the worker runs the job's handler later.
 *
 * Unknown source → 404. The database refusing the job → 503 with `Retry-After`
 * (webhook_retry_after_s): the sender retries and nothing is lost. Every delivery is
 * recorded in {@see WebhookEventTable} with its verdict (best effort: a failure to record
 * never changes the answer).
 *
 * The job's payload: `source`, `event_id`, `event_type` (or null), `received_at` (Unix
 * time) and `data` (the verified body, JSON-decoded).
 */
final class Endpoint
{
    /** The engine's longest dedupe window (30 days). */
    private const MAX_WINDOW_S = 2592000;

    private ?SyncQueue $queue;

    /**
     * @param SyncQueue|null $queue where jobs go; null: the module's queue (Services::queue())
     */
    public function __construct(?SyncQueue $queue = null)
    {
        $this->queue = $queue;
    }

    /**
     * @param string $source the `source` query parameter
     * @param string $rawBody the request body exactly as received (php://input)
     * @param array $headers request headers in any shape WebhookSecurity accepts
     *   (getallheaders(), $_SERVER, PSR-7 lists, "Name: value" lines)
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    public static function handle(string $source, string $rawBody, array $headers): array
    {
        return (new self())->receive($source, $rawBody, $headers);
    }

    /** @see handle() */
    public function receive(string $source, string $rawBody, array $headers, ?string $remoteAddr = null): array
    {
        $remoteAddr ??= isset($_SERVER['REMOTE_ADDR']) ? (string) $_SERVER['REMOTE_ADDR'] : null;
        $event = ['SOURCE' => self::clip($source, 64), 'BODY_BYTES' => strlen($rawBody), 'REMOTE_ADDR' => $remoteAddr === null ? null : self::clip($remoteAddr, 45)];

        try {
            $known = preg_match(Settings::NAME_PATTERN, $source) === 1 && Settings::hasWebhookSource($source);
            if (!$known) {
                return $this->reject($event, 404, 'unknown_source', self::msg('CONDUIT_WEBHOOK_UNKNOWN_SOURCE', ['#SOURCE#' => self::clip($source, 64)]));
            }
            $config = Settings::webhookSource($source);
            $limit = (int) ($config['max_body_bytes'] ?? Settings::get('webhook_max_body_bytes'));
            if (strlen($rawBody) > $limit) {
                return $this->reject($event, 413, 'body_too_large', self::msg('CONDUIT_WEBHOOK_TOO_LARGE', ['#LIMIT#' => (string) $limit]));
            }
            $verifier = Services::webhooks($source);
        } catch (\Throwable $e) {
            // Option storage unreachable, secrets that no longer decrypt: the sender retries.
            return $this->unavailable($event, 'configuration_unavailable', $e);
        }

        try {
            $verified = $verifier->verify($rawBody, $headers);
        } catch (SignatureException $e) {
            return $this->reject($event, $e->getHttpStatus(), $e->getReason(), $e->getMessage());
        }

        $id = (string) $verified->getId();
        $type = $verified->getType();
        $event['EVENT_ID'] = self::clip($id, 191);
        $event['EVENT_TYPE'] = $type === null ? null : self::clip((string) $type, 191);
        $key = 'webhook:' . $source . ':' . $id;
        if (strlen($key) > 191) {
            $key = 'webhook:' . $source . ':sha256:' . hash('sha256', $id);
        }
        $window = min(self::MAX_WINDOW_S, (int) Settings::get('webhook_dedupe_window_h') * 3600);
        $payload = ['source' => $source, 'event_id' => $id, 'event_type' => $type, 'received_at' => time(), 'data' => $verified->getPayload()];

        try {
            $queue = $this->queue ?? Services::queue();
            // The engine says whether the event was already queued (or done within the
            // window): a clock comparison would race when a replay lands in the same millisecond.
            $pushed = $queue->pushOrFind((string) $config['job_type'], $payload, ['dedupe_key' => $key, 'dedupe_window_s' => $window]);
            $jobId = $pushed['id'];
            $duplicate = $pushed['deduplicated'];
        } catch (QueueException|ConfigException $e) {
            return $this->unavailable($event, 'queue_unavailable', $e);
        }

        $event['JOB_ID'] = $jobId;
        $body = ['ok' => true, 'job_id' => $jobId];
        if ($duplicate) {
            $body['duplicate'] = true;
        }
        $this->record($event + ['VERDICT' => $duplicate ? WebhookEventTable::VERDICT_DUPLICATE : WebhookEventTable::VERDICT_ACCEPTED, 'HTTP_STATUS' => 200]);
        return self::response(200, $body);
    }

    /**
     * Sends a handle() result (status, headers, body) as the HTTP response.
     *
     * @param array{status: int, headers: array<string, string>, body: string} $response
     */
    public static function send(array $response): void
    {
        if (!headers_sent()) {
            http_response_code($response['status']);
            foreach ($response['headers'] as $name => $value) {
                header($name . ': ' . $value);
            }
        }
        echo $response['body'];
    }

    /**
     * The request headers of this PHP request in a shape `WebhookSecurity::verify()` takes:
     * `HTTP_*` and `CONTENT_*` entries of $_SERVER.
     *
     * @return array<string, string>
     */
    public static function requestHeaders(?array $server = null): array
    {
        $headers = [];
        foreach ($server ?? $_SERVER as $name => $value) {
            if (is_string($name) && is_string($value) && (str_starts_with($name, 'HTTP_') || $name === 'CONTENT_TYPE' || $name === 'CONTENT_LENGTH')) {
                $headers[$name] = $value;
            }
        }
        return $headers;
    }

    /** 405 for anything but POST (the endpoint script calls it). */
    public function methodNotAllowed(string $source, string $method): array
    {
        $event = ['SOURCE' => self::clip($source, 64), 'BODY_BYTES' => 0, 'REMOTE_ADDR' => isset($_SERVER['REMOTE_ADDR']) ? self::clip((string) $_SERVER['REMOTE_ADDR'], 45) : null];
        $response = $this->reject($event, 405, 'method_not_allowed', self::msg('CONDUIT_WEBHOOK_METHOD', ['#METHOD#' => self::clip($method, 16)]));
        $response['headers']['Allow'] = 'POST';
        return $response;
    }

    private function reject(array $event, int $status, string $reason, string $message): array
    {
        $this->record($event + ['VERDICT' => WebhookEventTable::VERDICT_REJECTED, 'REASON' => $reason, 'HTTP_STATUS' => $status, 'MESSAGE' => self::clip($message, 255)]);
        return self::response($status, ['ok' => false, 'error' => $reason, 'message' => $message]);
    }

    private function unavailable(array $event, string $reason, \Throwable $e): array
    {
        $retryAfter = 30;
        try {
            $retryAfter = (int) Settings::get('webhook_retry_after_s');
        } catch (\Throwable $ignored) {
        }
        // The engine's messages never carry a secret; the class and message help the admin.
        $this->record($event + ['VERDICT' => WebhookEventTable::VERDICT_UNAVAILABLE, 'REASON' => $reason, 'HTTP_STATUS' => 503, 'MESSAGE' => self::clip(get_class($e) . ': ' . $e->getMessage(), 255)]);
        $response = self::response(503, ['ok' => false, 'error' => $reason, 'message' => self::msg('CONDUIT_WEBHOOK_UNAVAILABLE')]);
        $response['headers']['Retry-After'] = (string) $retryAfter;
        return $response;
    }

    /** Best effort: the answer never depends on this row. */
    private function record(array $event): void
    {
        try {
            $event['CREATED_AT'] = (int) floor(microtime(true) * 1000);
            WebhookEventTable::add($event);
        } catch (\Throwable $e) {
        }
    }

    private static function response(int $status, array $body): array
    {
        return [
            'status' => $status,
            'headers' => ['Content-Type' => 'application/json; charset=utf-8', 'Cache-Control' => 'no-store'],
            'body' => json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE),
        ];
    }

    private static function clip(string $value, int $bytes): string
    {
        $value = mb_scrub($value, 'UTF-8');
        return strlen($value) <= $bytes ? $value : mb_strcut($value, 0, $bytes, 'UTF-8');
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code : $message;
    }
}
