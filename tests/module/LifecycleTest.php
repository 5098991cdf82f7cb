<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Conduit\Integration\Events;
use Conduit\Integration\Module;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Integration\Storage\Schema;

/** Uninstall with and without kept data, reinstall over kept data, upgrade migrations. */
final class LifecycleTest extends ModuleTestCase
{
    private static string $connection;
    private static string $jobType;
    private static int $jobId;

    private static function jobRows(string $type): int
    {
        $helper = Application::getConnection()->getSqlHelper();
        return (int) Application::getConnection()->queryScalar("SELECT COUNT(*) FROM b_conduit_jobs WHERE type = '" . $helper->forSql($type) . "'");
    }

    private static function ourHandlers(): array
    {
        return array_filter(EventManager::getInstance()->findEventHandlers('main', 'OnModuleUpdate'), static fn (array $h) => ($h['TO_MODULE_ID'] ?? '') === self::MODULE);
    }

    public function testUninstallKeepingDataKeepsTablesSettingsAndSecrets(): void
    {
        self::ensureInstalled();
        self::$connection = self::uniqueName('t');
        self::$jobType = self::uniqueName('t.keep');
        Settings::saveConnection(self::$connection, ['base_url' => 'https://kept.example.com', 'auth' => ['type' => 'bearer', 'token' => 'kept-token']]);
        self::$jobId = Services::queue()->push(self::$jobType, ['kept' => true]);
        $optionsBefore = self::rawOptions();

        $this->assertTrue(self::module()->DoUninstall(true), self::lastException());

        $this->assertFalse(ModuleManager::isModuleInstalled(self::MODULE));
        foreach (Schema::tableNames() as $table) {
            $this->assertTrue(self::tableExists($table), "$table was dropped although the data was kept");
        }
        $this->assertSame(1, self::jobRows(self::$jobType));
        $this->assertSame($optionsBefore, self::rawOptions(), 'kept settings and encrypted secrets are untouched');
        $this->assertFileDoesNotExist(CONDUIT_TEST_ROOT . '/bitrix/admin/conduit_integration_status.php', 'copied files are always removed');
        $this->assertCount(0, self::ourHandlers(), 'event handlers are always removed');
    }

    /** @depends testUninstallKeepingDataKeepsTablesSettingsAndSecrets */
    public function testReinstallOverKeptData(): void
    {
        $this->assertTrue(self::module()->DoInstall(), self::lastException());
        $this->assertTrue(ModuleManager::isModuleInstalled(self::MODULE));
        $this->assertSame('kept-token', Settings::connection(self::$connection)['auth']['token']);
        $job = Services::queue()->get(self::$jobId);
        $this->assertNotNull($job);
        $this->assertSame(['kept' => true], $job->payload);
        $this->assertFileExists(CONDUIT_TEST_ROOT . '/bitrix/admin/conduit_integration_status.php');
        $this->assertCount(1, self::ourHandlers());

        Services::queue()->delete(self::$jobId);
        Settings::deleteConnection(self::$connection);
    }

    /** @depends testReinstallOverKeptData */
    public function testUninstallWithoutKeepingDataDropsTablesAndOptions(): void
    {
        if (!self::mayDestroyData()) {
            $this->markTestSkipped('the module was installed on this site before the suite; set CONDUIT_TEST_ALLOW_UNINSTALL=1 to let the suite delete its data');
        }
        $this->assertTrue(self::module()->DoUninstall(false), self::lastException());
        $this->assertFalse(ModuleManager::isModuleInstalled(self::MODULE));
        foreach (Schema::tableNames() as $table) {
            $this->assertFalse(self::tableExists($table), "$table survived an uninstall without kept data");
        }
        $this->assertSame([], self::rawOptions());
        $this->assertSame([], Option::getForModule(self::MODULE));
        $this->assertCount(0, self::ourHandlers());
    }

    /** @depends testUninstallWithoutKeepingDataDropsTablesAndOptions */
    public function testFreshInstallThenAnUpgradeRunsTheNewMigrations(): void
    {
        $this->assertTrue(self::module()->DoInstall(), self::lastException());
        $this->assertSame(\Conduit\Store::SCHEMA_VERSION, Services::store()->schemaVersion());

        foreach (['include.php (Module::ensureSchema)' => static fn () => Module::ensureSchema(), 'main:OnModuleUpdate' => static fn () => Events::onModuleUpdate([self::MODULE])] as $how => $upgrade) {
            // A database left at schema version 1 by an older extension/module version.
            $connection = Application::getConnection();
            $connection->queryExecute('DROP TABLE b_conduit_request_log');
            $connection->queryExecute('DELETE FROM b_conduit_schema_version WHERE version >= 2');
            Option::set(self::MODULE, Module::SCHEMA_OPTION, '1');
            Services::reset();
            $this->assertSame(1, Services::store()->schemaVersion());

            $upgrade();

            $this->assertTrue(self::tableExists('b_conduit_request_log'), "$how did not run the new migration");
            $this->assertSame(\Conduit\Store::SCHEMA_VERSION, Services::store()->schemaVersion(), $how);
            $this->assertSame((string) \Conduit\Store::SCHEMA_VERSION, Option::get(self::MODULE, Module::SCHEMA_OPTION), $how);
        }
        Events::onModuleUpdate(['some.other.module']); // not ours: nothing to do, nothing thrown
    }
}
