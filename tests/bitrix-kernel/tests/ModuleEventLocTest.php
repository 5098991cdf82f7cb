<?php
use Bitrix\Main\Application;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Bitrix\Main\Type\DateTime;

class ModuleEventLocTest extends KernelTestCase
{
    private function probeFiles(): array
    {
        return [
            'include.php' => "<?php\n",
            'lib/handlers.php' => "<?php\nnamespace Kerneltest\\Probe;\nclass Handlers {\n public static \$log = [];\n public static function v1(\$a, \$b) { self::\$log[] = ['v1', \$a, \$b]; return 'plain'; }\n public static function v2(\\Bitrix\\Main\\Event \$e) { self::\$log[] = ['v2', \$e->getParameter('a')]; }\n public static function menu(&\$global, &\$module) { \$module[] = ['parent_menu' => 'global_menu_services', 'text' => 'Probe menu', 'url' => 'probe.php', 'items' => []]; }\n public static function withArg(\$extra, \$a) { self::\$log[] = ['arg', \$extra, \$a]; }\n}\n",
            'install/admin/kerneltest_page.php' => "<?php\nrequire \$_SERVER['DOCUMENT_ROOT'].'/local/modules/kerneltest.probe/admin/page.php';\n",
            'install/tools/sub/x.txt' => "x",
            'lang/ru/lib/texts.php' => "<?php\n\$MESS['KT_HELLO'] = 'Привет, #NAME#';\n\$MESS['KT_ONLY_RU'] = 'только ru';\n",
            'lang/en/lib/texts.php' => "<?php\n\$MESS['KT_HELLO'] = 'Hello, #NAME#';\n\$MESS['KT_ONLY_EN'] = 'only en';\n",
            'lang/kz/lib/texts.php' => "<?php\n\$MESS['KT_HELLO'] = 'Сәлем, #NAME#';\n",
            'lib/texts.php' => "<?php\n",
        ];
    }

    public function testPersistentHandlersVersionsAndPositionalArgs(): void
    {
        $this->installProbe($this->probeFiles());
        $em = EventManager::getInstance();
        $em->registerEventHandlerCompatible(self::MOD, 'OnKt', self::MOD, '\Kerneltest\Probe\Handlers', 'v1');
        $em->registerEventHandler(self::MOD, 'OnKt', self::MOD, '\Kerneltest\Probe\Handlers', 'v2');
        $em->registerEventHandler(self::MOD, 'OnKt', self::MOD, '\Kerneltest\Probe\Handlers', 'v2'); // INSERT IGNORE
        RegisterModuleDependences(self::MOD, 'OnKtArg', self::MOD, '\Kerneltest\Probe\Handlers', 'withArg', 100, '', ['extra']);
        $rows = Application::getConnection()->query("SELECT TO_METHOD, VERSION FROM b_module_to_module WHERE FROM_MODULE_ID = '" . self::MOD . "' ORDER BY ID")->fetchAll();
        $this->assertSame([['TO_METHOD' => 'v1', 'VERSION' => '1'], ['TO_METHOD' => 'v2', 'VERSION' => '2'], ['TO_METHOD' => 'withArg', 'VERSION' => '1']], $rows);

        $e = new Event(self::MOD, 'OnKt', ['a' => 1, 'b' => 2]);
        $e->send();
        $this->assertSame([['v1', 1, 2], ['v2', 1]], \Kerneltest\Probe\Handlers::$log);
        $this->assertCount(1, $e->getResults(), 'a non-null plain return becomes an UNDEFINED EventResult; null adds none');
        $this->assertSame(EventResult::UNDEFINED, $e->getResults()[0]->getType());
        $this->assertSame('plain', $e->getResults()[0]->getParameters());

        foreach (GetModuleEvents(self::MOD, 'OnKtArg', true) as $h) ExecuteModuleEventEx($h, ['A']);
        $this->assertSame(['arg', 'extra', 'A'], end(\Kerneltest\Probe\Handlers::$log));

        $em->unRegisterEventHandler(self::MOD, 'OnKt', self::MOD, '\Kerneltest\Probe\Handlers', 'v1');
        $this->assertCount(1, $em->findEventHandlers(self::MOD, 'OnKt'));
        ModuleManager::unRegisterModule(self::MOD);
        $this->assertCount(0, $em->findEventHandlers(self::MOD, 'OnKt'), 'handlers of a module that is not installed are not loaded');
    }

    public function testRuntimeHandlersSortAndRemoval(): void
    {
        $em = EventManager::getInstance();
        $order = [];
        $k1 = $em->addEventHandler(self::MOD, 'OnSorted', function () use (&$order) { $order[] = 'late'; }, false, 200);
        $k2 = $em->addEventHandler(self::MOD, 'OnSorted', function () use (&$order) { $order[] = 'early'; }, false, 50);
        $k3 = AddEventHandler(self::MOD, 'OnSorted', function ($x) use (&$order) { $order[] = "compat:$x"; }, 100);
        (new Event(self::MOD, 'OnSorted', ['x' => 'X']))->send();
        $this->assertSame(['early', 'compat:X', 'late'], $order);
        $this->assertTrue($em->removeEventHandler(self::MOD, 'OnSorted', $k1));
        $this->assertFalse($em->removeEventHandler(self::MOD, 'OnSorted', $k1));
        $em->removeEventHandler(self::MOD, 'OnSorted', $k2);
        $em->removeEventHandler(self::MOD, 'OnSorted', $k3);
        $this->assertSame([], $em->findEventHandlers(self::MOD, 'OnSorted'));
        $em->addEventHandler(self::MOD, 'OnThrow', function () { throw new \LogicException('from handler'); });
        $this->expectException(\LogicException::class);
        (new Event(self::MOD, 'OnThrow'))->send();
    }

