<?php
/**
 * Bitrix test kernel: core boot shared by tests/bitrix-kernel/boot.php (CLI) and
 * include/prolog_before.php (web and CLI). Sets constants, autoload, tools, the session,
 * $DB, $APPLICATION, $USER, and handles the login form / logout.
 */
if (defined('BX_KERNEL_CORE_LOADED')) return;
define('BX_KERNEL_CORE_LOADED', true);

if (empty($_SERVER['DOCUMENT_ROOT'])) {
    $_SERVER['DOCUMENT_ROOT'] = getenv('CONDUIT_KERNEL_ROOT') ?: dirname(__DIR__, 3) . '/target/bitrix-site';
}
$_SERVER['DOCUMENT_ROOT'] = rtrim($_SERVER['DOCUMENT_ROOT'], '/');

defined('BX_ROOT') || define('BX_ROOT', '/bitrix');
defined('B_PROLOG_INCLUDED') || define('B_PROLOG_INCLUDED', true);
defined('SM_VERSION') || define('SM_VERSION', '25.550.100');
defined('SM_VERSION_DATE') || define('SM_VERSION_DATE', '2025-06-01 00:00:00');
defined('BX_UTF') || define('BX_UTF', true);
defined('SITE_ID') || define('SITE_ID', getenv('CONDUIT_KERNEL_SITE') ?: 's1');
if (!defined('LANGUAGE_ID') && defined('ADMIN_SECTION') && ADMIN_SECTION === true && isset($_REQUEST['lang']) && in_array($_REQUEST['lang'], ['ru', 'en'], true)) {
    define('LANGUAGE_ID', $_REQUEST['lang']);
}
defined('LANGUAGE_ID') || define('LANGUAGE_ID', getenv('CONDUIT_KERNEL_LANG') ?: 'ru');
defined('LANG') || define('LANG', (defined('ADMIN_SECTION') && ADMIN_SECTION === true) ? LANGUAGE_ID : SITE_ID);
defined('SITE_DIR') || define('SITE_DIR', '/');
defined('SITE_SERVER_NAME') || define('SITE_SERVER_NAME', '');
defined('SITE_CHARSET') || define('SITE_CHARSET', 'UTF-8');
defined('LANG_CHARSET') || define('LANG_CHARSET', 'UTF-8');
defined('SITE_TEMPLATE_ID') || define('SITE_TEMPLATE_ID', '.default');
defined('FORMAT_DATE') || define('FORMAT_DATE', 'DD.MM.YYYY');
defined('FORMAT_DATETIME') || define('FORMAT_DATETIME', 'DD.MM.YYYY HH:MI:SS');
defined('CACHED_b_agent') || define('CACHED_b_agent', false);
defined('BX_FILE_PERMISSIONS') || define('BX_FILE_PERMISSIONS', 0644);
defined('BX_DIR_PERMISSIONS') || define('BX_DIR_PERMISSIONS', 0755);
defined('MODULE_NOT_FOUND') || define('MODULE_NOT_FOUND', 0);
defined('MODULE_INSTALLED') || define('MODULE_INSTALLED', 1);
defined('BX_SEARCH_ADMIN') || define('BX_SEARCH_ADMIN', false);

require_once __DIR__ . '/lib/loader.php';
\Bitrix\Main\Loader::registerKernelAutoload();
require_once __DIR__ . '/tools.php';
FormDecode();

foreach (['/bitrix/php_interface/dbconn.php', '/local/php_interface/dbconn.php'] as $__f) {
    if (is_file($_SERVER['DOCUMENT_ROOT'] . $__f)) include_once $_SERVER['DOCUMENT_ROOT'] . $__f;
}

// session: a real one on the web, a plain array in CLI (bitrix_sessid() is then md5(uniq id + ''))
if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_NONE && !headers_sent()) {
    session_name('PHPSESSID');
    session_start();
}
if (!isset($_SESSION) || !is_array($_SESSION)) $_SESSION = [];

global $DB, $DBType, $APPLICATION, $USER, $MESS;
$DBType = 'mysql';
$DB = new CDatabase();
// connect now, as the kernel's boot does: no database → 500 "Error connecting to database" (or
// bitrix/php_interface/dbconn_error.php) and stop; in CLI the exit code is 1 (the kernel's die() gives 0)
try {
    \Bitrix\Main\Application::getConnection()->connect();
} catch (\Bitrix\Main\DB\ConnectionException $e) {
    CDatabase::showConnectionError();
    if (PHP_SAPI === 'cli') { fwrite(STDERR, $e->getMessage() . "\n"); exit(1); }
    die();
}
$APPLICATION = new CMain();

\Bitrix\Main\Localization\Loc::loadMessages(__FILE__);

if (!defined('NOT_NEED_USER') || NOT_NEED_USER !== true) {
    $USER = new CUser();
    $__req = \Bitrix\Main\Context::getCurrent()->getRequest();
    if ($__req->isPost() && $__req->getPost('AUTH_FORM') === 'Y' && $__req->getPost('TYPE') === 'AUTH') {
        $USER->Login((string)$__req->getPost('USER_LOGIN'), (string)$__req->getPost('USER_PASSWORD'));
    } elseif ($__req->getQuery('logout') === 'yes' && $USER->IsAuthorized() && check_bitrix_sessid()) {
        $USER->Logout();
    }
    unset($__req);
}

foreach (['/bitrix/php_interface/init.php', '/local/php_interface/init.php'] as $__f) {
    if (is_file($_SERVER['DOCUMENT_ROOT'] . $__f)) include_once $_SERVER['DOCUMENT_ROOT'] . $__f;
}
unset($__f);
foreach (GetModuleEvents('main', 'OnPageStart', true) as $__e) ExecuteModuleEventEx($__e);
foreach (GetModuleEvents('main', 'OnBeforeProlog', true) as $__e) ExecuteModuleEventEx($__e);
unset($__e);
