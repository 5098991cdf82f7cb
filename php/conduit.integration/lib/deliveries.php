<?php

namespace Conduit\Integration;

use Bitrix\Main\Localization\Loc;
use Conduit\ConfigException;
use Conduit\SyncQueue;

Loc::loadMessages(__FILE__);

/**
 * Queued HTTP deliveries through a named connection.
 *
 * A delivery job names its connection by its **type**, one queue type per connection:
 * `conduit.http` (the engine's `SyncQueue::DELIVERY_TYPE`) is the `default` connection,
 * `conduit.http:<name>` any other (":" never occurs in a connection name). The agent and
 * the worker run `SyncQueue::runDeliveries()` once per type with that connection's client,
 * so its auth, retries, rate limit and circuit breaker apply. A delivery type whose
 * connection is not configured is dead-lettered with "no connection …".
 *
 * ```php
 * Deliveries::push('erp', 'POST', '/orders', ['json' => $order, 'idempotency_key' => "order-$id", 'dedupe_key' => "order:$id"]);
 * ```
 *
 * Options: the request options of `SyncQueue::pushRequest()` (`query`, `headers`,
 * `json` | `form` | `body`, `timeout`, `idempotency_key`) plus the push options
 * (`dedupe_key`, `dedupe_window_s`, `group_key`, `priority`, `delay_s` | `run_at`,
 * `max_attempts`, `backoff_base_s`, `backoff_max_s`). For `default` the engine's
 * `pushRequest()` stores the job; for other connections the module builds the same
 * payload (the engine's documented delivery spec) and pushes it with that type. Don't put
 * credentials in `headers` (they would be stored in the job): configure auth on the
 * connection.
 */
final class Deliveries
{
    public const DEFAULT_CONNECTION = 'default';
    /** Separator between the delivery type and the connection name. */
    public const SEPARATOR = ':';

    private const REQUEST_KEYS = ['query', 'headers', 'json', 'form', 'body', 'timeout', 'idempotency_key'];
    private const PUSH_KEYS = ['delay_s', 'run_at', 'priority', 'max_attempts', 'dedupe_key', 'dedupe_window_s', 'group_key', 'backoff_base_s', 'backoff_max_s'];

    private function __construct()
    {
    }

    /** The queue type of a connection's deliveries. */
    public static function typeFor(string $connection): string
    {
        return $connection === self::DEFAULT_CONNECTION ? SyncQueue::DELIVERY_TYPE : SyncQueue::DELIVERY_TYPE . self::SEPARATOR . $connection;
    }

    /** Whether a job type is an HTTP delivery (of any connection). */
    public static function isDeliveryType(string $type): bool
    {
        return $type === SyncQueue::DELIVERY_TYPE || str_starts_with($type, SyncQueue::DELIVERY_TYPE . self::SEPARATOR);
    }

    /** The connection a delivery type goes through, or null when the type is not a delivery. */
    public static function connectionOf(string $type): ?string
    {
        if ($type === SyncQueue::DELIVERY_TYPE) {
            return self::DEFAULT_CONNECTION;
        }
        $prefix = SyncQueue::DELIVERY_TYPE . self::SEPARATOR;
        return str_starts_with($type, $prefix) ? substr($type, strlen($prefix)) : null;
    }

    /**
     * Queues an HTTP request to a named connection; returns the job id (an existing job's
     * id on a dedupe hit).
     *
     * @throws ConfigException for a bad method, path or option (nothing is queued)
     * @throws Exception\SettingsException when the connection is not configured
     * @throws \Conduit\QueueException when the database refuses
     */
    public static function push(string $connection, string $method, string $path, array $options = []): int
    {
        if (!Settings::hasConnection($connection)) {
            // Fails now, at push time, rather than later in the agent.
            Settings::connection($connection);
        }
        $queue = Services::queue();
        if ($connection === self::DEFAULT_CONNECTION) {
            return $queue->pushRequest($method, $path, $options);
        }
        [$payload, $push] = self::spec($method, $path, $options);
        return $queue->push(self::typeFor($connection), $payload, $push);
    }

