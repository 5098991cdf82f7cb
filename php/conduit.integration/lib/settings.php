<?php

namespace Conduit\Integration;

use Bitrix\Main\Localization\Loc;
use Bitrix\Main\Type\DateTime;
use Conduit\ConfigException;
use Conduit\CryptoException;
use Conduit\Integration\Exception\KeyException;
use Conduit\Integration\Exception\SettingsException;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Security\Secret;

Loc::loadMessages(__FILE__);

/**
 * Every setting of the module, in `\Bitrix\Main\Config\Option` (module `conduit.integration`).
 *
 * - Scalar settings ({@see Settings::DEFINITIONS}) with a type, a range and a default
 *   (default_option.php): {@see get()}, {@see set()}, {@see all()}.
 * - Named connections (option `connection.<name>`): the `Conduit\ApiClient` options of one
 *   external system plus `base_url`, validated by the extension itself.
 * - Webhook sources (option `webhook.<name>`): the `Conduit\WebhookSecurity` configuration
 *   plus the job type deliveries are queued as.
 *
 * Secrets — `auth/token`, `auth/password`, `auth/value`, `proxy`, header values whose name
 * looks like a credential, and webhook secrets — are stored as `Conduit\SecretBox`
 * ciphertext with the option name and field path as associated data, together with the
 * time they were set ({@see connectionSecrets()}); they are decrypted only when read
 * through this class. A refused value is never stored: the exception says why.
 */
final class Settings
{
    public const TYPE_INT = 'int';
    public const TYPE_FLOAT = 'float';
    public const TYPE_BOOL = 'bool';
    public const TYPE_ENUM = 'enum';
    public const TYPE_STRING = 'string';
    public const TYPE_LIST = 'list';

