<?php

namespace Conduit\Integration\Storage;

use Bitrix\Main\Application;
use Conduit\Integration\Module;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Orm\WorkerTable;

/**
 * The tables the module itself owns (the extension's tables are {@see Schema}):
 * `b_conduit_webhook_event` (received webhook deliveries) and `b_conduit_worker` (worker
 * heartbeats). Created through Bitrix's connection with their indexes — idempotent, so a
 * reinstall over kept data and an upgrade keep the rows — and dropped by UnInstallDB when
 * the data is not kept. The ORM entities map them; a test compares map and columns.
 */
final class ModuleTables
{
    /** Without the b_conduit_ prefix. */
    public const TABLES = ['webhook_event', 'worker'];
    /** Version of these tables' definitions; Module::ensureSchema() creates them after an upgrade. */
    public const VERSION = 1;
    public const VERSION_OPTION = 'module_tables_version';

    private function __construct()
    {
    }

    public static function create(): void
    {
        $connection = Application::getConnection();
        $events = WebhookEventTable::getTableName();
        $connection->queryExecute("CREATE TABLE IF NOT EXISTS `$events` (
            `ID` BIGINT NOT NULL AUTO_INCREMENT,
            `CREATED_AT` BIGINT NOT NULL,
            `SOURCE` VARCHAR(64) NOT NULL,
            `VERDICT` VARCHAR(16) NOT NULL,
            `REASON` VARCHAR(64) NULL,
            `HTTP_STATUS` SMALLINT NOT NULL,
            `EVENT_ID` VARCHAR(191) NULL,
            `EVENT_TYPE` VARCHAR(191) NULL,
            `JOB_ID` BIGINT NULL,
            `BODY_BYTES` INT NOT NULL,
            `REMOTE_ADDR` VARCHAR(45) NULL,
            `MESSAGE` VARCHAR(255) NULL,
            PRIMARY KEY (`ID`),
            KEY `IX_CONDUIT_WHE_CREATED` (`CREATED_AT`),
            KEY `IX_CONDUIT_WHE_SOURCE` (`SOURCE`, `CREATED_AT`),
            KEY `IX_CONDUIT_WHE_VERDICT` (`VERDICT`, `CREATED_AT`),
            KEY `IX_CONDUIT_WHE_EVENT` (`SOURCE`, `EVENT_ID`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        $workers = WorkerTable::getTableName();
        $connection->queryExecute("CREATE TABLE IF NOT EXISTS `$workers` (
            `ID` VARCHAR(100) NOT NULL,
            `HOST` VARCHAR(100) NOT NULL,
            `PID` INT NOT NULL,
            `STATUS` VARCHAR(16) NOT NULL,
            `STOP_REASON` VARCHAR(32) NULL,
            `TYPES` VARCHAR(255) NULL,
            `STARTED_AT` BIGINT NOT NULL,
            `HEARTBEAT_AT` BIGINT NOT NULL,
            `JOBS_DONE` INT NOT NULL,
            `JOBS_FAILED` INT NOT NULL,
            `MEMORY_BYTES` BIGINT NOT NULL,
            `LAST_ERROR` VARCHAR(255) NULL,
            PRIMARY KEY (`ID`),
            KEY `IX_CONDUIT_WORKER_HEARTBEAT` (`HEARTBEAT_AT`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        Module::setDbOption(self::VERSION_OPTION, (string) self::VERSION);
    }

    /** @return list<string> full table names */
    public static function tableNames(): array
    {
        return [WebhookEventTable::getTableName(), WorkerTable::getTableName()];
    }

    public static function drop(): void
    {
        $connection = Application::getConnection();
        foreach (self::tableNames() as $table) {
            $connection->queryExecute('DROP TABLE IF EXISTS `' . $table . '`');
        }
        Module::deleteDbOption(self::VERSION_OPTION);
    }
}