    /**
     * The engine's delivery spec for a request (docs/queue.md "HTTP deliveries") and the
     * push options.
     *
     * @return array{0: array, 1: array}
     * @throws ConfigException
     */
    public static function spec(string $method, string $path, array $options): array
    {
        $request = [];
        $push = [];
        foreach ($options as $key => $value) {
            if (in_array($key, self::REQUEST_KEYS, true)) {
                $request[$key] = $value;
            } elseif (in_array($key, self::PUSH_KEYS, true)) {
                $push[$key] = $value;
            } else {
                throw new ConfigException(self::msg('CONDUIT_DELIVERIES_UNKNOWN_OPTION', ['#KEY#' => (string) $key, '#LIST#' => implode(', ', array_merge(self::REQUEST_KEYS, self::PUSH_KEYS))]));
            }
        }
        if (!preg_match('/^[A-Za-z]{1,16}$/', $method)) {
            throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BAD_METHOD', ['#METHOD#' => $method]));
        }
        if (trim($path) === '' || preg_match('/[\x00-\x1f\x7f\\\\]/', $path) || preg_match('~^([a-z][a-z0-9+.\-]*:)?//~i', $path)) {
            throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BAD_PATH', ['#PATH#' => $path]));
        }
        $bodies = array_intersect(array_keys($request), ['json', 'form', 'body']);
        if (count($bodies) > 1) {
            throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BODIES'));
        }
        $spec = ['method' => strtoupper($method), 'path' => $path];
        foreach (['query', 'headers'] as $key) {
            if (isset($request[$key])) {
                $spec[$key] = self::pairs($key, $request[$key]);
            }
        }
        if (array_key_exists('json', $request)) {
            $spec['json'] = $request['json'];
        } elseif (isset($request['form'])) {
            $spec['form'] = self::pairs('form', $request['form']);
        } elseif (isset($request['body'])) {
            if (!is_string($request['body'])) {
                throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BODY_TYPE'));
            }
            if (mb_check_encoding($request['body'], 'UTF-8')) {
                $spec['body'] = $request['body'];
            } else {
                $spec['body_base64'] = base64_encode($request['body']);
            }
        }
        $key = $request['idempotency_key'] ?? null;
        if ($key !== null && (!is_string($key) || $key === '' || preg_match('/[\x00-\x1f\x7f]/', $key))) {
            throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BAD_KEY'));
        }
        $spec['idempotency_key'] = $key ?? self::uuid();
        if (isset($request['timeout'])) {
            if (!is_int($request['timeout']) && !is_float($request['timeout']) || $request['timeout'] <= 0) {
                throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BAD_TIMEOUT'));
            }
            $spec['timeout_s'] = (float) $request['timeout'];
        }
        return [$spec, $push];
    }

    /** @return list<array{0: string, 1: string}> */
    private static function pairs(string $key, mixed $map): array
    {
        if (!is_array($map)) {
            throw new ConfigException(self::msg('CONDUIT_DELIVERIES_MAP', ['#KEY#' => $key]));
        }
        $pairs = [];
        foreach ($map as $name => $value) {
            if (is_bool($value)) {
                $value = $value ? '1' : '0';
            }
            if (!is_scalar($value)) {
                throw new ConfigException(self::msg('CONDUIT_DELIVERIES_MAP', ['#KEY#' => $key]));
            }
            $value = (string) $value;
            if ($key === 'headers' && (preg_match('/[\r\n\x00]/', $value) || !preg_match('/^[!#$%&\'*+.^_`|~0-9A-Za-z\-]+$/', (string) $name))) {
                throw new ConfigException(self::msg('CONDUIT_DELIVERIES_BAD_HEADER', ['#NAME#' => (string) $name]));
            }
            $pairs[] = [(string) $name, $value];
        }
        return $pairs;
    }

    private static function uuid(): string
    {
        $b = random_bytes(16);
        $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
        $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }
}
