<?php

namespace Conduit\Integration;

use Bitrix\Main\Config\Option;
use Conduit\Integration\Storage\Schema;

/**
 * The module's identity and its raw option access.
 *
 * Everything the module keeps lives in `\Bitrix\Main\Config\Option` under module id
 * {@see Module::ID}; {@see Settings} is the typed, validating layer on top of these
 * wrappers. Only Settings and the installer write options.
 */
final class Module
{
    public const ID = 'conduit.integration';

    /** The extension versions this module works with: >= MIN, < MAX. */
    public const EXTENSION_MIN_VERSION = '0.1.0';
    public const EXTENSION_MAX_VERSION = '1.0.0';

    /** Prefix of every table the extension creates for this module. */
    public const TABLE_PREFIX = 'b_conduit_';

    /** Option holding the schema version migrate() last reported. */
    public const SCHEMA_OPTION = 'schema_version';

    private function __construct()
    {
    }

    /** The stored value, the default_option.php default when unset, or $default. */
    public static function getDbOption(string $name, string $default = ''): string
    {
        return (string) Option::get(self::ID, $name, $default);
    }

    /** The stored value or null when the option is not set (defaults ignored). */
    public static function getRealDbOption(string $name): ?string
    {
        $value = Option::getRealValue(self::ID, $name);
        return $value === null ? null : (string) $value;
    }

    public static function setDbOption(string $name, string $value): void
    {
        Option::set(self::ID, $name, $value);
    }

    public static function deleteDbOption(string $name): void
    {
        Option::delete(self::ID, ['name' => $name]);
    }

    /** @return array<string, string> every stored option of the module, name => value */
    public static function allDbOptions(): array
    {
        return Option::getForModule(self::ID);
    }

    /**
     * Runs the extension's pending migrations when the extension was upgraded since the
     * last migrate() (its Store::SCHEMA_VERSION is above the recorded version). Costs one
     * cached Option read when nothing is pending; called from include.php. Never throws:
     * a failure is retried on the next hit and shown by `bin/conduit check`.
     */
    public static function ensureSchema(): void
    {
        if (!class_exists(\Conduit\Store::class, false)) {
            return;
        }
        $recorded = (int) self::getDbOption(self::SCHEMA_OPTION, '0');
        $moduleTables = (int) self::getDbOption(Storage\ModuleTables::VERSION_OPTION, '0');
        if ($recorded >= \Conduit\Store::SCHEMA_VERSION && $moduleTables >= Storage\ModuleTables::VERSION) {
            return;
        }
        try {
            Schema::migrate();
        } catch (\Throwable $e) {
            // The admin's check command and the next hit report and retry it.
        }
    }

    /** Whether this process runs from the command line (no admin step pages). */
    public static function isCli(): bool
    {
        return PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg';
    }
}
