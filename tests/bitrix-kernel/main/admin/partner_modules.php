<?php
/**
 * /bitrix/admin/partner_modules.php: the list of partner modules on disk (ids with a dot) with install and
 * uninstall, as the kernel's page runs them: ?id=<module>&install=Y (or uninstall=Y) with a valid sessid →
 * CModule::CreateModuleObject($id)->DoInstall() / DoUninstall(); false → the error and $APPLICATION->GetException();
 * otherwise a redirect to ?mod=<id>&result=OK|DELOK. Multi-step installs show their steps with IncludeAdminFile.
 * @global CMain $APPLICATION
 * @global CUser $USER
 */
require_once dirname(__DIR__) . '/include/prolog_admin_before.php';
global $APPLICATION, $USER, $DB;

if (!$USER->CanDoOperation('view_other_settings')) $APPLICATION->AuthForm(GetMessage('ACCESS_DENIED'));
$isAdmin = $USER->CanDoOperation('edit_other_settings');
$id = isset($_REQUEST['id']) && is_string($_REQUEST['id']) ? str_replace(['\\', '/'], '', $_REQUEST['id']) : '';
$errorMessage = '';
$errorMessageFull = '';

if ((!empty($_REQUEST['uninstall']) || !empty($_REQUEST['install'])) && $isAdmin && check_bitrix_sessid()) {
    if ($Module = CModule::CreateModuleObject($id)) {
        if ($Module->IsInstalled() && !empty($_REQUEST['uninstall'])) {
            CEventLog::Log('INFO', 'MP_MODULE_UNINSTALLED', 'main', $id);
            if ($Module->DoUninstall() !== false) {
                LocalRedirect($APPLICATION->GetCurPage() . '?lang=' . LANGUAGE_ID . '&mod=' . $id . '&result=DELOK');
            } else {
                $errorMessage = str_replace('#CODE#', $id, GetMessage('MOD_UNINSTALL_ERROR') ?: 'Error uninstalling module #CODE#');
                if ($e = $APPLICATION->GetException()) $errorMessageFull = $e->GetString();
            }
        } elseif (!$Module->IsInstalled() && !empty($_REQUEST['install'])) {
            CEventLog::Log('INFO', 'MP_MODULE_INSTALLED', 'main', $id);
            if ($Module->DoInstall() !== false) {
                LocalRedirect($APPLICATION->GetCurPage() . '?lang=' . LANGUAGE_ID . '&mod=' . $id . '&result=OK');
            } else {
                $errorMessage = str_replace('#CODE#', $id, GetMessage('MOD_INSTALL_ERROR') ?: 'Error installing module #CODE#');
                if ($e = $APPLICATION->GetException()) $errorMessageFull = $e->GetString();
            }
        }
    }
}

$lAdmin = new CAdminList('upd_partner_modules_all');
$lAdmin->AddHeaders([
    ['id' => 'NAME', 'content' => GetMessage('MOD_NAME') ?: 'Module', 'default' => true],
    ['id' => 'ID', 'content' => 'ID', 'default' => true],
    ['id' => 'VERSION', 'content' => GetMessage('MOD_VERSION') ?: 'Version', 'default' => true],
    ['id' => 'STATUS', 'content' => GetMessage('MOD_SETUP') ?: 'Status', 'default' => true],
]);
foreach (\Bitrix\Main\ModuleManager::getModulesFromDisk(true, true, false) as $mid => $info) {
    $m = CModule::CreateModuleObject($mid);
    if (!$m) continue;
    $installed = $m->IsInstalled();
    $row = $lAdmin->AddRow($mid, ['ID' => $mid]);
    $row->AddField('NAME', '<b>' . htmlspecialcharsbx($m->MODULE_NAME) . '</b><br>' . htmlspecialcharsbx($m->MODULE_DESCRIPTION));
    $row->AddField('VERSION', htmlspecialcharsbx($m->MODULE_VERSION));
    $row->AddField('STATUS', $installed ? (GetMessage('MOD_INSTALLED') ?: 'Installed') : (GetMessage('MOD_NOT_INSTALLED') ?: 'Not installed'), false, false);
    $url = $APPLICATION->GetCurPage() . '?lang=' . LANGUAGE_ID . '&id=' . urlencode($mid) . '&' . bitrix_sessid_get() . ($installed ? '&uninstall=Y' : '&install=Y');
    if ($isAdmin) $row->AddActions([['TEXT' => $installed ? (GetMessage('MOD_DELETE') ?: 'Uninstall') : (GetMessage('MOD_INSTALL_BUTTON') ?: 'Install'), 'LINK' => $url, 'DEFAULT' => true]]);
}

$APPLICATION->SetTitle(GetMessage('TITLE') ?: 'Installed solutions');
require $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/prolog_admin_after.php';
if ($errorMessage !== '') CAdminMessage::ShowMessage(['MESSAGE' => $errorMessage, 'DETAILS' => $errorMessageFull, 'HTML' => true, 'TYPE' => 'ERROR']);
if (($_REQUEST['result'] ?? '') === 'OK') CAdminMessage::ShowNote(GetMessage('MOD_SMS_INSTALLED') ?: 'The module has been installed');
if (($_REQUEST['result'] ?? '') === 'DELOK') CAdminMessage::ShowNote(GetMessage('MOD_SMS_DELETED') ?: 'The module has been uninstalled');
$lAdmin->DisplayList();
require $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/epilog_admin.php';
