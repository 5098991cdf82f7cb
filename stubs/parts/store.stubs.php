<?php
/**
 * IDE stubs for the storage classes of the conduit extension: the store, the durable
 * queue and the request log. Docs: docs/queue.md, docs/request-log.md.
 */

namespace Conduit;

/**
 * One database — an SQLite file, a MariaDB/MySQL schema or a PostgreSQL database — plus
 * a table prefix.
 * Constructing validates only; the first operation of a process connects (one
 * connection per process, rebuilt after fork()).
 *
 * Options (all optional):
 * - `table_prefix` (string, default "conduit_"; the Bitrix module uses "b_conduit_"):
 *   empty, or a letter or `_` then letters, digits or `_`, at most 32 bytes;
 * - SQLite: `busy_timeout_s` (5.0), `synchronous` ("full" | "normal", default "full");
 * - MariaDB, PostgreSQL: `pool_size` (4), `connect_timeout_s` (5.0), `io_timeout_s` (30.0);
 * - request-log writer: `log_batch_size` (100), `log_flush_interval_s` (0.2),
 *   `log_capacity` (10000), `log_drop_grace_s` (30.0), `log_flush_timeout_s` (5.0).
 */
final class Store
{
    /** The schema version migrate() brings a database to. */
    public const SCHEMA_VERSION = 5;

    /**
     * @param string $dsn "sqlite:///absolute/path.db", "mysql://user:pass@host:3306/db"
     *                    (also "mariadb://", "?socket=/path" for a Unix socket) or
     *                    "postgres://user:pass@host:5432/db" (also "postgresql://",
     *                    "?host=/run/postgresql" for a socket directory,
     *                    "?sslmode=disable|prefer|require|verify-full"). Marked
     *                    #[\SensitiveParameter]: traces never show the password.
     * @throws ConfigException for a bad DSN or an unknown/invalid option.
     */
    public function __construct(#[\SensitiveParameter] string $dsn, ?array $options = null) {}

    /**
     * Applies pending schema migrations (versioned, idempotent, never drops anything).
     * @return int the schema version
     * @throws QueueException when the database is unreachable or refuses a statement.
     */
    public function migrate(): int {}

    /**
     * The applied schema version; 0 before the first migrate().
     * @throws QueueException
     */
    public function schemaVersion(): int {}

    /** "sqlite", "mysql" or "pgsql". */
    public function getDriver(): string {}

    /** The DSN with the password masked. */
    public function getDsn(): string {}

    public function getTablePrefix(): string {}

    /**
     * One round trip to the database.
     * @throws QueueException with the driver's reason.
     */
    public function ping(): void {}
}

/**
 * A durable job queue in a Store. Delivery is at-least-once: handlers must be
 * idempotent (see docs/queue.md). Statuses: pending, running, done, failed.
 *
 * Options: `max_attempts` (5), `lease_s` (60), `backoff_base_s` (5), `backoff_max_s` (3600),
 * `dedupe_window_s` (0: the default window of push()).
 */
final class SyncQueue
{
    /** Default attempts per job. */
    public const DEFAULT_MAX_ATTEMPTS = 5;
    /** The type of the jobs pushRequest() creates. */
    public const DELIVERY_TYPE = 'conduit.http';

    /** @throws ConfigException for an unknown or invalid option. */
    public function __construct(Store $store, ?array $options = null) {}

    /**
     * Adds a job, committed durably before returning.
     *
     * Options: `delay_s` or `run_at` (Unix timestamp), `priority` (int, higher first),
     * `max_attempts`, `dedupe_key` (while a pending or running job holds it, returns
     * that job's id and adds nothing; keys are exact, byte for byte),
     * `dedupe_window_s` (with a `dedupe_key`: a `done` job with the key finished
     * within that many seconds also suppresses the push; `failed` jobs never do;
     * 0…2592000, default from the queue), `group_key` (jobs of one group run one at
     * a time, in push order), `backoff_base_s`, `backoff_max_s`.
     *
     * @param array $payload JSON-encodable
     * @return int the job id
     * @throws ConfigException|QueueException
     */
    public function push(string $type, array $payload, ?array $options = null): int {}

    /**
     * Like push(), and says which it did: `deduplicated` is true when an existing
     * job's id came back (its dedupe key was held, or a done job finished within
     * the window) and nothing was added.
     *
     * @param array $payload JSON-encodable
     * @return array{id: int, deduplicated: bool}
     * @throws ConfigException|QueueException
     */
    public function pushOrFind(string $type, array $payload, ?array $options = null): array {}

    /**
     * Adds several jobs in one transaction: all or none.
     * @param array<int, array{0: string, 1: array, 2?: array}|array{type: string, payload: array, options?: array}> $jobs
     * @return int[] ids in input order
     * @throws ConfigException|QueueException
     */
    public function pushMany(array $jobs): array {}

