<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Config\Option;
use Conduit\Integration\Settings;

/**
 * The settings page (options.php, as /bitrix/admin/settings.php?mid=conduit.integration
 * includes it): rights, sessid on every POST, escaping, write-only secrets.
 */
final class OptionsPageTest extends ModuleTestCase
{
    private static ?string $rightBefore;
    private static array $settingsBefore = [];
    private static string $connection;
    private static string $token;

    public static function setUpBeforeClass(): void
    {
        self::ensureInstalled();
        $lib = CONDUIT_TEST_ROOT . '/bitrix/modules/main/interface/admin_lib.php';
        if (!class_exists('CAdminTabControl') && is_file($lib)) {
            require_once $lib;
        }
        $GLOBALS['USER'] = $GLOBALS['USER'] ?? new \CUser();
        self::$rightBefore = Option::getRealValue(self::MODULE, 'GROUP_DEFAULT_RIGHT');
        foreach (array_keys(Settings::DEFINITIONS) as $name) {
            self::$settingsBefore[$name] = Option::getRealValue(self::MODULE, $name);
        }
        self::$connection = self::uniqueName('t');
        self::$token = 'page-token-' . bin2hex(random_bytes(8));
        Settings::saveConnection(self::$connection, ['base_url' => 'https://a.example.com/<script>x</script>', 'auth' => ['type' => 'bearer', 'token' => self::$token]]);
    }

    public static function tearDownAfterClass(): void
    {
        Settings::deleteConnection(self::$connection);
        self::$rightBefore === null ? Option::delete(self::MODULE, ['name' => 'GROUP_DEFAULT_RIGHT']) : Option::set(self::MODULE, 'GROUP_DEFAULT_RIGHT', self::$rightBefore);
        foreach (self::$settingsBefore as $name => $value) {
            $value === null ? Option::delete(self::MODULE, ['name' => $name]) : Option::set(self::MODULE, $name, $value);
        }
    }

    private static function withRight(string $right): void
    {
        Option::set(self::MODULE, 'GROUP_DEFAULT_RIGHT', $right);
    }

    private static function render(array $post = []): string
    {
        $file = self::moduleDir() . '/options.php';
        return WebRequest::render(static function () use ($file): void {
            global $APPLICATION, $USER;
            $mid = 'conduit.integration';
            include $file;
        }, ['mid' => self::MODULE, 'lang' => LANGUAGE_ID], $post, $post !== []);
    }

    /**
     * Every current setting as the form posts it with the footer Save, with the
     * rights tab's fields as the page shows them: that tab saves the rights on the
     * same POST, and a real site's group rights must come through the suite intact.
     */
    private static function form(array $override = []): array
    {
        $post = ['sessid' => bitrix_sessid(), 'Update' => 'Y'] + self::rightsFields(self::render());
        foreach (Settings::all() as $name => $value) {
            $definition = Settings::DEFINITIONS[$name];
            if ($definition['type'] === Settings::TYPE_BOOL) {
                if ($value) {
                    $post['opt_' . $name] = 'Y';
                }
            } else {
                $post['opt_' . $name] = is_array($value) ? implode(', ', $value) : (string) $value;
            }
        }
        return array_merge($post, $override);
    }

    /** `GROUPS[]`/`RIGHTS[]` of the rendered page, as a browser would post them. */
    private static function rightsFields(string $html): array
    {
        $doc = new \DOMDocument();
        @$doc->loadHTML('<?xml encoding="UTF-8">' . $html);
        $xpath = new \DOMXPath($doc);
        $groups = [];
        foreach ($xpath->query('//input[@name="GROUPS[]"]') as $input) {
            $groups[] = $input->getAttribute('value');
        }
        $rights = [];
        foreach ($xpath->query('//select[@name="RIGHTS[]"]') as $select) {
            $selected = $xpath->query('.//option[@selected]', $select)->item(0) ?? $xpath->query('.//option', $select)->item(0);
            $rights[] = $selected?->getAttribute('value') ?? '';
        }
        self::assertCount(count($groups), $rights, 'one right per group on the rights tab');
        return $groups === [] ? [] : ['GROUPS' => $groups, 'RIGHTS' => $rights];
    }

    public function testSavingSettingsKeepsTheGroupRights(): void
    {
        global $APPLICATION;
        self::withRight('W');
        // A right of its own for "Everyone" (the suite's user is in that group, so W,
        // or the user could no longer save).
        $APPLICATION->SetGroupRight(self::MODULE, 2, 'W');
        try {
            $post = self::form(['opt_queue_max_attempts' => '11']);
            $this->assertContains('2', $post['GROUPS'] ?? [], 'the rights tab lists group 2');
            self::render($post);
            $this->assertSame(11, Settings::get('queue_max_attempts'));
            $this->assertSame('W', $APPLICATION->GetGroupRight(self::MODULE, [2], 'N', 'N'), 'the group row survived the save');
            $this->assertSame('W', Option::get(self::MODULE, 'GROUP_DEFAULT_RIGHT'));
        } finally {
            $APPLICATION->SetGroupRight(self::MODULE, 2, '');
        }
    }