    public function testInstallFlowHelpers(): void
    {
        $this->installProbe($this->probeFiles(), false);
        $this->assertFalse(Loader::includeModule(self::MOD), 'not registered yet');
        $m = CModule::CreateModuleObject(self::MOD);
        $this->assertInstanceOf(CModule::class, $m);
        $this->assertFalse($m->IsInstalled());
        $this->assertFalse(CModule::CreateModuleObject('bad/../id'));
        RegisterModule(self::MOD);
        $this->assertTrue($m->IsInstalled());
        $this->assertSame('1.2.3', ModuleManager::getVersion(self::MOD));
        $this->assertArrayHasKey(self::MOD, ModuleManager::getInstalledModules());
        $this->assertTrue(ModuleManager::getModulesFromDisk()[self::MOD]['isInstalled']);

        $admin = self::root() . '/bitrix/admin';
        $this->assertTrue(CopyDirFiles(self::modDir() . '/install/admin', $admin, true, true));
        $this->assertFileExists("$admin/kerneltest_page.php");
        CopyDirFiles(self::modDir() . '/install/tools', self::root() . '/bitrix/tools/kerneltest.probe', true, true);
        $this->assertFileExists(self::root() . '/bitrix/tools/kerneltest.probe/sub/x.txt', 'recursive copy');
        DeleteDirFiles(self::modDir() . '/install/admin', $admin);
        $this->assertFileDoesNotExist("$admin/kerneltest_page.php");
        $this->assertFileExists("$admin/settings.php", 'only the module files are deleted');
        $this->assertTrue(DeleteDirFilesEx('/bitrix/tools/kerneltest.probe'));
        $this->assertDirectoryDoesNotExist(self::root() . '/bitrix/tools/kerneltest.probe');
        $this->assertSame('/local/modules/' . self::MOD . '/include.php', getLocalPath('modules/' . self::MOD . '/include.php'));
        $this->assertSame('/bitrix/modules/main/include.php', getLocalPath('modules/main/include.php'));

        global $APPLICATION;
        $APPLICATION->ThrowException('install refused', 'KT_ERR');
        $ex = $APPLICATION->GetException();
        $this->assertSame(['install refused', 'KT_ERR'], [$ex->GetString(), $ex->GetID()]);
        $APPLICATION->ResetException();
        $this->assertFalse($APPLICATION->GetException());

        UnRegisterModule(self::MOD);
        $this->assertFalse(ModuleManager::isModuleInstalled(self::MOD));
        $this->assertFalse(Loader::includeModule(self::MOD));
    }

    public function testLocalization(): void
    {
        $this->installProbe($this->probeFiles());
        $file = self::modDir() . '/lib/texts.php';
        Loc::loadMessages($file);
        $this->assertSame('Hello, Ada', Loc::getMessage('KT_HELLO', ['#NAME#' => 'Ada'], 'en'));
        $this->assertSame('Сәлем, Ada', Loc::getMessage('KT_HELLO', ['#NAME#' => 'Ada'], 'kz'));
        $this->assertSame('только ru', Loc::getMessage('KT_ONLY_RU', null, 'kz'), 'kz loads ru (its default language) first');
        $this->assertNull(Loc::getMessage('KT_ONLY_EN', null, 'ru'));
        $this->assertNull(Loc::getMessage('KT_ONLY_RU', null, 'en'), 'en does not see ru either');
        $this->assertSame('ru', Loc::getCurrentLang());
        Loc::setCurrentLang('en');
        try {
            $this->assertSame('only en', GetMessage('KT_ONLY_EN'), 'GetMessage shares the store');
        } finally {
            Loc::setCurrentLang('ru');
        }
        $this->assertSame(['KT_HELLO' => 'Привет, #NAME#', 'KT_ONLY_RU' => 'только ru'], IncludeModuleLangFile($file, 'ru', true));
    }

    public function testDateTimeCulture(): void
    {
        $d = new DateTime('05.03.2024 14:07:09');
        $this->assertSame('2024-03-05 14:07:09', $d->format('Y-m-d H:i:s'));
        $this->assertSame('05.03.2024 14:07:09', (string)$d);
        $this->assertSame('05.03.2024 14:12:09', (clone $d)->add('PT5M')->toString());
        $this->assertSame('05.03.2024 13:07:09', (clone $d)->add('-PT1H')->toString());
        $this->assertSame('05.03.2024 00:00:00', (new DateTime('05.03.2024'))->toString(), 'a date-only value in the culture format');
        $this->assertSame('05.03.2024', (new \Bitrix\Main\Type\Date('2024-03-05', 'Y-m-d'))->toString());
        $this->assertSame('05.03.2024 14:07:09', ConvertTimeStamp($d->getTimestamp(), 'FULL'));
        $this->assertSame($d->getTimestamp(), MakeTimeStamp('05.03.2024 14:07:09'));
        $this->expectException(\Bitrix\Main\ObjectException::class);
        new DateTime('2024-03-05 14:07:09');
    }
}