    /**
     * Adds an HTTP delivery job (type "conduit.http") for runDeliveries().
     * Request options: `query`, `headers`, `json` | `form` | `body`, `timeout`,
     * `idempotency_key` (a UUID is generated when absent; the same key is sent on
     * every attempt and redelivery), plus every push() option.
     * @return int the job id
     * @throws ConfigException|QueueException
     */
    public function pushRequest(string $method, string $path, #[\SensitiveParameter] ?array $options = null): int {}

    /**
     * Leases up to $limit due jobs (1…1000): highest priority first, then the
     * longest-due. Options: `lease_s` (default from the queue), `types` (string[]).
     * @return Job[]
     * @throws ConfigException|QueueException
     */
    public function claim(int $limit, ?array $options = null): array {}

    /**
     * Marks a running job done, keeping $result (JSON-encodable).
     * @throws QueueException when the job is gone, not running, or was taken over by
     *         another worker after its lease expired.
     */
    public function ack(int $id, mixed $result = null): void {}

    /**
     * Claims due HTTP delivery jobs (pushRequest) and sends them concurrently through
     * $client: its retries, rate limit and circuit breaker apply, and with
     * `'log' => $store` every attempt is logged with the job id. Each job is acked,
     * rescheduled (backoff, or the server's Retry-After) or dead-lettered (4xx business
     * errors, attempts exhausted). An open circuit releases the remaining jobs without
     * spending their attempts.
     *
     * @param array{limit?: int, concurrency?: int, time_budget_s?: float, types?: string[]}|null $options
     * @return array{delivered: int, retried: int, failed: int, skipped: int, queue_errors: int, last_queue_error: ?string, duration_s: float}
     * @throws ConfigException|QueueException
     */
    public function runDeliveries(ApiClient $client, ?array $options = null): array {}

    /**
     * Acks several running jobs in one transaction.
     * @param int[] $ids
     * @return int[] the ids that could not be acked (gone, not running, lease lost);
     *               empty when all were acked
     * @throws ConfigException|QueueException
     */
    public function ackMany(array $ids): array {}

    /**
     * Records a failed attempt: retried after backoff (exponential, full jitter,
     * capped) or dead-lettered when attempts are exhausted or the failure is final.
     * $error is a string or a Throwable: a RateLimitException's (or open circuit's)
     * retry-after replaces the backoff; ApiException 4xx (but 408/425/429) and
     * ConfigException are not retried. Options: `retry` (bool), `retry_after_s`.
     * @param string|\Throwable $error
     * @return string the new status: "pending" (will be retried) or "failed"
     * @throws ConfigException|QueueException
     */
    public function fail(int $id, mixed $error, ?array $options = null): string {}

    /**
     * Gives a running job back without counting the attempt, due after $delay seconds.
     * @throws QueueException
     */
    public function release(int $id, float $delay = 0.0): void {}

    /**
     * Extends a running job's lease to $seconds from now.
     * @return float the new lease end (Unix timestamp)
     * @throws QueueException
     */
    public function extendLease(int $id, float $seconds): float {}

    /** @throws QueueException */
    public function get(int $id): ?Job {}

    /**
     * Filter keys: `status`, `type` (string or list), `dedupe_key`, `group_key`,
     * `created_from`, `created_to`, `updated_from`, `updated_to` (Unix timestamps),
     * `error` (exact, case-sensitive substring of the last error). Order: "id desc" (default), "column",
     * "column asc|desc" or "-column" with id, created_at, updated_at, run_at,
     * priority, attempts, status, type.
     * @return Job[]
     * @throws ConfigException|QueueException
     */
    public function list(?array $filter = null, ?string $order = null, int $limit = 50, int $offset = 0): array {}

    /** @throws ConfigException|QueueException */
    public function count(?array $filter = null): int {}

    /**
     * Puts a failed job back to pending with its attempts reset.
     * @throws QueueException when it is not failed, or a live job holds its dedupe key.
     */
    public function retry(int $id): void {}

    /**
     * Retries every failed job matching $filter (list() filter keys).
     * @return int how many
     * @throws ConfigException|QueueException
     */
    public function retryFailed(?array $filter = null): int {}

    /**
     * Deletes a job whatever its status.
     * @return bool false when it did not exist
     * @throws QueueException
     */
    public function delete(int $id): bool {}

    /**
     * Deletes finished jobs. Options: `status` ("done" by default; "failed"; or both),
     * `older_than_s` (by finish time, default 0 = all).
     * @return int how many
     * @throws ConfigException|QueueException
     */
    public function purge(?array $options = null): int {}

    /**
     * @return array{by_status: array<string, int>, by_type: array<string, array<string, int>>,
     *               oldest_pending_age_s: ?float, done_last_hour: int, failed_last_hour: int,
     *               avg_processing_ms: ?float, p95_processing_ms: ?float}
     * @throws QueueException
     */
    public function stats(): array {}
}

/**
 * A job as claim(), get() and list() return it: a read-only snapshot of its row
 * (writing or unsetting a property throws ConfigException; change jobs through
 * SyncQueue). Times are Unix timestamps (float).
 */
final class Job
{
    public int $id;
    public string $type;
    /** pending, running, done or failed */
    public string $status;
    /** While running: the number of this attempt (1-based). Otherwise: attempts made. */
    public int $attempts;
    public int $maxAttempts;
    public int $priority;
    public float $createdAt;
    public float $updatedAt;
    public float $runAt;
    public ?float $leaseUntil;
    public ?float $finishedAt;
    public ?string $dedupeKey;
    public ?string $groupKey;
    public ?string $lastError;
    /** The payload as pushed (arrays decoded like json_decode($json, true)). */
    public mixed $payload;
    /** What ack() was given, or null. */
    public mixed $result;

