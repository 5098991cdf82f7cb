<?php
/**
 * Prepares the private test-kernel site the browser tests drive:
 *   php -d extension=… tests/browser/setup.php MOCK_URL [--link]
 * (env CONDUIT_KERNEL_ROOT / CONDUIT_KERNEL_DB name the site; tests/browser/run.sh sets them.)
 *
 * Copies php/conduit.integration into <root>/local/modules (--link: a symlink, for
 * development), installs it, creates the read-only user "viewer" (group with R on the
 * module and main), configures the connections "default" (the mock API) and "broken"
 * (a closed port), a webhook source "erp", registers a manual job type "catalog.import"
 * in local/php_interface/init.php, and empties the module's tables.
 */

$repo = dirname(__DIR__, 2);
$mock = $argv[1] ?? '';
$link = in_array('--link', $argv, true);
require $repo . '/tests/bitrix-kernel/setup-site.php';
$root = conduit_kernel_setup_site();
$target = $root . '/local/modules/conduit.integration';
@mkdir($root . '/local/modules', 0777, true);
if (is_link($target)) {
    unlink($target);
} elseif (is_dir($target)) {
    exec('rm -rf ' . escapeshellarg($target));
}
if ($link) {
    symlink($repo . '/php/conduit.integration', $target);
} else {
    exec('cp -a ' . escapeshellarg($repo . '/php/conduit.integration') . ' ' . escapeshellarg($target), $o, $rc);
    if ($rc !== 0) {
        fwrite(STDERR, "copy failed\n");
        exit(1);
    }
}

// A manual job type, as a site would declare it (init.php runs on every hit, agent and CLI).
@mkdir($root . '/local/php_interface', 0777, true);
file_put_contents($root . '/local/php_interface/init.php', <<<'PHP'
<?php
// conduit admin browser tests: a manual job type ("Run sync now" on the dashboard)
if (\Bitrix\Main\Loader::includeModule('conduit.integration')) {
    \Conduit\Integration\Handlers::register('catalog.import', static function (array $payload): array {
        usleep(1500000); // a little work, so the dashboard shows it running
        return ['imported' => 42];
    }, ['manual' => true, 'title' => 'Full catalog import']);
}
PHP);

require $repo . '/tests/bitrix-kernel/boot.php';
global $APPLICATION, $USER;
use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;

$GLOBALS['USER'] = $USER = new CUser();
if (!ModuleManager::isModuleInstalled('conduit.integration')) {
    $module = CModule::CreateModuleObject('conduit.integration');
    if (!$module || !$module->DoInstall()) {
        $ex = $APPLICATION->GetException();
        fwrite(STDERR, 'install failed: ' . ($ex ? $ex->GetString() : '?') . "\n");
        exit(1);
    }
} else {
    // installed by an earlier run: what a module update does (files, then the schema's new parts)
    CModule::CreateModuleObject('conduit.integration')->InstallFiles();
    Loader::includeModule('conduit.integration');
    \Conduit\Integration\Storage\Schema::migrate();
}
Loader::includeModule('conduit.integration');
$db = Application::getConnection();

// read-only user
$group = $db->queryScalar("SELECT ID FROM b_group WHERE STRING_ID = 'conduit_viewers'");
if (!$group) {
    $group = (int) $db->add('b_group', ['NAME' => 'Conduit viewers', 'STRING_ID' => 'conduit_viewers', 'ACTIVE' => 'Y', 'C_SORT' => 100]);
}
if (!$db->queryScalar("SELECT ID FROM b_user WHERE LOGIN = 'viewer'")) {
    $u = new CUser();
    if (!$u->Add(['LOGIN' => 'viewer', 'PASSWORD' => 'viewer123', 'EMAIL' => 'viewer@example.com', 'GROUP_ID' => [(int) $group]])) {
        fwrite(STDERR, 'viewer: ' . $u->LAST_ERROR . "\n");
        exit(1);
    }
}
$APPLICATION->SetGroupRight('conduit.integration', (int) $group, 'R');
// a user with no right on the module (D): the pages answer with the login form
if (!$db->queryScalar("SELECT ID FROM b_user WHERE LOGIN = 'nobody'")) {
    $u = new CUser();
    $u->Add(['LOGIN' => 'nobody', 'PASSWORD' => 'nobody123', 'EMAIL' => 'nobody@example.com', 'GROUP_ID' => [2]]);
}
$APPLICATION->SetGroupRight('main', (int) $group, 'R');

// fresh data
foreach (['b_conduit_jobs', 'b_conduit_job_groups', 'b_conduit_request_log', 'b_conduit_webhook_event', 'b_conduit_worker', 'b_conduit_log_rollup', 'b_conduit_log_rollup_h', 'b_conduit_queue_rollup', 'b_conduit_queue_rollup_h', 'b_conduit_log_endpoint'] as $t) {
    $db->queryExecute("DELETE FROM `$t`");
}
foreach (['admin_rollup_last_id', 'admin_queue_rollup_last_id', 'admin_queue_rollup_finished_at', 'admin_endpoints_last_id'] as $option) {
    \Bitrix\Main\Config\Option::delete('conduit.integration', ['name' => $option]);
}
use Conduit\Integration\Settings;
foreach (Settings::connections() as $name) {
    Settings::deleteConnection($name);
}
if ($mock !== '') {
    Settings::saveConnection('default', ['base_url' => $mock, 'timeout' => 5, 'retry' => ['max_attempts' => 1]]);
}
Settings::saveConnection('broken', ['base_url' => 'http://127.0.0.1:9', 'timeout' => 2, 'connect_timeout' => 1, 'retry' => ['max_attempts' => 1]]);
Settings::saveWebhookSource('erp', ['scheme' => 'standard', 'secrets' => 'whsec_' . base64_encode(random_bytes(24)), 'tolerance_s' => 300]);
Settings::set('public_base_url', 'https://shop.example.com');
\Bitrix\Main\Config\Option::set('main', 'check_agents', 'N');
echo "ROOT $root\n";
