<?php

namespace Conduit\Integration\Storage;

use Bitrix\Main\Application;
use Conduit\Integration\Exception\InstallException;
use Conduit\Integration\Module;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Orm\WorkerTable;

/**
 * The tables the module itself owns (the extension's tables are {@see Schema}):
 * `b_conduit_webhook_event` (received webhook deliveries) and `b_conduit_worker` (worker
 * heartbeats). Their SQL is in install/db/mysql/ and install/db/pgsql/ (install.sql,
 * uninstall.sql), the file for the site's connection type is run through Bitrix's
 * connection with their indexes — idempotent, so a
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
        self::runBatch('install.sql');
        Module::setDbOption(self::VERSION_OPTION, (string) self::VERSION);
    }

    /**
     * install/db/<type>/<file> for the site's connection type ("mysql" or "pgsql"), as Bitrix
     * modules keep their SQL; each statement through the site's connection.
     *
     * @throws InstallException naming the file and the statements that failed
     */
    private static function runBatch(string $file): void
    {
        $connection = Application::getConnection();
        $path = self::sqlPath($connection->getType(), $file);
        $sql = is_file($path) ? file_get_contents($path) : false;
        if ($sql === false) {
            throw new InstallException("$path: no SQL for this database type");
        }
        $errors = $connection->executeSqlBatch($sql, true);
        if ($errors !== []) {
            throw new InstallException("$path: " . implode('; ', $errors));
        }
    }

    /** The module's SQL file for a connection type. */
    public static function sqlPath(string $type, string $file = 'install.sql'): string
    {
        return dirname(__DIR__, 2) . '/install/db/' . basename($type) . '/' . basename($file);
    }

    /** @return list<string> full table names */
    public static function tableNames(): array
    {
        return [WebhookEventTable::getTableName(), WorkerTable::getTableName()];
    }

    public static function drop(): void
    {
        self::runBatch('uninstall.sql');
        Module::deleteDbOption(self::VERSION_OPTION);
    }
}
