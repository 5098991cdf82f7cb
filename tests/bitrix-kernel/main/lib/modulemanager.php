<?php
namespace Bitrix\Main;

/** Modules registered in b_module. */
class ModuleManager
{
    protected static $installedModules = null;

    public static function getInstalledModules()
    {
        if (self::$installedModules === null) {
            self::$installedModules = [];
            $r = Application::getConnection()->query('SELECT ID FROM b_module ORDER BY ID');
            while ($row = $r->fetchRaw()) self::$installedModules[$row['ID']] = ['ID' => $row['ID']];
        }
        return self::$installedModules;
    }
    public static function clearCache() { self::$installedModules = null; }

    public static function isValidModule(string $moduleName): bool
    {
        return $moduleName !== '' && !preg_match('#[^a-zA-Z0-9_.]#', $moduleName);
    }
    public static function isModuleInstalled($moduleName)
    {
        $m = static::getInstalledModules();
        return isset($m[$moduleName]);
    }
    public static function getVersion($moduleName)
    {
        $moduleName = preg_replace('/[^a-zA-Z0-9_.]+/i', '', trim((string)$moduleName));
        if ($moduleName === '') return false;
        if (!static::isModuleInstalled($moduleName)) return false;
        if ($moduleName === 'main') {
            return defined('SM_VERSION') ? SM_VERSION : false;
        }
        $file = Loader::getLocal('modules/' . $moduleName . '/install/version.php');
        if ($file === false) return false;
        $arModuleVersion = [];
        include $file;
        return $arModuleVersion['VERSION'] ?? false;
    }
    public static function registerModule($moduleName)
    {
        $c = Application::getConnection();
        $c->queryExecute("INSERT INTO b_module (ID, DATE_ACTIVE) VALUES ('" . $c->getSqlHelper()->forSql($moduleName) . "', NOW())");
        static::clearCache();
        Loader::clearModuleCache($moduleName);
        $c->queryExecute("UPDATE b_agent SET ACTIVE='Y' WHERE MODULE_ID='" . $c->getSqlHelper()->forSql($moduleName) . "' AND ACTIVE='N'");
        EventManager::getInstance()->clearLoadedHandlers();
        (new Event('main', 'OnAfterRegisterModule', [$moduleName]))->send();
    }
    public static function unRegisterModule($moduleName)
    {
        $c = Application::getConnection();
        $m = $c->getSqlHelper()->forSql($moduleName);
        \CAgent::RemoveModuleAgents($moduleName);
        $c->queryExecute("DELETE FROM b_module_group WHERE MODULE_ID='$m'");
        $c->queryExecute("DELETE FROM b_module WHERE ID='$m'");
        static::clearCache();
        Loader::clearModuleCache($moduleName);
        EventManager::getInstance()->clearLoadedHandlers();
        (new Event('main', 'OnAfterUnRegisterModule', [$moduleName]))->send();
    }
    /** Modules found on disk: id => ['id' => ..., 'isInstalled' => bool] */
    public static function getModulesFromDisk($withLocal = true, $withPartners = true, $withKernel = true)
    {
        $res = [];
        $root = Loader::getDocumentRoot();
        $dirs = [];
        if ($withLocal) $dirs[] = $root . '/local/modules';
        $dirs[] = $root . '/bitrix/modules';
        foreach ($dirs as $dir) {
            if (!is_dir($dir)) continue;
            foreach (scandir($dir) as $id) {
                if ($id === '.' || $id === '..' || isset($res[$id]) || !is_file("$dir/$id/install/index.php")) continue;
                $partner = strpos($id, '.') !== false;
                if (($partner && !$withPartners) || (!$partner && !$withKernel)) continue;
                $res[$id] = ['id' => $id, 'isInstalled' => static::isModuleInstalled($id)];
            }
        }
        return $res;
    }
}
