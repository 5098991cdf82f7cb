<?php
use Bitrix\Main\Application;
use PHPUnit\Framework\TestCase;

/**
 * Base for the kernel's tests: a throwaway module "kerneltest.probe" under local/modules (installed on demand),
 * removed with its options, agents, handlers and rights after each test.
 */
abstract class KernelTestCase extends TestCase
{
    protected const MOD = 'kerneltest.probe';

    protected static function root(): string { return $_SERVER['DOCUMENT_ROOT']; }
    protected static function modDir(): string { return static::root() . '/local/modules/' . static::MOD; }

    protected static function rmdir(string $d): void
    {
        if (is_link($d) || is_file($d)) { unlink($d); return; }
        if (!is_dir($d)) return;
        foreach (array_diff(scandir($d), ['.', '..']) as $f) static::rmdir("$d/$f");
        rmdir($d);
    }

    /** Writes the probe module's files (relative path => body) and registers it. */
    protected function installProbe(array $files = [], bool $register = true): void
    {
        $files += [
            'install/index.php' => "<?php\nclass kerneltest_probe extends CModule {\n public \$MODULE_ID = 'kerneltest.probe';\n public \$MODULE_NAME = 'Kernel test probe';\n public \$MODULE_VERSION = '1.2.3';\n public \$MODULE_GROUP_RIGHTS = 'Y';\n}\n",
            'install/version.php' => "<?php\n\$arModuleVersion = ['VERSION' => '1.2.3', 'VERSION_DATE' => '2025-01-01 00:00:00'];\n",
        ];
        foreach ($files as $rel => $body) {
            @mkdir(dirname(static::modDir() . '/' . $rel), 0777, true);
            file_put_contents(static::modDir() . '/' . $rel, $body);
        }
        if ($register && !\Bitrix\Main\ModuleManager::isModuleInstalled(static::MOD)) \Bitrix\Main\ModuleManager::registerModule(static::MOD);
    }

    protected function tearDown(): void
    {
        $c = Application::getConnection();
        while ($c->getTransactionLevel() > 0) $c->rollbackTransaction();
        $m = static::MOD;
        $c->queryExecute("DELETE FROM b_option WHERE MODULE_ID = '$m'");
        $c->queryExecute("DELETE FROM b_option_site WHERE MODULE_ID = '$m'");
        $c->queryExecute("DELETE FROM b_agent WHERE MODULE_ID = '$m' OR NAME LIKE '%KernelTestAgent%'");
        $c->queryExecute("DELETE FROM b_module_to_module WHERE FROM_MODULE_ID = '$m' OR TO_MODULE_ID = '$m'");
        $c->queryExecute("DELETE FROM b_module_group WHERE MODULE_ID = '$m'");
        $c->queryExecute("DELETE FROM b_user WHERE LOGIN LIKE 'kt\\_%'");
        $c->queryExecute("DELETE FROM b_user_group WHERE USER_ID NOT IN (SELECT ID FROM b_user)");
        $c->queryExecute("DELETE FROM b_group WHERE STRING_ID LIKE 'kt\\_%'");
        if (\Bitrix\Main\ModuleManager::isModuleInstalled($m)) \Bitrix\Main\ModuleManager::unRegisterModule($m);
        \Bitrix\Main\Config\Option::clearCache();
        static::rmdir(static::modDir());
        $GLOBALS['APPLICATION']->ResetException();
        if (!($GLOBALS['USER'] ?? null) instanceof CUser) $GLOBALS['USER'] = new CUser();
        $GLOBALS['USER']->Logout();
    }

    protected function createGroup(string $code, string $active = 'Y'): int
    {
        return (int)Application::getConnection()->add('b_group', ['NAME' => $code, 'STRING_ID' => $code, 'ACTIVE' => $active, 'C_SORT' => 100]);
    }

    protected function createUser(string $login, array $groups): int
    {
        $u = new CUser();
        $id = $u->Add(['LOGIN' => $login, 'PASSWORD' => 'secret123', 'EMAIL' => "$login@example.com", 'GROUP_ID' => $groups]);
        $this->assertIsInt($id, (string)$u->LAST_ERROR);
        return $id;
    }
}
