<?php
/** The admin frame: head with the admin styles, the top panel (user, logout), the module menu, the title. */
global $APPLICATION, $USER, $adminMenu, $adminChain, $adminPage;
if (!defined('BX_ADMIN_FRAME_SHOWN')) define('BX_ADMIN_FRAME_SHOWN', true);
if (!is_object($adminMenu)) { require_once dirname(__DIR__) . '/interface/init_admin.php'; $adminMenu = new CAdminMenu(); $adminChain = new CAdminMainChain(); }
if (!headers_sent()) header('Content-Type: text/html; charset=UTF-8');
$adminMenu->Init(array_keys(\Bitrix\Main\ModuleManager::getInstalledModules()));
$__title = htmlspecialcharsbx($APPLICATION->GetTitle(false, true));
?><!DOCTYPE html>
<html lang="<?= htmlspecialcharsbx(LANGUAGE_ID) ?>">
<head>
<meta charset="UTF-8">
<title><?= $__title ?></title>
<style><?php readfile(dirname(__DIR__) . '/interface/admin.css'); ?></style>
<?php $APPLICATION->ShowHead(); ?>
</head>
<body class="adm-workarea" id="bx-admin-prefix">
<div class="adm-header" id="bx-panel">
  <span class="adm-header-title">Bitrix test kernel</span>
  <?php if (is_object($USER) && $USER->IsAuthorized()): ?>
  <span class="adm-header-user" id="bx-panel-user"><?= htmlspecialcharsbx($USER->GetLogin()) ?></span>
  <a class="adm-header-exit" id="bx-panel-logout" href="<?= htmlspecialcharsbx($APPLICATION->GetCurPageParam('logout=yes&' . bitrix_sessid_get(), ['logout', 'sessid'])) ?>"><?= htmlspecialcharsbx(GetMessage('admin_lib_logout') ?: 'Logout') ?></a>
  <?php endif; ?>
</div>
<div class="adm-main-wrap">
<div class="adm-left-side" id="menu"><?php $adminMenu->Show(); ?></div>
<div class="adm-workarea-page" id="adm-workarea">
<?php if (is_object($adminChain)) $adminChain->Show(); ?>
<h1 class="adm-title" id="adm-title"><?= $__title ?></h1>
<?php unset($__title);
