<?php
use Bitrix\Main\Config\Option;

/**
 * Pages served by PHP's built-in server from the kernel's site: admin login form, login/logout,
 * settings.php?mid= with a module options.php (CAdminTabControl, __AdmSettingsDrawList, group_rights.php),
 * saving only with W and a valid sessid, access refused without the view-settings right.
 */
class WebFlowTest extends KernelTestCase
{
    private static $proc;
    private static $port;
    private $cookies;

    public static function setUpBeforeClass(): void
    {
        $s = stream_socket_server('tcp://127.0.0.1:0');
        self::$port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
        fclose($s);
        $env = array_merge(getenv(), ['CONDUIT_KERNEL_ROOT' => $_SERVER['DOCUMENT_ROOT'], 'CONDUIT_KERNEL_DB' => \Bitrix\Main\Application::getConnection()->getDatabase()]);
        self::$proc = proc_open([PHP_BINARY, '-d', 'short_open_tag=On', '-S', '127.0.0.1:' . self::$port, '-t', $_SERVER['DOCUMENT_ROOT']], [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, null, $env);
        for ($i = 0; $i < 100; $i++) {
            $c = @fsockopen('127.0.0.1', self::$port, $errno, $errstr, 0.1);
            if ($c) { fclose($c); return; }
            usleep(50000);
        }
        throw new RuntimeException('built-in server did not start');
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$proc) { proc_terminate(self::$proc); proc_close(self::$proc); }
    }

    protected function setUp(): void
    {
        $this->cookies = tempnam(sys_get_temp_dir(), 'ktcookies');
        $this->installProbe(['options.php' => <<<'PHP'
<?php
$module_id = 'kerneltest.probe';
$RIGHT = $APPLICATION->GetGroupRight($module_id);
if ($RIGHT < 'R') $APPLICATION->AuthForm(GetMessage('ACCESS_DENIED'));
$arAllOptions = [['title', 'Title', 'dflt', ['text', 20]], ['flag', 'Flag', 'N', ['checkbox']]];
$tabControl = new CAdminTabControl('tabControl', [['DIV' => 'edit1', 'TAB' => 'Main tab', 'TITLE' => 'Main settings'], ['DIV' => 'edit2', 'TAB' => 'Access', 'TITLE' => 'Access level']]);
$request = \Bitrix\Main\Context::getCurrent()->getRequest();
if ($request->isPost() && $request->getPost('Update') !== null && $RIGHT >= 'W' && check_bitrix_sessid()) {
    __AdmSettingsSaveOptions($module_id, $arAllOptions);
    echo '<div id="saved">saved</div>';
}
echo '<div id="right">right=' . $RIGHT . '</div>';
?>
<form method="post" action="<?= $APPLICATION->GetCurPage() ?>?mid=<?= urlencode($module_id) ?>&amp;lang=<?= LANGUAGE_ID ?>">
<?php $tabControl->Begin(); $tabControl->BeginNextTab(); __AdmSettingsDrawList($module_id, $arAllOptions); $tabControl->BeginNextTab();
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/group_rights.php';
$tabControl->Buttons(); ?>
<input type="submit" name="Update" value="Save"<?= $RIGHT < 'W' ? ' disabled' : '' ?>><?= bitrix_sessid_post() ?>
<?php $tabControl->End(); ?>
</form>
PHP
        ]);
    }

    protected function tearDown(): void
    {
        @unlink($this->cookies);
        parent::tearDown();
    }

