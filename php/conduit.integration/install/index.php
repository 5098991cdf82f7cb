<?php

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Conduit\Integration\Events;
use Conduit\Integration\Install\Requirements;
use Conduit\Integration\Module;
use Conduit\Integration\Services;
use Conduit\Integration\Storage\Schema;

Loc::loadMessages(__FILE__);

// Before the module is registered Bitrix's loader does not know its namespace; the
// installer's own classes (requirements, schema, settings) load from lib/ directly.
spl_autoload_register(static function (string $class): void {
    $prefix = 'Conduit\\Integration\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = dirname(__DIR__) . '/lib/' . strtolower(str_replace('\\', '/', substr($class, strlen($prefix)))) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});

/**
 * Installs and removes conduit.integration.
 *
 * DoInstall: requirement checks (nothing changes when one fails) → InstallDB (the
 * extension's tables via Conduit\Store::migrate(), default options) → InstallEvents →
 * InstallFiles → InstallAgents → RegisterModule. A failure undoes the steps already
 * done and is reported through $APPLICATION->ThrowException.
 * DoUninstall mirrors it; the web flow first asks whether to keep the data ("save
 * tables"), the CLI (bin/conduit uninstall [--keep-data]) passes the answer.
 */
class conduit_integration extends CModule
{
    public $MODULE_ID = 'conduit.integration';
    public $MODULE_VERSION;
    public $MODULE_VERSION_DATE;
    public $MODULE_NAME;
    public $MODULE_DESCRIPTION;
    public $PARTNER_NAME;
    public $PARTNER_URI;
    public $MODULE_GROUP_RIGHTS = 'Y';
    public $SHOW_SUPER_ADMIN_GROUP_RIGHTS = 'Y';

    /** Tables existed before InstallDB (reinstall over kept data): a rollback keeps them. */
    private bool $tablesExisted = false;
    /** Options existed before InstallDB: a rollback keeps them. */
    private bool $optionsExisted = false;
    /** InstallDB got as far as looking at the tables (so a rollback may remove what it created). */
    private bool $dbProbed = false;

    public function __construct()
    {
        $arModuleVersion = [];
        include __DIR__ . '/version.php';
        $this->MODULE_VERSION = $arModuleVersion['VERSION'];
        $this->MODULE_VERSION_DATE = $arModuleVersion['VERSION_DATE'];
        $this->MODULE_NAME = Loc::getMessage('CONDUIT_MODULE_NAME');
        $this->MODULE_DESCRIPTION = Loc::getMessage('CONDUIT_MODULE_DESCRIPTION');
        $this->PARTNER_NAME = Loc::getMessage('CONDUIT_PARTNER_NAME');
        $this->PARTNER_URI = Loc::getMessage('CONDUIT_PARTNER_URI');
    }

    public function DoInstall()
    {
        global $APPLICATION;

        $problems = Requirements::problems();
        if ($problems !== []) {
            $APPLICATION->ThrowException(Loc::getMessage('CONDUIT_INSTALL_REFUSED') . "\n" . implode("\n", $problems));
            return false;
        }

        // Installing over an installed module repairs it (files, handlers, new migrations)
        // and keeps the registration; a failure then undoes nothing of the installed module.
        $wasInstalled = ModuleManager::isModuleInstalled($this->MODULE_ID);
        $done = [];
        try {
            $this->InstallDB();
            $done[] = 'db';
            $this->InstallEvents();
            $done[] = 'events';
            $this->InstallFiles();
            $done[] = 'files';
            $this->InstallAgents();
            $done[] = 'agents';
            if (!$wasInstalled) {
                ModuleManager::registerModule($this->MODULE_ID);
            }
        } catch (\Throwable $e) {
            if (!$wasInstalled) {
                $this->rollback($done);
            }
            $APPLICATION->ThrowException(Loc::getMessage('CONDUIT_INSTALL_FAILED', ['#REASON#' => $e->getMessage()]));
            return false;
        }

        if (!Module::isCli()) {
            $APPLICATION->IncludeAdminFile(Loc::getMessage('CONDUIT_INSTALL_TITLE'), __DIR__ . '/step.php');
        }
        return true;
    }

    /**
     * @param bool|null $saveData keep the tables and the stored settings and secrets;
     *   null: the web flow asks (step 1 shows unstep.php, step 2 reads "savedata"),
     *   the CLI reads the request too (absent = delete)
     */
    public function DoUninstall($saveData = null)
    {
        global $APPLICATION;
        $request = Application::getInstance()->getContext()->getRequest();

        if ($saveData === null && !Module::isCli() && (int) $request->get('step') < 2) {
            $APPLICATION->IncludeAdminFile(Loc::getMessage('CONDUIT_UNINSTALL_TITLE'), __DIR__ . '/unstep.php');
            return true;
        }
        $saveData ??= $request->get('savedata') === 'Y';

        try {
            $this->UnInstallAgents();
            $this->UnInstallFiles();
            $this->UnInstallEvents();
            $this->UnInstallDB(['savedata' => (bool) $saveData]);
            ModuleManager::unRegisterModule($this->MODULE_ID);
        } catch (\Throwable $e) {
            $APPLICATION->ThrowException(Loc::getMessage('CONDUIT_UNINSTALL_FAILED', ['#REASON#' => $e->getMessage()]));
            return false;
        }

        if (!Module::isCli()) {
            $APPLICATION->IncludeAdminFile(Loc::getMessage('CONDUIT_UNINSTALL_TITLE'), __DIR__ . '/unstep2.php');
        }
        return true;
    }

    /** The extension's tables (migrate() is versioned: an upgrade adds what is new) and default options. */
    public function InstallDB()
    {
        $this->tablesExisted = Schema::existingTables() !== [];
        $this->optionsExisted = Module::allDbOptions() !== [];
        $this->dbProbed = true;
        Services::reset();
        Schema::migrate();

        // Defaults are written once; a reinstall over kept data keeps the site's values.
        $conduit_integration_default_option = [];
        include dirname(__DIR__) . '/default_option.php';
        foreach ($conduit_integration_default_option as $name => $value) {
            if (Module::getRealDbOption($name) === null) {
                Option::set($this->MODULE_ID, $name, (string) $value);
            }
        }
        return true;
    }

    /**
     * @param array{savedata?: bool} $arParams savedata: keep the tables, settings and
     *   encrypted secrets for a later reinstall
     */
    public function UnInstallDB($arParams = [])
    {
        if (!empty($arParams['savedata'])) {
            Services::reset();
            return true;
        }
        Schema::drop();
        Option::delete($this->MODULE_ID);
        return true;
    }

    public function InstallEvents()
    {
        $events = EventManager::getInstance();
        foreach (Events::HANDLERS as [$fromModule, $event, $method]) {
            $events->registerEventHandlerCompatible($fromModule, $event, $this->MODULE_ID, Events::class, $method);
        }
        return true;
    }

    public function UnInstallEvents()
    {
        $events = EventManager::getInstance();
        foreach (Events::HANDLERS as [$fromModule, $event, $method]) {
            $events->unRegisterEventHandler($fromModule, $event, $this->MODULE_ID, Events::class, $method);
        }
        return true;
    }

    /** Admin page proxies to /bitrix/admin, public tools to /bitrix/tools/conduit.integration. */
    public function InstallFiles()
    {
        $root = Application::getDocumentRoot();
        $this->copyFiles(__DIR__ . '/admin', $root . '/bitrix/admin');
        if ($this->hasFiles(__DIR__ . '/tools')) {
            $this->copyFiles(__DIR__ . '/tools', $root . '/bitrix/tools/' . $this->MODULE_ID);
        }
        return true;
    }

    /**
     * CopyDirFiles reports success even when a file could not be written; check each one.
     *
     * @throws \Conduit\Integration\Exception\InstallException naming the file that is missing
     */
    private function copyFiles(string $from, string $to): void
    {
        CopyDirFiles($from, $to, true, true);
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($from, \FilesystemIterator::SKIP_DOTS));
        foreach ($files as $file) {
            $target = $to . substr($file->getPathname(), strlen($from));
            if ($file->getFilename() !== '.gitkeep' && (!is_file($target) || md5_file($target) !== md5_file($file->getPathname()))) {
                throw new \Conduit\Integration\Exception\InstallException(Loc::getMessage('CONDUIT_INSTALL_COPY_FAILED', ['#FILE#' => $target]));
            }
        }
    }

    public function UnInstallFiles()
    {
        $root = Application::getDocumentRoot();
        DeleteDirFiles(__DIR__ . '/admin', $root . '/bitrix/admin');
        if (is_dir($root . '/bitrix/tools/' . $this->MODULE_ID)) {
            DeleteDirFilesEx('/bitrix/tools/' . $this->MODULE_ID);
        }
        return true;
    }

    /** The queue agent \Conduit\Integration\Agent::run(); (not periodic, every agent_interval_s seconds). */
    public function InstallAgents()
    {
        \Conduit\Integration\Agent::install();
        return true;
    }

    public function UnInstallAgents()
    {
        \Conduit\Integration\Agent::uninstall();
        CAgent::RemoveModuleAgents($this->MODULE_ID);
        return true;
    }

    /** D: no access, R: read the log and queue, W: change settings and act on jobs. */
    public function GetModuleRightList()
    {
        return [
            'reference_id' => ['D', 'R', 'W'],
            'reference' => [
                '[D] ' . Loc::getMessage('CONDUIT_RIGHT_DENIED'),
                '[R] ' . Loc::getMessage('CONDUIT_RIGHT_READ'),
                '[W] ' . Loc::getMessage('CONDUIT_RIGHT_WRITE'),
            ],
        ];
    }

    /** Undoes the install steps already done, newest first. */
    private function rollback(array $done): void
    {
        foreach (array_reverse($done) as $step) {
            try {
                match ($step) {
                    'agents' => $this->UnInstallAgents(),
                    'files' => $this->UnInstallFiles(),
                    'events' => $this->UnInstallEvents(),
                    'db' => $this->UnInstallDB(['savedata' => $this->tablesExisted || $this->optionsExisted]),
                };
            } catch (\Throwable $e) {
                // keep undoing the rest
            }
        }
        if (!in_array('db', $done, true) && $this->dbProbed && !$this->tablesExisted) {
            try {
                Schema::drop(); // migrate() may have created some tables before failing
            } catch (\Throwable $e) {
            }
        }
    }

    private function hasFiles(string $dir): bool
    {
        return is_dir($dir) && array_diff(scandir($dir) ?: [], ['.', '..', '.gitkeep']) !== [];
    }
}
