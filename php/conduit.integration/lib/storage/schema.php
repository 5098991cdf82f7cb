<?php

namespace Conduit\Integration\Storage;

use Bitrix\Main\Application;
use Conduit\Integration\Module;
use Conduit\Integration\Services;

/**
 * The extension's tables in the site database.
 *
 * The extension owns the schema: {@see Schema::migrate()} runs `Conduit\Store::migrate()`
 * (versioned, idempotent, never drops anything). The extension has no "drop", so the
 * uninstaller removes the tables its migrations create, listed in {@see Schema::TABLES}
 * (crates/conduit-store/migrations/mariadb/ plus the version table) and the module's own
 * tables ({@see ModuleTables}), through Bitrix's connection.
 */
final class Schema
{
    /** Table names without the prefix, as the extension's migrations create them. */
    public const TABLES = ['jobs', 'job_groups', 'request_log', 'schema_version', 'webhook_event', 'worker', 'log_rollup', 'log_rollup_h', 'queue_rollup', 'queue_rollup_h', 'log_endpoint'];

    private function __construct()
    {
    }

    /**
     * Brings the tables to the extension's schema version and records it.
     *
     * @return int the schema version
     * @throws \Conduit\QueueException when the database refuses
     */
    public static function migrate(): int
    {
        $connection = Application::getConnection();
        // One migrating process at a time (web hits after an upgrade, the CLI, an install);
        // the connection's named lock: GET_LOCK on MySQL, an advisory lock on PostgreSQL.
        $lock = 'conduit_integration_migrate';
        $locked = $connection->lock($lock, 30);
        try {
            $version = Services::store()->migrate();
            ModuleTables::create(); // the module's own tables (webhook events, worker heartbeats)
            AdminTables::create(); // the admin pages' log rollup and queue-count index
        } finally {
            if ($locked) {
                $connection->unlock($lock);
            }
        }
        Module::setDbOption(Module::SCHEMA_OPTION, (string) $version);
        return $version;
    }

    /** @return list<string> the full table names */
    public static function tableNames(): array
    {
        return array_map(static fn (string $t): string => Module::TABLE_PREFIX . $t, self::TABLES);
    }

    /** @return list<string> the module's tables that exist now */
    public static function existingTables(): array
    {
        $connection = Application::getConnection();
        return array_values(array_filter(self::tableNames(), static fn (string $t): bool => $connection->isTableExists($t)));
    }

    /** Drops every table of the module (the data is gone). */
    public static function drop(): void
    {
        Services::reset(); // flushes this process's log writer before its table goes
        $connection = Application::getConnection();
        foreach (self::tableNames() as $table) {
            $connection->queryExecute('DROP TABLE IF EXISTS ' . $connection->getSqlHelper()->quote($table));
        }
        Module::deleteDbOption(Module::SCHEMA_OPTION);
        Module::deleteDbOption(ModuleTables::VERSION_OPTION);
    }
}
