<?php
/**
 * The standard module rights tab, required by a module's options.php inside a CAdminTabControl tab
 * (expects $module_id). Rows: "default" (option GROUP_DEFAULT_RIGHT) and one per group with a right;
 * fields GROUPS[] / RIGHTS[]; saved on POST with Update (or Apply) when the right is W and sessid is valid.
 * @global CMain $APPLICATION
 */
global $APPLICATION, $USER;
$module_id = $module_id ?? ($GLOBALS['module_id'] ?? '');
$MODULE_RIGHT = $APPLICATION->GetGroupRight($module_id);
$md = CModule::CreateModuleObject($module_id);
$ar = $md && method_exists($md, 'GetModuleRightList') ? $md->GetModuleRightList() : ['reference_id' => ['D', 'R', 'W'], 'reference' => ['[D]', '[R]', '[W]']];
$ref = $ar['reference'] ?? $ar['REFERENCE'] ?? [];
$refId = $ar['reference_id'] ?? $ar['REFERENCE_ID'] ?? [];

$__conn = \Bitrix\Main\Application::getConnection();
$arGROUPS = [];
$__r = $__conn->query("SELECT ID, NAME FROM b_group WHERE ACTIVE = 'Y'" . (($md && $md->SHOW_SUPER_ADMIN_GROUP_RIGHTS === 'Y') ? '' : ' AND ID <> 1') . ' ORDER BY C_SORT, ID');
while ($__g = $__r->fetchRaw()) $arGROUPS[] = ['ID' => (int)$__g['ID'], 'NAME' => htmlspecialcharsbx($__g['NAME'])];

$__request = \Bitrix\Main\Context::getCurrent()->getRequest();
$__update = $__request->getPost('Update') ?? $__request->getPost('Apply') ?? ($Update ?? ($Apply ?? ''));
if ($__request->isPost() && (string)$__update !== '' && $MODULE_RIGHT === 'W' && check_bitrix_sessid()) {
    COption::RemoveOption($module_id, 'GROUP_DEFAULT_RIGHT');
    $APPLICATION->DelGroupRight($module_id, [], false);
    $__groups = (array)($__request->getPost('GROUPS') ?? []);
    $__rights = (array)($__request->getPost('RIGHTS') ?? []);
    foreach ($__groups as $__i => $__gid) {
        $__right = (string)($__rights[$__i] ?? '');
        if ($__right === '' || !in_array($__right, $refId, true)) continue;
        if ((int)$__gid === 0) COption::SetOptionString($module_id, 'GROUP_DEFAULT_RIGHT', $__right, 'Right for groups by default');
        else $APPLICATION->SetGroupRight($module_id, (int)$__gid, $__right, false);
    }
}

if ($MODULE_RIGHT !== 'D'):
    $__select = function ($value, $useDefault) use ($ref, $refId) {
        $s = '<select class="typeselect" name="RIGHTS[]">' . ($useDefault ? '<option value="">' . htmlspecialcharsbx(GetMessage('MAIN_DEFAULT') ?: '<default>') . '</option>' : '');
        foreach ($ref as $i => $label) {
            $v = (string)($refId[$i] ?? '');
            $s .= '<option value="' . htmlspecialcharsbx($v) . '"' . (strcasecmp($v, (string)$value) === 0 ? ' selected' : '') . '>' . htmlspecialcharsbx($label) . '</option>';
        }
        return $s . '</select>';
    };
    $__default = COption::GetOptionString($module_id, 'GROUP_DEFAULT_RIGHT', 'D');
    echo '<tr><td width="40%">' . bitrix_sessid_post() . '<b>' . (GetMessage('MAIN_BY_DEFAULT') ?: 'Default:') . '</b></td><td width="60%"><input type="hidden" name="GROUPS[]" value="0">' . $__select($__default, false) . '</td></tr>';
    foreach ($arGROUPS as $__g) {
        $__v = (string)$__conn->queryScalar("SELECT G_ACCESS FROM b_module_group WHERE MODULE_ID = '" . $__conn->getSqlHelper()->forSql($module_id) . "' AND GROUP_ID = " . $__g['ID'] . ' AND SITE_ID IS NULL');
        echo '<tr><td width="40%">' . $__g['NAME'] . ' [' . $__g['ID'] . ']:</td><td width="60%"><input type="hidden" name="GROUPS[]" value="' . $__g['ID'] . '">' . $__select($__v, true) . '</td></tr>';
    }
endif;
unset($__conn, $__r, $__g, $__request, $__update, $__groups, $__rights, $__i, $__gid, $__right, $__select, $__default, $__v);
