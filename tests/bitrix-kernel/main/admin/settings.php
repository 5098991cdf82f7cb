<?php
/**
 * /bitrix/admin/settings.php?mid=<module>: includes the module's options.php when the module has
 * install/index.php and options.php and the user's right on it is >= R, as the kernel's page does.
 * Defines __AdmSettingsDrawList / __AdmSettingsDrawRow / __AdmSettingsSaveOptions / __AdmSettingsSaveOption.
 * @global CMain $APPLICATION
 * @global CUser $USER
 */
require_once dirname(__DIR__) . '/include/prolog_admin_before.php';
global $APPLICATION, $USER, $adminPage;

if (!$USER->CanDoOperation('view_other_settings') && !$USER->CanDoOperation('edit_other_settings')) {
    $APPLICATION->AuthForm(GetMessage('ACCESS_DENIED'));
}
if (!isset($_REQUEST['back_url_settings']) || !is_string($_REQUEST['back_url_settings']) || strncmp($_REQUEST['back_url_settings'], '/', 1) !== 0 || strncmp($_REQUEST['back_url_settings'], '//', 2) === 0) {
    $_REQUEST['back_url_settings'] = '';
}

$arModules = [];
$adminPage->Init();
foreach ($adminPage->aModules as $module) {
    if ($module === 'main' || $APPLICATION->GetGroupRight($module) < 'R') continue;
    $ifile = getLocalPath('modules/' . $module . '/install/index.php');
    $ofile = getLocalPath('modules/' . $module . '/options.php');
    if ($ifile !== false && $ofile !== false) {
        $info = CModule::CreateModuleObject($module);
        $arModules[$module] = ['PAGE' => $_SERVER['DOCUMENT_ROOT'] . $ofile, 'NAME' => $info ? $info->MODULE_NAME : $module, 'SORT' => $info ? $info->MODULE_SORT : 10000];
    }
}
uasort($arModules, fn($a, $b) => [$a['SORT'], $a['NAME']] <=> [$b['SORT'], $b['NAME']]);

$mid = $_REQUEST['mid'] ?? '';
if (!is_string($mid) || !isset($arModules[$mid]) || !file_exists($arModules[$mid]['PAGE'])) $mid = '';

$strModuleSettingsTabs = '';
if ($mid !== '') {
    ob_start();
    include $arModules[$mid]['PAGE'];
    $strModuleSettingsTabs = ob_get_clean();
}

$APPLICATION->SetTitle(GetMessage('MAIN_TITLE') ?: 'Module settings');
require_once $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/prolog_admin_after.php';
?>
<form action="">
<select name="mid" onchange="window.location='settings.php?lang=<?= LANGUAGE_ID ?>&amp;mid='+this[this.selectedIndex].value;">
<option value=""<?= $mid === '' ? ' selected' : '' ?>>&mdash;</option>
<?php foreach ($arModules as $k => $m): ?>
	<option value="<?= htmlspecialcharsbx($k) ?>"<?= $mid === $k ? ' selected' : '' ?>><?= htmlspecialcharsbx($m['NAME']) ?></option>
<?php endforeach; ?>
</select>
</form>
<br />
<?php
echo $strModuleSettingsTabs;
require $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/epilog_admin.php';

function __AdmSettingsSaveOptions($module_id, $arOptions)
{
    foreach ($arOptions as $arOption) __AdmSettingsSaveOption($module_id, $arOption);
}

/** Saves one option row [name, label, default, [type, ...]] from $_REQUEST (checkbox → Y/N, password kept when empty). */
function __AdmSettingsSaveOption($module_id, $arOption)
{
    if (!is_array($arOption) || isset($arOption['note'])) return false;
    $type = $arOption[3][0] ?? '';
    if ($type === 'statictext' || $type === 'statichtml') return false;
    $name = $arOption[0];
    if (!isset($_REQUEST[$name]) && $type !== 'checkbox' && $type !== 'multiselectbox') return false;
    $val = $_REQUEST[$name] ?? null;
    if ($type === 'checkbox' && $val !== 'Y') $val = 'N';
    elseif ($type === 'multiselectbox' && is_array($val)) $val = implode(',', $val);
    elseif ($type === 'password') {
        if (($_REQUEST[$name . '_delete'] ?? '') === 'Y') $val = '';
        elseif ($val == '') return false;
    } elseif ($val === null) $val = '';
    elseif (!is_scalar($val)) return false;
    COption::SetOptionString($module_id, $name, $val, $arOption[1]);
    return null;
}

