<?php
require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/interface/admin_lib.php';

class AdminTest extends KernelTestCase
{
    private function capture(callable $f): string { ob_start(); try { $f(); } finally { $html = ob_get_clean(); } return $html; }

    public function testTabControlMarkupAndSelectedTab(): void
    {
        $tabs = [['DIV' => 'kt1', 'TAB' => 'One <b>', 'TITLE' => 'Title one'], ['DIV' => 'kt2', 'TAB' => 'Two', 'TITLE' => 'Title two']];
        $_REQUEST['ktc_active_tab'] = 'kt2';
        try {
            $tc = new CAdminTabControl('ktc', $tabs);
            $this->assertSame('kt2', $tc->GetSelectedTab());
            $this->assertSame('&ktc_active_tab=kt2', $tc->ActiveTabParam());
            $html = $this->capture(function () use ($tc) {
                $tc->Begin(); $tc->BeginNextTab(); echo '<tr><td>f1</td></tr>'; $tc->BeginNextTab(); echo '<tr><td>f2</td></tr>';
                $tc->Buttons(['btnApply' => false, 'back_url' => '/bitrix/admin/index.php']); $tc->End();
            });
        } finally {
            unset($_REQUEST['ktc_active_tab']);
        }
        $this->assertStringContainsString('id="tab_cont_kt1" class="adm-detail-tab"', $html);
        $this->assertStringContainsString('id="tab_cont_kt2" class="adm-detail-tab adm-detail-tab-active adm-detail-tab-last"', $html);
        $this->assertStringContainsString('One &lt;b&gt;', $html, 'tab names are escaped');
        $this->assertMatchesRegularExpression('#<div class="adm-detail-content" id="kt1" style="display:none;"><div class="adm-detail-title">Title one</div>.*<tr><td>f1</td></tr>#s', $html);
        $this->assertMatchesRegularExpression('#<div class="adm-detail-content" id="kt2"><div class="adm-detail-title">Title two</div>#', $html);
        $this->assertStringContainsString('name="save"', $html);
        $this->assertStringNotContainsString('name="apply"', $html);
        $this->assertStringContainsString('name="cancel"', $html);
        $this->assertStringContainsString('name="ktc_active_tab" value="kt2"', $html);
        $this->assertSame(2, substr_count($html, '</tbody>'), 'each tab is closed once');

        $bare = $this->capture(function () use ($tabs) { $t = new CAdminTabControl('ktd', $tabs); $t->Begin(); $t->BeginNextTab(); $t->Buttons(); echo '<input type="submit" name="Update">'; $t->End(); });
        $this->assertStringNotContainsString('name="save"', $bare, 'Buttons() without parameters prints no buttons');
        $this->assertSame(2, substr_count($bare, 'class="adm-detail-content"'), 'Buttons() opens the remaining tabs');
    }

    public function testTabControlNeedsAUser(): void
    {
        $saved = $GLOBALS['USER'];
        $GLOBALS['USER'] = null;
        try {
            $this->expectException(\Error::class);
            new CAdminTabControl('x', []);
        } finally {
            $GLOBALS['USER'] = $saved;
        }
    }

    public function testMessages(): void
    {
        $this->assertStringContainsString('adm-info-message-red', (new CAdminMessage('bad <x>'))->Show());
        $this->assertStringContainsString('bad &lt;x&gt;', (new CAdminMessage('bad <x>'))->Show());
        $ok = (new CAdminMessage(['MESSAGE' => 'Saved', 'TYPE' => 'OK', 'DETAILS' => '<b>html</b>', 'HTML' => true]))->Show();
        $this->assertStringContainsString('adm-info-message-green', $ok);
        $this->assertStringContainsString('<b>html</b>', $ok);
        $e = new CAdminException([['id' => 'a', 'text' => 'first'], ['id' => 'b', 'text' => 'second']]);
        $m = new CAdminMessage('Errors', $e);
        $this->assertCount(2, $m->GetMessages());
        $this->assertStringContainsString('first', $m->Show());
    }

