<?php

namespace Conduit\Integration;

use Conduit\ApiClient;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Storage\Dsn;
use Conduit\RequestLog;
use Conduit\SecretBox;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\WebhookSecurity;

/**
 * The engine objects, configured from {@see Settings}, one instance per process.
 *
 * The same services are in Bitrix's ServiceLocator (the module's .settings.php):
 * `conduit.integration.client` (the "default" connection), `conduit.integration.store`,
 * `conduit.integration.queue`, `conduit.integration.request_log`,
 * `conduit.integration.secret_box`.
 *
 * Keeping one object per process matters: the extension's keep-alive pools, rate
 * limiters, circuit breakers and the request-log writer live as long as the object.
 */
final class Services
{
    private static ?Store $store = null;
    private static ?SyncQueue $queue = null;
    private static ?RequestLog $requestLog = null;
    /** @var array<string, ApiClient> */
    private static array $clients = [];
    /** @var array<string, WebhookSecurity> */
    private static array $webhooks = [];

    private function __construct()
    {
    }

    /**
     * The store over the site database (tables `b_conduit_*`).
     *
     * @throws Exception\InstallException when the site connection is not MySQL/MariaDB
     * @throws \Conduit\ConfigException
     */
    public static function store(): Store
    {
        return self::$store ??= new Store(Dsn::forSite(), ['table_prefix' => Module::TABLE_PREFIX]);
    }

    /** The queue, with the queue_* settings. */
    public static function queue(): SyncQueue
    {
        return self::$queue ??= new SyncQueue(self::store(), [
            'max_attempts' => Settings::get('queue_max_attempts'),
            'lease_s' => Settings::get('queue_lease_s'),
            'backoff_base_s' => Settings::get('queue_backoff_base_s'),
            'backoff_max_s' => max(Settings::get('queue_backoff_base_s'), Settings::get('queue_backoff_max_s')),
        ]);
    }

    public static function requestLog(): RequestLog
    {
        return self::$requestLog ??= new RequestLog(self::store());
    }

    /**
     * The client of a named connection, logging every attempt to the request log
     * (unless log_enabled is off), with the log_* settings applied.
     *
     * @throws Exception\SettingsException when the connection is not configured
     * @throws Exception\KeyException when its secrets do not decrypt
     */
    public static function client(string $connection = 'default'): ApiClient
    {
        if (!isset(self::$clients[$connection])) {
            $options = Settings::connection($connection);
            $baseUrl = (string) $options['base_url'];
            unset($options['base_url']);
            $options += ['log_body_bytes' => Settings::get('log_body_bytes')];
            $redact = Settings::get('log_redact_fields');
            if ($redact !== []) {
                $options['redact_fields'] = array_values(array_unique(array_merge((array) ($options['redact_fields'] ?? []), $redact)));
            }
            if (Settings::get('log_enabled')) {
                $options['log'] = self::store();
            }
            self::$clients[$connection] = new ApiClient($baseUrl, self::withSharedStore($options));
        }
        return self::$clients[$connection];
    }

    /**
     * The verifier of a webhook source.
     *
     * @throws Exception\SettingsException when the source is not configured
     */
    public static function webhooks(string $source): WebhookSecurity
    {
        if (!isset(self::$webhooks[$source])) {
            $config = Settings::webhookSource($source);
            unset($config['job_type']);
            $config += ['max_body_bytes' => Settings::get('webhook_max_body_bytes')];
            self::$webhooks[$source] = new WebhookSecurity($config);
        }
        return self::$webhooks[$source];
    }

    /** The SecretBox that encrypts stored secrets. @throws Exception\KeyException */
    public static function secretBox(): SecretBox
    {
        return KeyRing::box();
    }

    /**
     * Connection options with the module's Store as `rate_limit.store` /
     * `circuit_breaker.store` where that block's `scope` is `store` (limits shared
     * by every web node through the site database).
     */
    public static function withSharedStore(array $options): array
    {
        foreach (['rate_limit', 'circuit_breaker'] as $block) {
            if (is_array($options[$block] ?? null) && ($options[$block]['scope'] ?? null) === 'store') {
                $options[$block]['store'] = self::store();
            }
        }
        return $options;
    }

    /** Drops the cached client of one connection (its settings changed). */
    public static function forgetClient(string $connection): void
    {
        unset(self::$clients[$connection]);
    }

    public static function forgetWebhooks(string $source): void
    {
        unset(self::$webhooks[$source]);
    }

    /** Drops the clients and the queue, whose options come from scalar settings. */
    public static function forgetEngines(): void
    {
        self::$clients = [];
        self::$queue = null;
        self::$webhooks = [];
    }

    /**
     * Drops every cached object, the store last: its request-log writer flushes what
     * this process logged when the last reference goes.
     */
    public static function reset(): void
    {
        self::forgetEngines();
        if (self::$store !== null) {
            try {
                self::requestLog()->flush();
            } catch (\Throwable $e) {
                // counted as dropped by the writer; nothing more to do here
            }
        }
        self::$requestLog = null;
        self::$store = null;
        KeyRing::reset();
    }
}