    public function testPageShowsEverySettingEscapedAndNoSecret(): void
    {
        self::withRight('W');
        $html = self::render();
        foreach (array_keys(Settings::DEFINITIONS) as $name) {
            $this->assertStringContainsString('name="opt_' . $name . '"', $html);
        }
        $this->assertMatchesRegularExpression('/name="sessid"[^>]*value="[0-9a-f]{32}"/', $html);
        $this->assertStringContainsString(self::$connection, $html);
        $this->assertStringNotContainsString('<script>x</script>', $html, 'a stored value reached the page unescaped');
        $this->assertStringContainsString('&lt;script&gt;x&lt;/script&gt;', $html);
        $this->assertStringNotContainsString(self::$token, $html, 'a secret reached the page');
        $this->assertStringContainsString('auth/token', $html, 'the page says when the secret was set');
    }

    public function testPostWithAValidSessidSaves(): void
    {
        self::withRight('W');
        self::render(self::form(['opt_queue_max_attempts' => '7', 'opt_agent_mode' => 'cron']));
        $this->assertSame(7, Settings::get('queue_max_attempts'));
        $this->assertSame('cron', Settings::get('agent_mode'));
    }

    public function testABadValueIsShownEscapedAndNothingIsSaved(): void
    {
        self::withRight('W');
        Settings::set('queue_max_attempts', 5);
        $html = self::render(self::form(['opt_queue_max_attempts' => '6', 'opt_public_base_url' => '"><script>alert(1)</script>']));
        $this->assertSame(5, Settings::get('queue_max_attempts'), 'all or nothing');
        $this->assertStringNotContainsString('<script>alert(1)</script>', $html);
        $this->assertStringContainsString('public_base_url', $html);
        $this->assertStringContainsString('adm-info-message-red', $html);
    }

    public function testPostWithoutAValidSessidChangesNothing(): void
    {
        self::withRight('W');
        Settings::set('queue_max_attempts', 5);
        foreach ([str_repeat('0', 32), null] as $sessid) {
            $post = self::form(['opt_queue_max_attempts' => '8']);
            if ($sessid === null) {
                unset($post['sessid']);
            } else {
                $post['sessid'] = $sessid;
            }
            $html = self::render($post);
            $this->assertSame(5, Settings::get('queue_max_attempts'));
            $this->assertStringContainsString('adm-info-message-red', $html);
        }
    }

    public function testReadOnlyRightShowsButRefusesChanges(): void
    {
        self::withRight('R');
        Settings::set('queue_max_attempts', 5);
        $html = self::render();
        $this->assertStringContainsString('name="opt_queue_max_attempts"', $html);
        $this->assertStringContainsString('disabled', $html);
        $this->assertStringNotContainsString('name="Update"', $html);
        $this->assertStringNotContainsString('name="delete_connection"', $html);
        self::render(self::form(['opt_queue_max_attempts' => '9']));
        $this->assertSame(5, Settings::get('queue_max_attempts'));
        self::render(['sessid' => bitrix_sessid(), 'delete_connection' => self::$connection]);
        $this->assertTrue(Settings::hasConnection(self::$connection), 'R may not delete');
    }

    public function testConnectionFormKeepsAnEmptySecretAndDeletes(): void
    {
        self::withRight('W');
        $name = self::uniqueName('t');
        $post = ['sessid' => bitrix_sessid(), 'save_connection' => 'Y', 'conn_name' => $name, 'conn_base_url' => 'https://erp.example.com/api',
            'conn_auth_type' => 'bearer', 'conn_auth_secret' => 'form-token', 'conn_timeout' => '7.5', 'conn_max_attempts' => '2'];
        self::render($post);
        $saved = Settings::connection($name);
        $this->assertSame('form-token', $saved['auth']['token']);
        $this->assertSame(7.5, $saved['timeout']);
        $this->assertSame(2, $saved['retry']['max_attempts']);

        self::render(['conn_auth_secret' => '', 'conn_base_url' => 'https://erp2.example.com/api'] + $post);
        $this->assertSame('form-token', Settings::connection($name)['auth']['token'], 'an empty secret field keeps the stored one');
        $this->assertSame('https://erp2.example.com/api', Settings::connection($name)['base_url']);

        $html = self::render(['conn_base_url' => 'not a url'] + $post);
        $this->assertStringContainsString('adm-info-message-red', $html);
        $this->assertSame('https://erp2.example.com/api', Settings::connection($name)['base_url']);

        self::render(['sessid' => bitrix_sessid(), 'delete_connection' => $name]);
        $this->assertFalse(Settings::hasConnection($name));
    }
}