    public function testListRendering(): void
    {
        $_REQUEST['by'] = 'NAME'; $_REQUEST['order'] = 'asc';
        try { $sort = new CAdminSorting('kt_list', 'ID', 'desc'); } finally { unset($_REQUEST['by'], $_REQUEST['order']); }
        $this->assertSame(['NAME', 'asc'], [$sort->getField(), $sort->getOrder()]);
        $list = new CAdminList('kt_list', $sort);
        $list->AddHeaders([['id' => 'ID', 'content' => 'ID', 'sort' => 'ID', 'default' => true], ['id' => 'NAME', 'content' => 'Name', 'sort' => 'NAME', 'default' => true], ['id' => 'HIDDEN', 'content' => 'Hidden']]);
        $this->assertSame(['ID', 'NAME'], $list->GetVisibleHeaderColumns());
        $row = $list->AddRow(7, ['ID' => 7, 'NAME' => '<script>x</script>', 'HIDDEN' => 'h']);
        $row->AddField('ID', '<b>7</b>');
        $row->AddActions([['TEXT' => 'Delete', 'ACTION' => $list->ActionDoGroup(7, 'delete')], ['TEXT' => 'Open', 'LINK' => '/x.php?ID=7', 'DEFAULT' => true]]);
        $list->AddGroupActionTable(['delete' => true, 'retry' => 'Retry']);
        $nav = (new \Bitrix\Main\UI\PageNavigation('nav-kt'))->setPageSize(10)->setRecordCount(35);
        $list->setNavigation($nav, 'Rows');
        $list->AddAdminContextMenu([['TEXT' => 'Add', 'LINK' => '/add.php', 'ICON' => 'btn_new']], false);
        $html = $this->capture(fn() => $list->DisplayList());
        $this->assertStringContainsString('<table class="adm-list-table" id="kt_list">', $html);
        $this->assertStringContainsString('&lt;script&gt;x&lt;/script&gt;', $html, 'raw row values are escaped');
        $this->assertStringNotContainsString('<script>x</script>', $html);
        $this->assertStringContainsString('<b>7</b>', $html, 'AddField text is HTML, as in the kernel');
        $this->assertStringNotContainsString('>h<', $html, 'hidden columns are not shown');
        $this->assertStringContainsString('name="ID[]" value="7"', $html);
        $this->assertStringContainsString('<option value="retry">Retry</option>', $html);
        $this->assertStringContainsString('adm-list-table-cell-sort-up', $html);
        $this->assertStringContainsString('action_button=delete', $html);
        $this->assertStringContainsString('/add.php', $html);
        $this->assertSame(4, substr_count($html, 'class="adm-nav-page'), '4 pages');
        $this->assertStringContainsString(bitrix_sessid_post() !== '' ? 'name="sessid"' : '', $html);

        $_REQUEST['action_button'] = 'delete'; $_REQUEST['ID'] = ['3', '4']; $_REQUEST['sessid'] = bitrix_sessid();
        $ctx = \Bitrix\Main\Context::getCurrent(); $orig = $ctx->getRequest();
        $ctx->initialize(new \Bitrix\Main\HttpRequest($ctx->getServer(), [], $_REQUEST, [], []), $ctx->getResponse(), $ctx->getServer());
        try {
            $this->assertSame(['3', '4'], $list->GroupAction());
            $_REQUEST['sessid'] = 'forged';
            $ctx->initialize(new \Bitrix\Main\HttpRequest($ctx->getServer(), [], $_REQUEST, [], []), $ctx->getResponse(), $ctx->getServer());
            $this->assertFalse($list->GroupAction(), 'no group action without a valid sessid');
        } finally {
            $ctx->initialize($orig, $ctx->getResponse(), $ctx->getServer());
            unset($_REQUEST['action_button'], $_REQUEST['action'], $_REQUEST['ID'], $_REQUEST['sessid']);
        }
        $this->assertSame(10, $nav->getLimit());
        $nav->setCurrentPage(9);
        $this->assertSame(4, $nav->getCurrentPage());
        $this->assertSame(30, $nav->getOffset());
    }

