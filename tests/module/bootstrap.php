<?php
/**
 * The one bootstrap of the module suite.
 *
 * - BITRIX_ROOT set: boots that real site (document root) with
 *   bitrix/modules/main/include/prolog_before.php, or with the file named by BITRIX_BOOT.
 *   The module must already be in local/modules or bitrix/modules of that site.
 * - unset: generates the Bitrix test kernel's site (tests/bitrix-kernel/setup-site.php,
 *   document root CONDUIT_KERNEL_ROOT, default target/bitrix-site), copies
 *   php/conduit.integration into <root>/local/modules fresh, and boots the kernel.
 *
 * Tests use Bitrix's public API only, so they mean the same on both.
 */

// Bitrix's prolog sets these at file scope; make sure they land in the global scope.
global $APPLICATION, $USER, $DB, $DBType, $DBHost, $DBLogin, $DBPassword, $DBName, $MESS;

if (!extension_loaded('conduit')) {
    fwrite(STDERR, "The conduit extension is not loaded: run tests/module/run.sh (php -d extension=target/release/libconduit.so).\n");
    exit(1);
}

$repo = dirname(__DIR__, 2);
$realSite = (string) getenv('BITRIX_ROOT') !== '';

if ($realSite) {
    $root = rtrim((string) getenv('BITRIX_ROOT'), '/');
    $boot = (string) getenv('BITRIX_BOOT') ?: $root . '/bitrix/modules/main/include/prolog_before.php';
} else {
    $root = (string) getenv('CONDUIT_KERNEL_ROOT') ?: $repo . '/target/bitrix-site';
    putenv('CONDUIT_KERNEL_ROOT=' . $root);
    $setup = $repo . '/tests/bitrix-kernel/setup-site.php';
    if (!is_file($setup)) {
        fwrite(STDERR, "The Bitrix test kernel is missing ($setup).\n");
        exit(1);
    }
    $command = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($setup) . ' 2>&1';
    exec($command, $output, $status);
    if ($status !== 0) {
        fwrite(STDERR, "setup-site.php failed ($status):\n" . implode("\n", $output) . "\n");
        exit(1);
    }
    $target = $root . '/local/modules/conduit.integration';
    $rm = static function (string $dir) use (&$rm): void {
        if (is_link($dir) || is_file($dir)) {
            unlink($dir);
            return;
        }
        if (!is_dir($dir)) {
            return;
        }
        foreach (array_diff(scandir($dir), ['.', '..']) as $f) {
            $rm("$dir/$f");
        }
        rmdir($dir);
    };
    $copy = static function (string $from, string $to) use (&$copy): void {
        @mkdir($to, 0777, true);
        foreach (array_diff(scandir($from), ['.', '..']) as $f) {
            is_dir("$from/$f") ? $copy("$from/$f", "$to/$f") : copy("$from/$f", "$to/$f");
            if (is_file("$to/$f")) {
                chmod("$to/$f", fileperms("$from/$f") & 0777);
            }
        }
    };
    $rm($target);
    @mkdir($root . '/local/modules', 0777, true);
    $copy($repo . '/php/conduit.integration', $target);
    $boot = (string) getenv('BITRIX_BOOT') ?: $repo . '/tests/bitrix-kernel/boot.php';
    putenv('BITRIX_BOOT=' . $boot);
}

if (!is_file($boot)) {
    fwrite(STDERR, "Boot file $boot not found.\n");
    exit(1);
}
$_SERVER['DOCUMENT_ROOT'] = $root;
defined('NO_KEEP_STATISTIC') || define('NO_KEEP_STATISTIC', true);
defined('NOT_CHECK_PERMISSIONS') || define('NOT_CHECK_PERMISSIONS', true);
defined('NO_AGENT_CHECK') || define('NO_AGENT_CHECK', true);
defined('NO_AGENT_STATISTIC') || define('NO_AGENT_STATISTIC', true);
defined('STOP_STATISTICS') || define('STOP_STATISTICS', true);
defined('BX_NO_ACCELERATOR_RESET') || define('BX_NO_ACCELERATOR_RESET', true);
require $boot;

if (!$realSite) {
    // The kernel's site and database persist between runs: start from a site without the
    // module, as a fresh Bitrix site would be (the module's own uninstall, then leftovers).
    if (\Bitrix\Main\ModuleManager::isModuleInstalled('conduit.integration')) {
        \CModule::CreateModuleObject('conduit.integration')->DoUninstall(false);
    }
    $connection = \Bitrix\Main\Application::getConnection();
    foreach (['jobs', 'job_groups', 'request_log', 'schema_version'] as $table) {
        $connection->queryExecute('DROP TABLE IF EXISTS b_conduit_' . $table);
    }
    \Bitrix\Main\Config\Option::delete('conduit.integration');
}

define('CONDUIT_TEST_REAL_SITE', $realSite);
define('CONDUIT_TEST_ROOT', $root);
define('CONDUIT_TEST_REPO', $repo);
// On a real site where the module was installed before the suite, the tests that would
// delete its data (uninstall without keeping data) are skipped unless explicitly allowed.
define('CONDUIT_TEST_PREINSTALLED', \Bitrix\Main\ModuleManager::isModuleInstalled('conduit.integration'));

require_once $repo . '/tests/php/Support/MockApi.php';
require_once __DIR__ . '/Support/ModuleTestCase.php';
require_once __DIR__ . '/Support/WebRequest.php';

// What Bitrix does when it lists modules: loads install/index.php (whose autoloader serves
// the module's lib/ before the module is registered).
\CModule::CreateModuleObject('conduit.integration');