    /**
     * name => [type, min, max] (int, float), [type, values] (enum), [type, max length, pattern]
     * (string), [type, max items, item pattern] (list), [type] (bool). Defaults: default_option.php.
     */
    public const DEFINITIONS = [
        'queue_max_attempts' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 100],
        'queue_lease_s' => ['type' => self::TYPE_INT, 'min' => 5, 'max' => 3600],
        'queue_backoff_base_s' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 3600],
        'queue_backoff_max_s' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 604800],
        'queue_retention_days' => ['type' => self::TYPE_INT, 'min' => 0, 'max' => 3650],
        'agent_mode' => ['type' => self::TYPE_ENUM, 'values' => ['hits', 'cron']],
        'agent_time_budget_s' => ['type' => self::TYPE_FLOAT, 'min' => 0.5, 'max' => 60.0],
        'agent_cron_time_budget_s' => ['type' => self::TYPE_FLOAT, 'min' => 1.0, 'max' => 3600.0],
        'agent_job_limit' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 10000],
        'agent_interval_s' => ['type' => self::TYPE_INT, 'min' => 10, 'max' => 86400],
        'delivery_concurrency' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 256],
        'log_enabled' => ['type' => self::TYPE_BOOL],
        'log_retention_days' => ['type' => self::TYPE_INT, 'min' => 0, 'max' => 3650],
        'log_body_bytes' => ['type' => self::TYPE_INT, 'min' => 0, 'max' => 1048576],
        'log_redact_fields' => ['type' => self::TYPE_LIST, 'max_items' => 50, 'pattern' => '/^[A-Za-z0-9_.\-]{1,64}$/'],
        'webhook_max_body_bytes' => ['type' => self::TYPE_INT, 'min' => 1024, 'max' => 67108864],
        'webhook_dedupe_window_h' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 720],
        'webhook_event_retention_days' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 3650],
        'webhook_retry_after_s' => ['type' => self::TYPE_INT, 'min' => 1, 'max' => 3600],
        'public_base_url' => ['type' => self::TYPE_STRING, 'max_length' => 255, 'pattern' => '~^(|https?://[^\s/?#]+(/[^\s?#]*)?)$~'],
    ];

    /** Names of connections and webhook sources. */
    public const NAME_PATTERN = '/^[a-z0-9][a-z0-9_.\-]{0,39}$/';

    public const CONNECTION_PREFIX = 'connection.';
    public const WEBHOOK_PREFIX = 'webhook.';

    /** Connection option keys that hold a secret, as paths ("/" separates levels; header names never
     * contain it). Header values (`headers/<name>`) are secret when the name matches SECRET_HEADER. */
    public const SECRET_PATHS = ['auth/token', 'auth/password', 'auth/value', 'proxy'];
    public const SECRET_HEADER = '/auth|cookie|token|secret|passw|api[-_]?key|signature|credential|session/i';

    /** WebhookSecurity keys a source may set, besides job_type. */
    public const WEBHOOK_KEYS = ['scheme', 'secrets', 'tolerance_s', 'max_body_bytes', 'event_type_field', 'id_field', 'header', 'encoding', 'prefix', 'algorithm'];
    public const JOB_TYPE_PATTERN = '/^[A-Za-z0-9_.:\-]{1,191}$/';

    private const SECRET_KEY = '$secret';

    private function __construct()
    {
    }

    // ---- scalar settings -----------------------------------------------------------------

    /**
     * The typed value of a setting: int, float, bool, string, or list<string>.
     *
     * @throws SettingsException for an unknown name
     */
    public static function get(string $name): int|float|bool|string|array
    {
        $definition = self::definition($name);
        $raw = Module::getDbOption($name);
        try {
            return self::normalize($name, $definition, $raw);
        } catch (SettingsException $e) {
            // A value stored behind our back (SQL, an old version) that no longer fits:
            // the default rather than a broken site.
            $defaults = self::defaults();
            return self::normalize($name, $definition, $defaults[$name] ?? '');
        }
    }

    /**
     * Validates and stores a setting. Accepts PHP-typed values and the strings an admin
     * form posts ("5", "2.5", "Y"/"N", "a, b").
     *
     * @throws SettingsException naming the setting and quoting the value; nothing is stored
     */
    public static function set(string $name, mixed $value): void
    {
        $definition = self::definition($name);
        $typed = self::normalize($name, $definition, $value);
        Module::setDbOption($name, self::encode($definition, $typed));
        Services::forgetEngines();
        if ($name === 'agent_interval_s') {
            Agent::applyInterval();
        }
    }

    /**
     * Validates every value first, then stores them all (all or nothing).
     *
     * @param array<string, mixed> $values
     * @throws SettingsException
     */
    public static function setMany(array $values): void
    {
        $encoded = [];
        foreach ($values as $name => $value) {
            $definition = self::definition((string) $name);
            $encoded[$name] = self::encode($definition, self::normalize((string) $name, $definition, $value));
        }
        foreach ($encoded as $name => $value) {
            Module::setDbOption((string) $name, $value);
        }
        Services::forgetEngines();
        if (array_key_exists('agent_interval_s', $encoded)) {
            Agent::applyInterval();
        }
    }

    /** Back to the default (default_option.php). @throws SettingsException */
    public static function reset(string $name): void
    {
        self::definition($name);
        Module::deleteDbOption($name);
        Services::forgetEngines();
        if ($name === 'agent_interval_s') {
            Agent::applyInterval();
        }
    }

    /** @return array<string, int|float|bool|string|array> every scalar setting, typed */
    public static function all(): array
    {
        $all = [];
        foreach (array_keys(self::DEFINITIONS) as $name) {
            $all[$name] = self::get($name);
        }
        return $all;
    }

    /** @return array<string, string> the defaults of default_option.php, as Option sees them */
    public static function defaults(): array
    {
        $defaults = \Bitrix\Main\Config\Option::getDefaults(Module::ID);
        return is_array($defaults) ? array_map('strval', $defaults) : [];
    }

    /** @throws SettingsException */
    public static function definition(string $name): array
    {
        if (!isset(self::DEFINITIONS[$name])) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_UNKNOWN', ['#NAME#' => $name, '#LIST#' => implode(', ', array_keys(self::DEFINITIONS))]));
        }
        return self::DEFINITIONS[$name];
    }

    // ---- named connections -----------------------------------------------------------------

    /**
     * Adds or replaces a named connection: `base_url` plus `Conduit\ApiClient` options
     * (timeout, connect_timeout, auth, retry, rate_limit, circuit_breaker, headers,
     * verify_tls, ca_file, proxy, max_redirects, …; not `log`, which the module sets).
     * A secret given as {@see Secret::Keep} keeps the stored one.
     *
     * @throws SettingsException bad name, missing base_url, or options the extension refuses
     * @throws KeyException when secrets cannot be encrypted
     */
    public static function saveConnection(string $name, array $options): void
    {
        self::assertName($name, 'connection');
        $option = self::CONNECTION_PREFIX . $name;
        $previous = self::readJson($option);
        if (array_key_exists('log', $options)) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_LOG', ['#NAME#' => $name]));
        }
        $baseUrl = $options['base_url'] ?? null;
        if (!is_string($baseUrl) || trim($baseUrl) === '') {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_NO_URL', ['#NAME#' => $name]));
        }

        // Resolve "keep" markers against the stored secrets, then let the extension judge.
        $plain = $options;
        $stored = $options;
        $now = time();
        foreach (self::secretPaths($options) as $path) {
            $value = self::getPath($options, $path);
            if ($value === Secret::Keep) {
                $old = $previous !== null ? self::getPath($previous, $path) : null;
                if (!self::isSecretEnvelope($old)) {
                    throw new SettingsException(self::msg('CONDUIT_SETTINGS_KEEP_NOTHING', ['#NAME#' => $name, '#PATH#' => $path]));
                }
                self::setPath($plain, $path, self::decryptEnvelope($old, $option, $path));
                self::setPath($stored, $path, $old);
                continue;
            }
            if (is_int($value) || is_float($value)) {
                $value = (string) $value; // a numeric PIN or key: still a secret
                self::setPath($plain, $path, $value);
            }
            if (!is_string($value)) {
                continue; // an array or object: the extension refuses it below, nothing is stored
            }
            self::setPath($stored, $path, [self::SECRET_KEY => KeyRing::box()->encrypt($value, self::aad($option, $path)), 'set_at' => $now]);
        }
        self::validateClientOptions($name, $plain);
        self::writeJson($option, $stored + ['updated_at' => $now]);
        Services::forgetClient($name);
    }

    /**
     * The decrypted options of a connection (`base_url` plus ApiClient options).
     *
     * @throws SettingsException when no connection of that name is configured
     * @throws KeyException when a secret does not decrypt with the configured keys
     */
    public static function connection(string $name): array
    {
        $option = self::CONNECTION_PREFIX . $name;
        $stored = preg_match(self::NAME_PATTERN, $name) ? self::readJson($option) : null;
        if ($stored === null) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_MISSING', ['#NAME#' => $name]));
        }
        unset($stored['updated_at']);
        foreach (self::secretPaths($stored) as $path) {
            $value = self::getPath($stored, $path);
            if (self::isSecretEnvelope($value)) {
                self::setPath($stored, $path, self::decryptEnvelope($value, $option, $path));
            }
        }
        return $stored;
    }

    /**
     * The connection as an admin page may show it: every secret replaced by
     * `['set_at' => DateTime]` — never the value.
     *
     * @throws SettingsException when no connection of that name is configured
     */
    public static function connectionMasked(string $name): array
    {
        $stored = preg_match(self::NAME_PATTERN, $name) ? self::readJson(self::CONNECTION_PREFIX . $name) : null;
        if ($stored === null) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_MISSING', ['#NAME#' => $name]));
        }
        unset($stored['updated_at']);
        foreach (self::secretPaths($stored) as $path) {
            $value = self::getPath($stored, $path);
            if (self::isSecretEnvelope($value)) {
                self::setPath($stored, $path, ['set_at' => DateTime::createFromTimestamp((int) $value['set_at'])]);
            }
        }
        return $stored;
    }

    /**
     * When each secret of a connection was set ("set on <date>" on a write-only field).
     *
     * @return array<string, DateTime> field path (e.g. "auth/token", "headers/X-Api-Key") => time
     * @throws SettingsException when no connection of that name is configured
     */
    public static function connectionSecrets(string $name): array
    {
        $stored = preg_match(self::NAME_PATTERN, $name) ? self::readJson(self::CONNECTION_PREFIX . $name) : null;
        if ($stored === null) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_MISSING', ['#NAME#' => $name]));
        }
        $info = [];
        foreach (self::secretPaths($stored) as $path) {
            $value = self::getPath($stored, $path);
            if (self::isSecretEnvelope($value)) {
                $info[$path] = DateTime::createFromTimestamp((int) $value['set_at']);
            }
        }
        return $info;
    }

    public static function hasConnection(string $name): bool
    {
        return preg_match(self::NAME_PATTERN, $name) === 1 && self::readJson(self::CONNECTION_PREFIX . $name) !== null;
    }

    /** @return list<string> names of the configured connections, sorted */
    public static function connections(): array
    {
        return self::namesWithPrefix(self::CONNECTION_PREFIX);
    }

    /** @return bool false when there was no such connection */
    public static function deleteConnection(string $name): bool
    {
        if (!self::hasConnection($name)) {
            return false;
        }
        Module::deleteDbOption(self::CONNECTION_PREFIX . $name);
        Services::forgetClient($name);
        return true;
    }

    // ---- webhook sources -----------------------------------------------------------------------

    /**
     * Adds or replaces a webhook source: `scheme` (standard | stripe | hmac), `secrets`
     * (one or a list; several during a rotation), `tolerance_s`, `job_type` (default
     * "webhook.<name>"), and optionally max_body_bytes, event_type_field, id_field,
     * header, encoding, prefix, algorithm — validated by `Conduit\WebhookSecurity`.
     * `'secrets' => Secret::Keep` keeps the stored ones.
     *
     * @throws SettingsException|KeyException
     */
    public static function saveWebhookSource(string $name, array $config): void
    {
        self::assertName($name, 'webhook');
        $option = self::WEBHOOK_PREFIX . $name;
        $unknown = array_diff(array_keys($config), array_merge(self::WEBHOOK_KEYS, ['job_type']));
        if ($unknown !== []) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_UNKNOWN_KEY', ['#NAME#' => $name, '#KEY#' => (string) reset($unknown), '#LIST#' => implode(', ', array_merge(self::WEBHOOK_KEYS, ['job_type']))]));
        }
        $jobType = $config['job_type'] ?? ('webhook.' . $name);
        if (!is_string($jobType) || !preg_match(self::JOB_TYPE_PATTERN, $jobType)) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_JOB_TYPE', ['#NAME#' => $name, '#VALUE#' => self::quote($jobType)]));
        }
        $secrets = $config['secrets'] ?? null;
        $now = time();
        if ($secrets === Secret::Keep) {
            $previous = self::readJson($option);
            $envelopes = $previous['secrets'] ?? null;
            if (!is_array($envelopes) || $envelopes === []) {
                throw new SettingsException(self::msg('CONDUIT_SETTINGS_KEEP_NOTHING', ['#NAME#' => $name, '#PATH#' => 'secrets']));
            }
            $plainSecrets = array_map(fn ($e) => self::decryptEnvelope($e, $option, 'secrets'), $envelopes);
        } else {
            $plainSecrets = is_string($secrets) ? [$secrets] : $secrets;
            if (!is_array($plainSecrets) || $plainSecrets === [] || array_filter($plainSecrets, fn ($s) => !is_string($s) || $s === '') !== []) {
                throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_SECRETS', ['#NAME#' => $name]));
            }
            $plainSecrets = array_values($plainSecrets);
            $envelopes = array_map(fn (string $s) => [self::SECRET_KEY => KeyRing::box()->encrypt($s, self::aad($option, 'secrets')), 'set_at' => $now], $plainSecrets);
        }
        $security = $config;
        unset($security['job_type']);
        $security['secrets'] = $plainSecrets;
        $security += ['max_body_bytes' => self::get('webhook_max_body_bytes')];
        try {
            new \Conduit\WebhookSecurity($security);
        } catch (ConfigException $e) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_INVALID', ['#NAME#' => $name, '#REASON#' => $e->getMessage()]), 0, $e);
        }
        $stored = $config;
        $stored['job_type'] = $jobType;
        $stored['secrets'] = array_values($envelopes);
        self::writeJson($option, $stored + ['updated_at' => $now]);
        Services::forgetWebhooks($name);
    }

    /**
     * The decrypted configuration of a source: the WebhookSecurity keys plus `job_type`.
     *
     * @throws SettingsException when no such source exists
     * @throws KeyException
     */
    public static function webhookSource(string $name): array
    {
        $option = self::WEBHOOK_PREFIX . $name;
        $stored = preg_match(self::NAME_PATTERN, $name) ? self::readJson($option) : null;
        if ($stored === null) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_MISSING', ['#NAME#' => $name]));
        }
        unset($stored['updated_at']);
        $stored['secrets'] = array_map(fn ($e) => self::decryptEnvelope($e, $option, 'secrets'), (array) ($stored['secrets'] ?? []));
        return $stored;
    }

    /**
     * When each secret of a source was set, in the order of the ring.
     *
     * @return list<DateTime>
     * @throws SettingsException
     */
    public static function webhookSecrets(string $name): array
    {
        $stored = preg_match(self::NAME_PATTERN, $name) ? self::readJson(self::WEBHOOK_PREFIX . $name) : null;
        if ($stored === null) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_WEBHOOK_MISSING', ['#NAME#' => $name]));
        }
        return array_map(fn ($e) => DateTime::createFromTimestamp((int) ($e['set_at'] ?? 0)), (array) ($stored['secrets'] ?? []));
    }

    public static function hasWebhookSource(string $name): bool
    {
        return preg_match(self::NAME_PATTERN, $name) === 1 && self::readJson(self::WEBHOOK_PREFIX . $name) !== null;
    }

    /** @return list<string> */
    public static function webhookSources(): array
    {
        return self::namesWithPrefix(self::WEBHOOK_PREFIX);
    }

    public static function deleteWebhookSource(string $name): bool
    {
        if (!self::hasWebhookSource($name)) {
            return false;
        }
        Module::deleteDbOption(self::WEBHOOK_PREFIX . $name);
        Services::forgetWebhooks($name);
        return true;
    }

    // ---- key rotation --------------------------------------------------------------------------

    /**
     * Re-encrypts every stored secret under the primary key of the ring (step 3 of the
     * rotation in docs/admin-guide.md). Values already under it are left as they are.
     *
     * @return int how many values were re-encrypted
     * @throws KeyException when a value does not decrypt with any key of the ring
     */
    public static function rotateSecrets(): int
    {
        $box = KeyRing::box();
        $count = 0;
        foreach (Module::allDbOptions() as $option => $raw) {
            $option = (string) $option;
            if (!str_starts_with($option, self::CONNECTION_PREFIX) && !str_starts_with($option, self::WEBHOOK_PREFIX)) {
                continue;
            }
            $data = self::readJson($option);
            if ($data === null) {
                continue;
            }
            $changed = false;
            $rotate = function (array $envelope, string $path) use ($box, $option, &$changed, &$count): array {
                try {
                    $new = $box->rotate((string) $envelope[self::SECRET_KEY], self::aad($option, $path));
                } catch (CryptoException $e) {
                    throw new KeyException(self::msg('CONDUIT_SETTINGS_DECRYPT', ['#OPTION#' => $option, '#PATH#' => $path, '#REASON#' => $e->getReason()]), 0, $e);
                }
                if ($new !== $envelope[self::SECRET_KEY]) {
                    $envelope[self::SECRET_KEY] = $new;
                    $changed = true;
                    $count++;
                }
                return $envelope;
            };
            if (str_starts_with($option, self::WEBHOOK_PREFIX)) {
                foreach ((array) ($data['secrets'] ?? []) as $i => $envelope) {
                    if (self::isSecretEnvelope($envelope)) {
                        $data['secrets'][$i] = $rotate($envelope, 'secrets');
                    }
                }
            } else {
                foreach (self::secretPaths($data) as $path) {
                    $envelope = self::getPath($data, $path);
                    if (self::isSecretEnvelope($envelope)) {
                        self::setPath($data, $path, $rotate($envelope, $path));
                    }
                }
            }
            if ($changed) {
                self::writeJson($option, $data);
            }
        }
        Services::reset();
        return $count;
    }

    // ---- internals -------------------------------------------------------------------------------

    /** @throws SettingsException */
    private static function normalize(string $name, array $definition, mixed $value): int|float|bool|string|array
    {
        $type = $definition['type'];
        switch ($type) {
            case self::TYPE_INT:
                if (is_string($value) && preg_match('/^\s*-?\d+\s*$/', $value)) {
                    $value = (int) trim($value);
                }
                if (!is_int($value)) {
                    throw self::typeError($name, 'an integer', $value);
                }
                self::assertRange($name, $definition, $value);
                return $value;
            case self::TYPE_FLOAT:
                if (is_string($value) && is_numeric(trim($value))) {
                    $value = (float) trim($value);
                }
                if (is_int($value)) {
                    $value = (float) $value;
                }
                if (!is_float($value) || !is_finite($value)) {
                    throw self::typeError($name, 'a number', $value);
                }
                self::assertRange($name, $definition, $value);
                return $value;
            case self::TYPE_BOOL:
                if ($value === 'Y' || $value === true) {
                    return true;
                }
                if ($value === 'N' || $value === false) {
                    return false;
                }
                throw self::typeError($name, 'true/false ("Y"/"N")', $value);
            case self::TYPE_ENUM:
                if (!is_string($value) || !in_array($value, $definition['values'], true)) {
                    throw new SettingsException(self::msg('CONDUIT_SETTINGS_ENUM', ['#NAME#' => $name, '#VALUES#' => implode(', ', $definition['values']), '#VALUE#' => self::quote($value)]));
                }
                return $value;
            case self::TYPE_STRING:
                if (!is_string($value)) {
                    throw self::typeError($name, 'a string', $value);
                }
                $value = trim($value);
                if (strlen($value) > $definition['max_length'] || !preg_match($definition['pattern'], $value)) {
                    throw new SettingsException(self::msg('CONDUIT_SETTINGS_STRING', ['#NAME#' => $name, '#VALUE#' => self::quote($value), '#MAX#' => (string) $definition['max_length']]));
                }
                return $value;
            case self::TYPE_LIST:
                if (is_string($value)) {
                    $value = preg_split('/[\s,;]+/', $value, -1, PREG_SPLIT_NO_EMPTY) ?: [];
                }
                if (!is_array($value)) {
                    throw self::typeError($name, 'a list of names', $value);
                }
                $items = [];
                foreach ($value as $item) {
                    if (!is_string($item) || !preg_match($definition['pattern'], $item)) {
                        throw new SettingsException(self::msg('CONDUIT_SETTINGS_LIST_ITEM', ['#NAME#' => $name, '#VALUE#' => self::quote($item)]));
                    }
                    $items[$item] = true;
                }
                if (count($items) > $definition['max_items']) {
                    throw new SettingsException(self::msg('CONDUIT_SETTINGS_LIST_SIZE', ['#NAME#' => $name, '#MAX#' => (string) $definition['max_items'], '#COUNT#' => (string) count($items)]));
                }
                return array_keys($items);
        }
        throw new SettingsException(self::msg('CONDUIT_SETTINGS_UNKNOWN', ['#NAME#' => $name, '#LIST#' => '']));
    }

    private static function encode(array $definition, int|float|bool|string|array $value): string
    {
        return match ($definition['type']) {
            self::TYPE_BOOL => $value ? 'Y' : 'N',
            self::TYPE_LIST => implode(',', $value),
            self::TYPE_FLOAT => rtrim(rtrim(sprintf('%.6F', $value), '0'), '.'),
            default => (string) $value,
        };
    }

    /** @throws SettingsException */
    private static function assertRange(string $name, array $definition, int|float $value): void
    {
        if ($value < $definition['min'] || $value > $definition['max']) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_RANGE', ['#NAME#' => $name, '#MIN#' => (string) $definition['min'], '#MAX#' => (string) $definition['max'], '#VALUE#' => self::quote($value)]));
        }
    }

    private static function typeError(string $name, string $expected, mixed $value): SettingsException
    {
        return new SettingsException(self::msg('CONDUIT_SETTINGS_TYPE', ['#NAME#' => $name, '#TYPE#' => $expected, '#VALUE#' => self::quote($value)]));
    }

    /** @throws SettingsException */
    private static function assertName(string $name, string $what): void
    {
        if (!preg_match(self::NAME_PATTERN, $name)) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_BAD_NAME', ['#WHAT#' => $what, '#VALUE#' => self::quote($name)]));
        }
    }

    /** @throws SettingsException */
    private static function validateClientOptions(string $name, array $options): void
    {
        $baseUrl = (string) $options['base_url'];
        unset($options['base_url']);
        try {
            new \Conduit\ApiClient($baseUrl, Services::withSharedStore($options));
        } catch (ConfigException $e) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_INVALID', ['#NAME#' => $name, '#REASON#' => $e->getMessage()]), 0, $e);
        } catch (\TypeError $e) {
            throw new SettingsException(self::msg('CONDUIT_SETTINGS_CONNECTION_INVALID', ['#NAME#' => $name, '#REASON#' => $e->getMessage()]), 0, $e);
        }
    }

    /** @return list<string> the secret field paths present in a connection's options */
    private static function secretPaths(array $options): array
    {
        $paths = [];
        foreach (self::SECRET_PATHS as $path) {
            if (self::getPath($options, $path) !== null) {
                $paths[] = $path;
            }
        }
        if (isset($options['headers']) && is_array($options['headers'])) {
            foreach (array_keys($options['headers']) as $header) {
                if (preg_match(self::SECRET_HEADER, (string) $header)) {
                    $paths[] = 'headers/' . $header;
                }
            }
        }
        return $paths;
    }

    private static function getPath(array $data, string $path): mixed
    {
        foreach (explode('/', $path) as $key) {
            if (!is_array($data) || !array_key_exists($key, $data)) {
                return null;
            }
            $data = $data[$key];
        }
        return $data;
    }

    private static function setPath(array &$data, string $path, mixed $value): void
    {
        $ref = &$data;
        foreach (explode('/', $path) as $key) {
            if (!isset($ref[$key]) || !is_array($ref[$key])) {
                $ref[$key] = $ref[$key] ?? [];
            }
            $ref = &$ref[$key];
        }
        $ref = $value;
    }

    private static function isSecretEnvelope(mixed $value): bool
    {
        return is_array($value) && isset($value[self::SECRET_KEY]) && is_string($value[self::SECRET_KEY]);
    }

    /** @throws KeyException */
    private static function decryptEnvelope(mixed $envelope, string $option, string $path): string
    {
        if (!self::isSecretEnvelope($envelope)) {
            throw new KeyException(self::msg('CONDUIT_SETTINGS_DECRYPT', ['#OPTION#' => $option, '#PATH#' => $path, '#REASON#' => 'bad_format']));
        }
        try {
            return KeyRing::box()->decrypt($envelope[self::SECRET_KEY], self::aad($option, $path));
        } catch (CryptoException $e) {
            throw new KeyException(self::msg('CONDUIT_SETTINGS_DECRYPT', ['#OPTION#' => $option, '#PATH#' => $path, '#REASON#' => $e->getReason()]), 0, $e);
        }
    }

    /** The associated data binding a ciphertext to its option and field. */
    private static function aad(string $option, string $path): string
    {
        return Module::ID . ':' . $option . '#' . $path;
    }

    private static function readJson(string $option): ?array
    {
        $raw = Module::getRealDbOption($option);
        if ($raw === null || $raw === '') {
            return null;
        }
        $data = json_decode($raw, true);
        return is_array($data) ? $data : null;
    }

    private static function writeJson(string $option, array $data): void
    {
        Module::setDbOption($option, json_encode($data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
    }

    /** @return list<string> */
    private static function namesWithPrefix(string $prefix): array
    {
        $names = [];
        foreach (array_keys(Module::allDbOptions()) as $option) {
            $option = (string) $option;
            if (str_starts_with($option, $prefix) && preg_match(self::NAME_PATTERN, substr($option, strlen($prefix)))) {
                $names[] = substr($option, strlen($prefix));
            }
        }
        sort($names, SORT_STRING);
        return $names;
    }

    private static function quote(mixed $value): string
    {
        if (is_string($value)) {
            $shown = mb_strlen($value) > 80 ? mb_substr($value, 0, 80) . '…' : $value;
            return '"' . $shown . '"';
        }
        if (is_array($value)) {
            return 'an array';
        }
        if (is_object($value)) {
            return 'an object of class ' . get_class($value);
        }
        return var_export($value, true);
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }
}