function __AdmSettingsDrawRow($module_id, $Option)
{
    if ($Option === null) return;
    if (!is_array($Option)) {
        echo '<tr class="heading"><td colspan="2">' . $Option . '</td></tr>';
        return;
    }
    if (isset($Option['note'])) {
        echo '<tr><td colspan="2" align="center">' . BeginNote('align="center"') . $Option['note'] . EndNote() . '</td></tr>';
        return;
    }
    $val = $Option[0] != '' ? COption::GetOptionString($module_id, $Option[0], $Option[2]) : $Option[2];
    $type = $Option[3];
    $name = htmlspecialcharsbx($Option[0]);
    $disabled = !empty($Option[4]) && $Option[4] === 'Y' ? ' disabled' : '';
    $sup = isset($Option[5]) && $Option[5] !== '' ? '<span class="required"><sup>' . $Option[5] . '</sup></span>' : '';
    echo '<tr><td width="50%" class="adm-detail-content-cell-l' . ($type[0] === 'textarea' || $type[0] === 'multiselectbox' ? ' adm-detail-valign-top' : '') . '">';
    echo $type[0] === 'checkbox' ? '<label for="' . $name . '">' . $Option[1] . '</label>' : $Option[1];
    echo $sup . '</td><td width="50%" class="adm-detail-content-cell-r">';
    switch ($type[0]) {
        case 'checkbox':
            echo '<input type="checkbox" id="' . $name . '" name="' . $name . '" value="Y"' . ($val === 'Y' ? ' checked' : '') . $disabled . (isset($type[2]) ? ' ' . $type[2] : '') . '>';
            break;
        case 'text':
            echo '<input type="text" size="' . (int)($type[1] ?? 30) . '" maxlength="255" value="' . htmlspecialcharsbx($val) . '" name="' . $name . '"' . $disabled . '>';
            break;
        case 'password':
            echo '<input type="password" size="' . (int)($type[1] ?? 30) . '" maxlength="255" value="" name="' . $name . '" autocomplete="new-password"' . $disabled . '>';
            if ($val !== '') echo ' <label><input type="checkbox" name="' . $name . '_delete" value="Y"> ' . (GetMessage('MAIN_ADMIN_SET_DELETE') ?: 'delete') . '</label>';
            break;
        case 'selectbox':
            echo '<select name="' . $name . '"' . $disabled . '>';
            foreach ((array)($type[1] ?? []) as $k => $v) echo '<option value="' . htmlspecialcharsbx($k) . '"' . ((string)$val === (string)$k ? ' selected' : '') . '>' . htmlspecialcharsbx($v) . '</option>';
            echo '</select>';
            break;
        case 'multiselectbox':
            $vals = explode(',', (string)$val);
            echo '<select size="5" multiple name="' . $name . '[]"' . $disabled . '>';
            foreach ((array)($type[1] ?? []) as $k => $v) echo '<option value="' . htmlspecialcharsbx($k) . '"' . (in_array((string)$k, $vals, true) ? ' selected' : '') . '>' . htmlspecialcharsbx($v) . '</option>';
            echo '</select>';
            break;
        case 'textarea':
            echo '<textarea rows="' . (int)($type[1] ?? 3) . '" cols="' . (int)($type[2] ?? 40) . '" name="' . $name . '"' . $disabled . '>' . htmlspecialcharsbx($val) . '</textarea>';
            break;
        case 'statictext':
            echo htmlspecialcharsbx($val);
            break;
        case 'statichtml':
            echo $val;
            break;
    }
    echo '</td></tr>';
}

function __AdmSettingsDrawList($module_id, $arParams)
{
    foreach ($arParams as $Option) __AdmSettingsDrawRow($module_id, $Option);
}
