<?php
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;

/** Base class of a module's install/index.php (class vendor_mod extends CModule). */
class CModule
{
    public $MODULE_NAME;
    public $MODULE_DESCRIPTION;
    public $MODULE_VERSION;
    public $MODULE_VERSION_DATE;
    public $MODULE_ID;
    public $MODULE_SORT = 10000;
    public $SHOW_SUPER_ADMIN_GROUP_RIGHTS;
    public $MODULE_GROUP_RIGHTS;
    public $PARTNER_NAME;
    public $PARTNER_URI;

    public function InstallDB() { return false; }
    public function UnInstallDB() { return false; }
    public function InstallEvents() { return false; }
    public function UnInstallEvents() { return false; }
    public function InstallFiles() { return false; }
    public function UnInstallFiles() { return false; }
    public function DoInstall() {}
    public function DoUninstall() {}
    public function GetModuleTasks() { return []; }
    public function InstallTasks() {}
    public function UnInstallTasks() {}
    public function GetModuleRightList()
    {
        return ['reference_id' => ['D', 'R', 'W'], 'reference' => ['[D] ' . (GetMessage('OPTION_DENIED') ?: 'denied'), '[R] ' . (GetMessage('OPTION_READ') ?: 'read'), '[W] ' . (GetMessage('OPTION_WRITE') ?: 'write')]];
    }
    public function IsInstalled() { return ModuleManager::isModuleInstalled($this->MODULE_ID); }

    public static function IncludeModule($module_name) { return Loader::includeModule($module_name); }
    public static function IncludeModuleEx($module_name) { return Loader::includeSharewareModule($module_name); }
    public static function GetDropDownList($strSqlOrder = 'ORDER BY ID') { return new CDBResult([]); }
    public static function GetList()
    {
        $rows = [];
        foreach (ModuleManager::getInstalledModules() as $id => $m) $rows[] = ['ID' => $id];
        return new CDBResult($rows);
    }
    public function Add() { ModuleManager::registerModule($this->MODULE_ID); }
    public function Remove() { ModuleManager::unRegisterModule($this->MODULE_ID); }

    /** include_once install/index.php (local/ first) and instantiate class str_replace('.', '_', $id) */
    public static function CreateModuleObject($moduleId)
    {
        $moduleId = trim((string)$moduleId);
        if (!ModuleManager::isValidModule($moduleId)) return false;
        $path = getLocalPath('modules/' . $moduleId . '/install/index.php');
        if ($path === false) return false;
        include_once $_SERVER['DOCUMENT_ROOT'] . $path;
        $class = str_replace('.', '_', $moduleId);
        if (!class_exists($class, false)) return false;
        return new $class();
    }
}
