<?php
/**
 * CLI boot of the Bitrix test kernel: sets up the site if needed, sets DOCUMENT_ROOT, defines the usual
 * constants (LANGUAGE_ID 'ru' unless defined before or $CONDUIT_KERNEL_LANG), loads Bitrix\Main,
 * connects the database and sets $DB, $APPLICATION, $USER — the same path as
 * bitrix/modules/main/include/prolog_before.php.
 */
require_once __DIR__ . '/setup-site.php';
$_SERVER['DOCUMENT_ROOT'] = conduit_kernel_setup_site();
$_SERVER['REQUEST_METHOD'] = $_SERVER['REQUEST_METHOD'] ?? 'GET';
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
\Bitrix\Main\Application::getConnection()->connect();