    public function testAdminMenuIncludesModuleMenusAndOnBuildGlobalMenu(): void
    {
        $this->installProbe([
            'include.php' => "<?php\n",
            'admin/menu.php' => "<?php\n\$aMenu = ['parent_menu' => 'global_menu_services', 'text' => 'Probe', 'url' => 'kt_probe.php?lang=' . LANGUAGE_ID, 'items' => [['text' => 'Sub', 'url' => 'kt_sub.php']]];\nreturn \$aMenu;\n",
        ]);
        $key = \Bitrix\Main\EventManager::getInstance()->addEventHandlerCompatible('main', 'OnBuildGlobalMenu', function (&$global, &$module) {
            $module[] = ['parent_menu' => 'global_menu_settings', 'text' => 'From event', 'url' => 'ev.php'];
        });
        try {
            $menu = new CAdminMenu();
            $menu->Init([self::MOD, 'main']);
        } finally {
            \Bitrix\Main\EventManager::getInstance()->removeEventHandler('main', 'OnBuildGlobalMenu', $key);
        }
        $this->assertSame(['global_menu_services', 'global_menu_settings'], array_keys($menu->aGlobalMenu), 'empty sections are dropped');
        $this->assertSame('Probe', $menu->aGlobalMenu['global_menu_services']['items'][0]['text']);
        $this->assertSame('From event', $menu->aGlobalMenu['global_menu_settings']['items'][0]['text']);
        $html = $this->capture(fn() => $menu->Show());
        $this->assertStringContainsString('href="kt_probe.php?lang=ru"', $html);
        $this->assertStringContainsString('kt_sub.php', $html);
    }

    public function testUiListFilterFromTheRequest(): void
    {
        $fields = [
            ['id' => 'STATUS', 'name' => 'Status', 'type' => 'list', 'items' => ['done' => 'Done', 'failed' => 'Failed'], 'filterable' => '='],
            ['id' => 'URL', 'name' => 'URL', 'filterable' => '%'],
            ['id' => 'CREATED', 'name' => 'Created', 'type' => 'date'],
        ];
        $_REQUEST = ['STATUS' => 'failed', 'URL' => '<x>', 'CREATED_from' => '2024-03-01', 'CREATED_to' => '2024-03-02'];
        try {
            $list = new CAdminUiList('kt_ui', new CAdminUiSorting('kt_ui', 'ID', 'desc'));
            $filter = [];
            $list->AddFilter($fields, $filter);
            $html = $this->capture(fn() => $list->DisplayFilter($fields));
            $nav = $list->getPageNavigation('nav-kt');
        } finally {
            $_REQUEST = [];
        }
        $this->assertSame('failed', $filter['=STATUS']);
        $this->assertSame('<x>', $filter['%URL']);
        $this->assertSame('2024-03-01 00:00:00', $filter['>=CREATED']->format('Y-m-d H:i:s'));
        $this->assertSame('2024-03-02 23:59:59', $filter['<=CREATED']->format('Y-m-d H:i:s'));
        $this->assertStringContainsString('value="&lt;x&gt;"', $html);
        $this->assertStringContainsString('<option value="failed" selected>Failed</option>', $html);
        $this->assertSame(20, $nav->getLimit());
    }

    public function testJsonAndUri(): void
    {
        $this->assertSame('{"a":"\u003Cb\u003E"}', \Bitrix\Main\Web\Json::encode(['a' => '<b>']));
        $this->assertSame(['x' => 1], \Bitrix\Main\Web\Json::decode('{"x":1}'));
        try { \Bitrix\Main\Web\Json::decode('{'); $this->fail(); } catch (\Bitrix\Main\ArgumentException $e) { $this->assertStringContainsString('JSON', $e->getMessage()); }
        $u = (new \Bitrix\Main\Web\Uri('/bitrix/admin/x.php?a=1&b=2'))->addParams(['c' => 'd e'])->deleteParams(['a']);
        $this->assertSame('/bitrix/admin/x.php?b=2&c=d%20e', $u->getUri());
        $this->assertFalse(\Bitrix\Main\Loader::includeModule('kerneltest.probe'), 'not installed: false');
        $this->installProbe(['include.php' => "<?php\n"]);
        $this->assertTrue(\Bitrix\Main\Loader::includeModule('kerneltest.probe'), 'registerModule forgets the cached false');
    }
}
