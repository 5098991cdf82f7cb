<?php
/**
 * Admin pages: boots the kernel with ADMIN_SECTION, loads interface/admin_lib.php (as init_admin.php does),
 * creates $adminPage, $adminMenu, $adminChain, and shows the login form to a visitor who is not logged in
 * (unless NOT_CHECK_PERMISSIONS is defined as true).
 */
defined('ADMIN_SECTION') || define('ADMIN_SECTION', true);
require_once __DIR__ . '/prolog_before.php';
require_once dirname(__DIR__) . '/interface/init_admin.php';

global $adminPage, $adminMenu, $adminChain, $USER, $APPLICATION;
$adminPage = new CAdminPage();
$adminMenu = new CAdminMenu();
$adminChain = new CAdminMainChain('main_navchain');

if ((!defined('NOT_CHECK_PERMISSIONS') || NOT_CHECK_PERMISSIONS !== true) && (!is_object($USER) || !$USER->IsAuthorized())) {
    $APPLICATION->AuthForm('');
}