    private function http(string $path, ?array $post = null): array
    {
        $ch = curl_init('http://127.0.0.1:' . self::$port . $path);
        curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_COOKIEJAR => $this->cookies, CURLOPT_COOKIEFILE => $this->cookies, CURLOPT_TIMEOUT => 20, CURLOPT_FOLLOWLOCATION => true]);
        if ($post !== null) { curl_setopt($ch, CURLOPT_POST, true); curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($post)); }
        $body = (string)curl_exec($ch);
        $code = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return [$code, $body];
    }

    private function login(string $login, string $password): string
    {
        [, $html] = $this->http('/bitrix/admin/index.php?lang=en', ['AUTH_FORM' => 'Y', 'TYPE' => 'AUTH', 'USER_LOGIN' => $login, 'USER_PASSWORD' => $password]);
        return $html;
    }

    private function sessid(string $html): string
    {
        $this->assertMatchesRegularExpression('/name="sessid" id="sessid[^"]*" value="([0-9a-f]{32})"/', $html);
        preg_match('/name="sessid" id="sessid[^"]*" value="([0-9a-f]{32})"/', $html, $m);
        return $m[1];
    }

    public function testAnonymousGetsTheLoginFormAndAWrongPasswordStaysThere(): void
    {
        [$code, $html] = $this->http('/bitrix/admin/index.php?lang=en');
        $this->assertSame(200, $code);
        $this->assertStringContainsString('name="form_auth"', $html);
        $this->assertStringContainsString('name="USER_LOGIN"', $html);
        $this->assertStringNotContainsString('id="adm-title"', $html);
        $html = $this->login('admin', 'wrong');
        $this->assertStringContainsString('name="form_auth"', $html);
        $this->assertStringContainsString('Incorrect login or password', $html);
    }

    public function testAdminLogsInSavesSettingsWithSessidAndLogsOut(): void
    {
        $html = $this->login('admin', getenv('CONDUIT_KERNEL_ADMIN_PASSWORD') ?: 'admin123');
        $this->assertStringContainsString('id="adm-title"', $html);
        $this->assertStringContainsString('id="bx-panel-user">admin<', $html);

        [, $page] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en');
        $this->assertStringContainsString('right=W', $page);
        $this->assertStringContainsString('id="tab_cont_edit1"', $page);
        $this->assertStringContainsString('name="title"', $page);
        $this->assertStringContainsString('value="dflt"', $page);
        $this->assertStringContainsString('name="RIGHTS[]"', $page, 'the standard rights tab');
        $this->assertStringContainsString('<option value="kerneltest.probe" selected>Kernel test probe</option>', $page);
        $sessid = $this->sessid($page);

        [, $r] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en', ['Update' => 'Y', 'title' => 'forged', 'flag' => 'Y', 'sessid' => str_repeat('0', 32)]);
        $this->assertStringNotContainsString('id="saved"', $r);
        Option::clearCache();
        $this->assertSame('', Option::get(self::MOD, 'title'));

        [, $r] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en', ['Update' => 'Y', 'title' => '<new>', 'sessid' => $sessid, 'GROUPS' => [0], 'RIGHTS' => ['R']]);
        $this->assertStringContainsString('id="saved"', $r);
        $this->assertStringContainsString('value="&lt;new&gt;"', $r);
        Option::clearCache();
        $this->assertSame('<new>', Option::get(self::MOD, 'title'));
        $this->assertSame('N', Option::get(self::MOD, 'flag'), 'an unchecked checkbox is saved as N');
        $this->assertSame('R', Option::get(self::MOD, 'GROUP_DEFAULT_RIGHT'), 'group_rights.php saved the default right');

        [, $out] = $this->http('/bitrix/admin/index.php?logout=yes&' . 'sessid=' . $sessid);
        $this->assertStringContainsString('name="form_auth"', $out);
    }

    public function testSettingsNeedViewSettingsAndTheModuleRight(): void
    {
        global $APPLICATION;
        $readers = $this->createGroup('kt_readers');
        $this->createUser('kt_reader', [$readers]);
        $APPLICATION->SetGroupRight(self::MOD, $readers, 'R');
        $html = $this->login('kt_reader', 'secret123');
        $this->assertStringContainsString('id="adm-title"', $html, 'logged in');
        [, $page] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en');
        $this->assertStringContainsString('name="form_auth"', $page, 'no view_other_settings: the form with "access denied"');
        $this->assertStringContainsString('Access denied', $page);

        $APPLICATION->SetGroupRight('main', $readers, 'R');
        try {
            [, $page] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en');
            $this->assertStringContainsString('right=R', $page);
            $this->assertStringContainsString('name="Update" value="Save" disabled', $page);
            [, $r] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en', ['Update' => 'Y', 'title' => 'by reader', 'sessid' => $this->sessid($page)]);
            $this->assertStringNotContainsString('id="saved"', $r, 'R cannot save');
            Option::clearCache();
            $this->assertSame('', Option::get(self::MOD, 'title'));
            $APPLICATION->DelGroupRight(self::MOD, [$readers]);
            [, $page] = $this->http('/bitrix/admin/settings.php?mid=kerneltest.probe&lang=en');
            $this->assertStringNotContainsString('right=', $page, 'without the module right the module is not offered');
        } finally {
            $APPLICATION->DelGroupRight('main', [$readers]);
        }
    }

    public function testPartnerModulesInstallAndUninstall(): void
    {
        \Bitrix\Main\ModuleManager::unRegisterModule(self::MOD);
        file_put_contents(self::modDir() . '/install/index.php', <<<'PHP'
<?php
class kerneltest_probe extends CModule {
    public $MODULE_ID = 'kerneltest.probe';
    public $MODULE_NAME = 'Kernel test probe';
    public $MODULE_VERSION = '1.2.3';
    public function DoInstall() {
        global $APPLICATION;
        if (\Bitrix\Main\Config\Option::get('main', 'kt_refuse_install') === 'Y') { $APPLICATION->ThrowException('Load the <b>conduit</b> extension first'); return false; }
        \Bitrix\Main\ModuleManager::registerModule($this->MODULE_ID);
        return true;
    }
    public function DoUninstall() { \Bitrix\Main\ModuleManager::unRegisterModule($this->MODULE_ID); return true; }
}
PHP
        );
        $this->login('admin', getenv('CONDUIT_KERNEL_ADMIN_PASSWORD') ?: 'admin123');
        [, $page] = $this->http('/bitrix/admin/partner_modules.php?lang=en');
        $this->assertStringContainsString('Kernel test probe', $page);
        $this->assertStringContainsString('Not installed', $page);
        $sessid = $this->sessid($page);

        \Bitrix\Main\Config\Option::set('main', 'kt_refuse_install', 'Y');
        try {
            [, $r] = $this->http('/bitrix/admin/partner_modules.php?lang=en&id=kerneltest.probe&install=Y&sessid=' . $sessid);
        } finally {
            \Bitrix\Main\Config\Option::delete('main', ['name' => 'kt_refuse_install']);
        }
        $this->assertStringContainsString('Load the <b>conduit</b> extension first', $r, 'DoInstall() === false shows GetException()');
        $this->assertFalse(\Bitrix\Main\ModuleManager::isModuleInstalled(self::MOD));

        [, $r] = $this->http('/bitrix/admin/partner_modules.php?lang=en&id=kerneltest.probe&install=Y&sessid=forged');
        \Bitrix\Main\ModuleManager::clearCache();
        $this->assertFalse(\Bitrix\Main\ModuleManager::isModuleInstalled(self::MOD), 'no install without a valid sessid');

        [, $r] = $this->http('/bitrix/admin/partner_modules.php?lang=en&id=kerneltest.probe&install=Y&sessid=' . $sessid);
        \Bitrix\Main\ModuleManager::clearCache();
        $this->assertTrue(\Bitrix\Main\ModuleManager::isModuleInstalled(self::MOD));
        $this->assertStringContainsString('The module has been installed', $r, 'redirected to result=OK');

        [, $r] = $this->http('/bitrix/admin/partner_modules.php?lang=en&id=kerneltest.probe&uninstall=Y&sessid=' . $sessid);
        \Bitrix\Main\ModuleManager::clearCache();
        $this->assertFalse(\Bitrix\Main\ModuleManager::isModuleInstalled(self::MOD));
    }
}
