<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;
use PHPUnit\Framework\TestCase;

/**
 * Shared helpers of the module suite. Everything goes through Bitrix's public API (and
 * plain SQL through Bitrix's connection for raw-row checks), never the test kernel's internals.
 */
abstract class ModuleTestCase extends TestCase
{
    protected const MODULE = 'conduit.integration';

    protected static function module(): \CModule
    {
        $module = \CModule::CreateModuleObject(self::MODULE);
        self::assertInstanceOf(\CModule::class, $module, 'CModule::CreateModuleObject found no conduit.integration');
        return $module;
    }

    /** Installs the module when an earlier test (or a --filter run) left it uninstalled. */
    protected static function ensureInstalled(): void
    {
        if (!ModuleManager::isModuleInstalled(self::MODULE)) {
            $ok = self::module()->DoInstall();
            self::assertNotFalse($ok, 'DoInstall failed: ' . self::lastException());
        }
        self::assertTrue(Loader::includeModule(self::MODULE));
    }

    protected static function lastException(): string
    {
        global $APPLICATION;
        $e = $APPLICATION->GetException();
        return $e ? (string) $e->GetString() : '';
    }

    /** @return array<string, string> raw b_option rows of the module, NAME => VALUE */
    protected static function rawOptions(): array
    {
        $rows = Application::getConnection()->query("SELECT NAME, VALUE FROM b_option WHERE MODULE_ID = 'conduit.integration'");
        $all = [];
        while ($row = $rows->fetch()) {
            $all[$row['NAME']] = (string) $row['VALUE'];
        }
        return $all;
    }

    protected static function tableExists(string $table): bool
    {
        return Application::getConnection()->isTableExists($table);
    }

    protected static function uniqueName(string $prefix = 't'): string
    {
        return $prefix . '-' . bin2hex(random_bytes(4));
    }

    /** Whether tests may delete the module's data (never on a real site that had it installed, unless allowed). */
    protected static function mayDestroyData(): bool
    {
        return !CONDUIT_TEST_PREINSTALLED || getenv('CONDUIT_TEST_ALLOW_UNINSTALL') === '1';
    }

    /**
     * Runs `php bin/conduit ARGS` of the installed copy in a child process.
     *
     * @return array{0: int, 1: string, 2: string} exit code, stdout, stderr
     */
    protected static function runCli(array $args, bool $withDocumentRoot = true): array
    {
        $module = self::moduleDir();
        $command = [PHP_BINARY];
        if (($ext = getenv('CONDUIT_EXTENSION')) !== false && $ext !== '') {
            $command[] = '-d';
            $command[] = 'extension=' . $ext;
        }
        $command[] = $module . '/bin/conduit';
        foreach ($args as $arg) {
            $command[] = $arg;
        }
        if ($withDocumentRoot) {
            $command[] = '--document-root=' . CONDUIT_TEST_ROOT;
        }
        if (($boot = getenv('BITRIX_BOOT')) !== false && $boot !== '') {
            $command[] = '--boot=' . $boot;
        }
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), (string) $out, (string) $err];
    }

    protected static function moduleDir(): string
    {
        foreach (['/local/modules/', '/bitrix/modules/'] as $where) {
            if (is_dir(CONDUIT_TEST_ROOT . $where . self::MODULE)) {
                return CONDUIT_TEST_ROOT . $where . self::MODULE;
            }
        }
        self::fail('conduit.integration is in neither local/modules nor bitrix/modules of ' . CONDUIT_TEST_ROOT);
    }
}
