<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\DI\ServiceLocator;
use Bitrix\Main\EventManager;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;
use Conduit\Integration\Module;
use Conduit\Integration\Services;
use Conduit\Integration\Storage\Schema;

/** A headless install from CLI: tables through Store::migrate(), defaults, files, events, services. */
final class InstallTest extends ModuleTestCase
{
    public function testDoInstallFromCliIsHeadless(): void
    {
        global $APPLICATION;
        $APPLICATION->ResetException();
        ob_start();
        $result = self::module()->DoInstall();
        $output = ob_get_clean();

        $this->assertTrue($result, 'DoInstall: ' . self::lastException());
        $this->assertSame('', $output, 'a CLI install renders no step page');
        $this->assertTrue(ModuleManager::isModuleInstalled(self::MODULE));
        $this->assertTrue(Loader::includeModule(self::MODULE));
    }

    /** @depends testDoInstallFromCliIsHeadless */
    public function testTablesAreCreatedByTheExtensionOnTheSiteDatabase(): void
    {
        foreach (Schema::tableNames() as $table) {
            $this->assertTrue(self::tableExists($table), "$table missing");
        }
        $this->assertSame(\Conduit\Store::SCHEMA_VERSION, Services::store()->schemaVersion());
        $this->assertSame((string) \Conduit\Store::SCHEMA_VERSION, Option::get(self::MODULE, Module::SCHEMA_OPTION));
        $database = Application::getConnection()->queryScalar(Application::getConnection()->getType() === 'pgsql' ? 'SELECT current_database()' : 'SELECT DATABASE()');
        $this->assertSame(\Bitrix\Main\Config\Configuration::getValue('connections')['default']['database'], $database);
    }

    /** @depends testDoInstallFromCliIsHeadless */
    public function testDefaultsAreWritten(): void
    {
        $conduit_integration_default_option = [];
        include self::moduleDir() . '/default_option.php';
        $raw = self::rawOptions();
        foreach ($conduit_integration_default_option as $name => $value) {
            $this->assertArrayHasKey($name, $raw, "default $name not written");
            if (!CONDUIT_TEST_PREINSTALLED) {
                $this->assertSame((string) $value, $raw[$name]);
            }
        }
    }

    /** @depends testDoInstallFromCliIsHeadless */
    public function testFilesAndEventsAreInstalled(): void
    {
        $proxy = CONDUIT_TEST_ROOT . '/bitrix/admin/conduit_integration_status.php';
        $this->assertFileExists($proxy);
        $this->assertStringContainsString('/modules/conduit.integration/admin/status.php', file_get_contents($proxy));

        $handlers = EventManager::getInstance()->findEventHandlers('main', 'OnModuleUpdate');
        $ours = array_filter($handlers, static fn (array $h) => ($h['TO_MODULE_ID'] ?? '') === self::MODULE);
        $this->assertCount(1, $ours, 'main:OnModuleUpdate handler registered once');
        $handler = reset($ours);
        $this->assertSame(\Conduit\Integration\Events::class, ltrim((string) $handler['TO_CLASS'], '\\'));
    }

    /** @depends testDoInstallFromCliIsHeadless */
    public function testServicesAreInTheServiceLocator(): void
    {
        $locator = ServiceLocator::getInstance();
        foreach (['conduit.integration.store', 'conduit.integration.queue', 'conduit.integration.client'] as $id) {
            $this->assertTrue($locator->has($id), "$id is not registered");
        }
        $this->assertSame(Services::store(), $locator->get('conduit.integration.store'));
        $this->assertSame(Services::queue(), $locator->get('conduit.integration.queue'));
        $this->assertSame(Services::store(), Services::store(), 'one store per process');
    }

    /** @depends testDoInstallFromCliIsHeadless */
    public function testInstallingTwiceIsHarmless(): void
    {
        $before = Option::getRealValue(self::MODULE, 'queue_max_attempts');
        Option::set(self::MODULE, 'queue_max_attempts', '9');
        $this->assertTrue(self::module()->DoInstall(), self::lastException());
        $this->assertSame('9', Option::get(self::MODULE, 'queue_max_attempts'), 'reinstall keeps the site\'s values');
        $handlers = EventManager::getInstance()->findEventHandlers('main', 'OnModuleUpdate');
        $this->assertCount(1, array_filter($handlers, static fn (array $h) => ($h['TO_MODULE_ID'] ?? '') === self::MODULE));
        Option::set(self::MODULE, 'queue_max_attempts', $before ?? '5');
    }
}