    /** Jobs come from SyncQueue only: `new Job()` throws ConfigException. */
    public function __construct() {}
}

/**
 * The request log of a Store: one row per HTTP attempt, written in batches by a
 * background writer thread of this process (back-pressure, not drops), redacted.
 */
final class RequestLog
{
    public function __construct(Store $store) {}

    /**
     * Filter keys: `status_class` (2xx|3xx|4xx|5xx|error), `status`, `endpoint`
     * (contains), `method`, `from`, `to` (Unix timestamps), `correlation_id`,
     * `job_id`, `error` (contains). Order: "id desc" (default), "created_at",
     * "duration_ms desc", "status".
     * @return array<int, array{id: int, created_at: float, method: string, url: string,
     *   endpoint: string, status: ?int, duration_ms: float, attempt: int, correlation_id: string,
     *   job_id: ?int, error_class: ?string, error_message: ?string, request_headers: array<string, string>,
     *   request_body: string, response_headers: array<string, string>, response_body: string}>
     * @throws ConfigException|QueueException
     */
    public function list(?array $filter = null, ?string $order = null, int $limit = 50, int $offset = 0): array {}

    /** @throws ConfigException|QueueException */
    public function count(?array $filter = null): int {}

    /**
     * One record (same shape as list() rows), or null.
     * @throws QueueException
     */
    public function get(int $id): ?array {}

    /**
     * Deletes records older than `older_than_s` (required; 0 deletes all).
     * @return int how many
     * @throws ConfigException|QueueException
     */
    public function purge(?array $options = null): int {}

    /**
     * Over the last $window seconds: requests, errors (no answer or 5xx), error_rate,
     * by_class, p50_ms/p95_ms/p99_ms, and per endpoint (busiest 100) the same;
     * plus `writer`: this process's writer counters (see writerStats()).
     * @throws ConfigException|QueueException
     */
    public function stats(float $window = 3600.0): array {}

    /**
     * Waits until every record this process queued is in the table. When the
     * database is unreachable the records go to the local spool at once (written
     * when it answers again) and flush() throws without waiting.
     * @throws QueueException when records could not be written now (they are in the
     *         spool), or, without a spool, not within log_flush_timeout_s.
     */
    public function flush(): void {}

    /**
     * Queues one record of an HTTP call made without ApiClient, redacted like the
     * client's records. Entry: `method`, `url` (required), `endpoint`, `status`,
     * `duration_ms`, `attempt`, `correlation_id`, `job_id`, `error_class`,
     * `error_message`, `request_headers`, `request_body`, `response_headers`,
     * `response_body`, `created_at`. Options: `redact_headers`, `redact_fields`,
     * `secrets` (literal values to scrub anywhere), `body_bytes`.
     * @return bool false only when the record was dropped (database unreachable
     *              for longer than log_drop_grace_s)
     * @throws ConfigException|QueueException
     */
    public function record(#[\SensitiveParameter] array $entry, #[\SensitiveParameter] ?array $options = null): bool {}

    /**
     * This process's writer counters. `spooled`: records put in the local spool
     * (conduit.log_spool_dir) while the database was unreachable; `replayed`: records
     * inserted from spool files (this process's or a dead process's); `spool_dropped`:
     * records dropped because the spool was full (also counted in `dropped`).
     * accepted = written + dropped + spooled + pending.
     * @return array{accepted: int, written: int, dropped: int, pending: int, batches: int,
     *               write_errors: int, unreachable_since: ?float, last_error: ?string,
     *               spooled: int, replayed: int, spool_dropped: int}
     */
    public function writerStats(): array {}
}
