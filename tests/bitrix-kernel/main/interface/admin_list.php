<?php
/**
 * Admin list (the legacy CAdminList): headers, rows with fields and actions, group actions, sorting,
 * navigation, context menu, and DisplayList() rendering a plain HTML table (adm-list-table markup).
 * Values added with AddField(..., $isHtml = true) are output as HTML, as in the kernel: escape them.
 */
class CAdminList
{
    public $table_id;
    public $sort;
    public $aHeaders = [];
    public $aVisibleHeaders = [];
    public $aRows = [];
    public $aHeader = [];
    public $arActions = [];
    public $arActionsParams = [];
    public $aFooter = [];
    public $sNavText = '';
    public $arFilterErrors = [];
    public $arUpdateErrors = [];
    public $arGroupErrors = [];
    public $arUpdateErrorIDs = [];
    public $arGroupErrorIDs = [];
    public $context = null;
    public $bEditMode = false;
    public $bMultipart = false;
    public $bCanBeEdited = false;
    public $bCanBeDeleted = false;
    public $onLoadScript = '';
    protected $nav;
    protected $navTitle = '';

    public function __construct($table_id, $sort = false)
    {
        $this->table_id = preg_replace('/[^a-z0-9_]/i', '', $table_id);
        $this->sort = $sort;
    }

    /** [['id', 'content', 'sort', 'default' => bool, 'align', 'title'], ...] */
    public function AddHeaders($aParams)
    {
        foreach ($aParams as $p) {
            $this->aHeaders[$p['id']] = $p;
            if (!empty($p['default'])) $this->aVisibleHeaders[$p['id']] = $p;
        }
        if (!$this->aVisibleHeaders) $this->aVisibleHeaders = $this->aHeaders;
    }
    public function GetVisibleHeaderColumns() { return array_keys($this->aVisibleHeaders); }

    public function &AddRow($id = false, $arRes = [], $link = false, $title = false)
    {
        $row = new CAdminListRow($this->aHeaders, $this->table_id);
        $row->id = $id;
        $row->arRes = $arRes;
        $row->link = $link;
        $row->title = $title;
        $row->pList = $this;
        $this->aRows[] = $row;
        return $row;
    }
    public function AddFooter($aFooter) { $this->aFooter = $aFooter; }
    public function AddGroupActionTable($arActions, $arParams = []) { $this->arActions = $arActions; $this->arActionsParams = $arParams; }
    public function AddAdminContextMenu($aContext = [], $bShowExcel = true, $bShowSettings = true)
    {
        if ($bShowExcel) $aContext[] = ['TEXT' => 'Excel', 'LINK' => $GLOBALS['APPLICATION']->GetCurPageParam('mode=excel', ['mode']), 'TITLE' => 'Excel'];
        $this->context = new CAdminContextMenu($aContext);
    }
    public function NavText($sNavText) { $this->sNavText = $sNavText; }
    public function setNavigation(\Bitrix\Main\UI\PageNavigation $nav, $title, $showAllways = true, $post = false)
    {
        $this->nav = $nav;
        $this->navTitle = $title;
    }

    /** true when the inline-edit form was submitted (save + FIELDS + a valid sessid) */
    public function EditAction()
    {
        return isset($_REQUEST['save']) && isset($_REQUEST['FIELDS']) && is_array($_REQUEST['FIELDS']) && check_bitrix_sessid();
    }
    /** IDs of the group action (ID[] from the request), or false; action from action_button or action. */
    public function GroupAction()
    {
        if (!empty($_REQUEST['action_button'])) $_REQUEST['action'] = $_REQUEST['action_button'];
        if (empty($_REQUEST['action']) || !check_bitrix_sessid()) return false;
        if (isset($_REQUEST['action_target']) && $_REQUEST['action_target'] === 'selected') return [''];
        $ids = $_REQUEST['ID'] ?? [];
        if (!is_array($ids)) $ids = [$ids];
        return array_values(array_filter($ids, fn($x) => is_scalar($x) && $x !== ''));
    }
    public function GetAction() { return $_REQUEST['action_button'] ?? ($_REQUEST['action'] ?? null); }
    public function IsUpdated($ID) { return isset($_REQUEST['FIELDS'][$ID]); }
    public function InitFilter($arFilterFields)
    {
        $sessKey = 'SESS_FILTER_' . $this->table_id;
        if (isset($_REQUEST['del_filter']) && $_REQUEST['del_filter'] !== '') { unset($_SESSION[$sessKey]); foreach ($arFilterFields as $f) $GLOBALS[$f] = null; return; }
        foreach ($arFilterFields as $f) {
            if (isset($_REQUEST['set_filter']) || array_key_exists($f, $_REQUEST)) $GLOBALS[$f] = $_REQUEST[$f] ?? null;
            elseif (isset($_SESSION[$sessKey][$f])) $GLOBALS[$f] = $_SESSION[$sessKey][$f];
            else $GLOBALS[$f] = $GLOBALS[$f] ?? null;
            $_SESSION[$sessKey][$f] = $GLOBALS[$f];
        }
    }
    public function IsDefaultFilter() { return !isset($_REQUEST['set_filter']); }
    public function AddUpdateError($strError, $id = false) { $this->arUpdateErrors[] = [$strError, $id]; $this->arUpdateErrorIDs[] = $id; }
    public function AddGroupError($strError, $id = false) { $this->arGroupErrors[] = [$strError, $id]; $this->arGroupErrorIDs[] = $id; }
    public function AddFilterError($strError) { $this->arFilterErrors[] = $strError; }

    public function ActionRedirect($url = '') { return "window.location='" . addslashes($url) . "';"; }
    public function ActionAjaxReload($url) { return $this->ActionRedirect($url); }
    public function ActionPost($url = false, $action_name = false, $action_value = 'Y')
    {
        return "var f=document.forms['form_" . $this->table_id . "'];" . ($action_name ? "var i=document.createElement('input');i.type='hidden';i.name='" . addslashes($action_name) . "';i.value='" . addslashes($action_value) . "';f.appendChild(i);" : '')
            . ($url ? "f.action='" . addslashes($url) . "';" : '') . 'f.submit();';
    }
    public function ActionDoGroup($id, $action_id, $add_params = '')
    {
        global $APPLICATION;
        $url = $APPLICATION->GetCurPage() . '?ID=' . urlencode($id) . '&action_button=' . urlencode($action_id) . '&lang=' . LANGUAGE_ID . '&' . bitrix_sessid_get() . ($add_params !== '' ? '&' . $add_params : '');
        return $this->ActionRedirect($url);
    }

    /** mode=list|frame: only the list, then stop; mode=excel: the list as an HTML table for Excel, then stop. */
    public function CheckListMode()
    {
        $mode = $_REQUEST['mode'] ?? '';
        if ($mode === 'list' || $mode === 'frame') {
            $GLOBALS['APPLICATION']->RestartBuffer();
            $this->DisplayList();
            die();
        }
        if ($mode === 'excel') {
            $GLOBALS['APPLICATION']->RestartBuffer();
            if (!headers_sent()) { header('Content-Type: application/vnd.ms-excel; charset=UTF-8'); header('Content-Disposition: attachment; filename=' . $this->table_id . '.xls'); }
            echo '<html><head><meta charset="UTF-8"></head><body><table border="1"><tr>';
            foreach ($this->aVisibleHeaders as $h) echo '<td>' . htmlspecialcharsbx(strip_tags((string)($h['content'] ?? ''))) . '</td>';
            echo '</tr>';
            foreach ($this->aRows as $row) {
                echo '<tr>';
                foreach ($this->aVisibleHeaders as $id => $h) echo '<td>' . $row->getViewHtml($id) . '</td>';
                echo '</tr>';
            }
            echo '</table></body></html>';
            die();
        }
    }

    public function ShowErrors()
    {
        foreach (['arFilterErrors', 'arUpdateErrors', 'arGroupErrors'] as $k) {
            foreach ($this->$k as $e) CAdminMessage::ShowMessage(is_array($e) ? $e[0] : $e);
        }
    }

    public function DisplayList($arParams = [])
    {
        global $APPLICATION;
        $tid = htmlspecialcharsbx($this->table_id);
        echo '<div class="adm-list-table-wrap" id="' . $tid . '_result_div">';
        $this->ShowErrors();
        if ($this->context) $this->context->Show();
        echo '<form method="POST" action="' . htmlspecialcharsbx($APPLICATION->GetCurPageParam('', ['mode', 'action', 'action_button', 'ID', 'sessid'])) . '" name="form_' . $tid . '" id="form_' . $tid . '"' . ($this->bMultipart ? ' enctype="multipart/form-data"' : '') . '>';
        echo bitrix_sessid_post();
        echo '<table class="adm-list-table" id="' . $tid . '"><thead><tr class="adm-list-table-header">';
        $hasActions = (bool)$this->arActions;
        if ($hasActions) echo '<td class="adm-list-table-cell adm-list-table-checkbox"><input type="checkbox" onclick="var c=this.form.querySelectorAll(\'input[name=&quot;ID[]&quot;]\');for(var i=0;i<c.length;i++)c[i].checked=this.checked;" title="all"></td>';
        echo '<td class="adm-list-table-cell adm-list-table-popup-block"></td>';
        foreach ($this->aVisibleHeaders as $id => $h) {
            $content = (string)($h['content'] ?? $id);
            $cell = !empty($h['sort']) && $this->sort instanceof CAdminSorting ? $this->sort->Show($content, $h['sort'], $h['title'] ?? false) : $content;
            echo '<td class="adm-list-table-cell"' . (!empty($h['align']) ? ' align="' . htmlspecialcharsbx($h['align']) . '"' : '') . ' data-id="' . htmlspecialcharsbx($id) . '"><div class="adm-list-table-cell-inner">' . $cell . '</div></td>';
        }
        echo '</tr></thead><tbody>';
        if (!$this->aRows) {
            echo '<tr><td colspan="' . (count($this->aVisibleHeaders) + ($hasActions ? 2 : 1)) . '" class="adm-list-table-empty">' . htmlspecialcharsbx(GetMessage('admin_lib_list_nothing') ?: '- no data -') . '</td></tr>';
        }
        foreach ($this->aRows as $row) $row->Display($this->aVisibleHeaders, $hasActions);
        echo '</tbody></table>';
        if ($this->nav instanceof \Bitrix\Main\UI\PageNavigation) echo $this->renderNav();
        elseif ($this->sNavText !== '') echo '<div class="adm-navigation">' . $this->sNavText . '</div>';
        if ($this->aFooter) {
            echo '<div class="adm-list-table-footer">';
            foreach ($this->aFooter as $f) echo '<span class="adm-table-counter">' . ($f['title'] ?? '') . ' <span>' . ($f['value'] ?? '') . '</span></span> ';
            echo '</div>';
        }
        if ($hasActions) {
            echo '<div class="adm-list-table-footer adm-list-group-actions"><select name="action" id="' . $tid . '_action"><option value="">' . htmlspecialcharsbx(GetMessage('admin_lib_list_actions') ?: 'Actions') . '</option>';
            foreach ($this->arActions as $code => $a) {
                if ($code === 'delete' && $a === true) $label = GetMessage('admin_lib_list_del') ?: 'Delete';
                elseif ($code === 'edit' && $a === true) $label = GetMessage('admin_lib_list_edit') ?: 'Edit';
                elseif (is_array($a)) $label = $a['name'] ?? ($a['lable'] ?? $code);
                else $label = (string)$a;
                if (is_array($a) && isset($a['value'])) $code = $a['value'];
                echo '<option value="' . htmlspecialcharsbx($code) . '">' . htmlspecialcharsbx(strip_tags($label)) . '</option>';
            }
            echo '</select> <input type="submit" name="apply_group" value="' . htmlspecialcharsbx(GetMessage('admin_lib_sett_apply') ?: 'Apply') . '" class="adm-btn"></div>';
        }
        echo '</form></div>';
    }

    protected function renderNav()
    {
        global $APPLICATION;
        $nav = $this->nav;
        $pages = $nav->getPageCount();
        $cur = $nav->getCurrentPage();
        $s = '<div class="adm-navigation"><span class="adm-nav-title">' . htmlspecialcharsbx($this->navTitle) . '</span> ';
        for ($i = 1; $i <= $pages; $i++) {
            $url = $APPLICATION->GetCurPageParam($nav->getId() . '=page-' . $i . '-size-' . $nav->getPageSize(), [$nav->getId(), 'mode']);
            $s .= $i === $cur ? '<span class="adm-nav-page-active adm-nav-page">' . $i . '</span> ' : '<a class="adm-nav-page" href="' . htmlspecialcharsbx($url) . '">' . $i . '</a> ';
        }
        $s .= '<span class="adm-nav-total">' . htmlspecialcharsbx(GetMessage('admin_lib_list_all') ?: 'Total:') . ' ' . (int)$nav->getRecordCount() . '</span>';
        return $s . '</div>';
    }
}

class CAdminListRow
{
    public $aHeaders = [];
    public $aHeadersID = [];
    public $aFields = [];
    public $aActions = [];
    public $table_id;
    public $id;
    public $arRes = [];
    public $link;
    public $title;
    public $pList;
    public $bReadOnly = false;
    public $aFeatures = [];

    public function __construct(&$aHeaders, $table_id)
    {
        $this->aHeaders = $aHeaders;
        $this->table_id = $table_id;
    }
    public function AddField($id, $text, $edit = false, $isHtml = true)
    {
        $this->aFields[$id] = ['view' => ['type' => $isHtml ? 'html' : 'text', 'value' => $text]];
        if ($edit !== false) $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => $edit];
    }
    public function AddViewField($id, $sHTML) { $this->aFields[$id]['view'] = ['type' => 'html', 'value' => $sHTML]; }
    public function AddEditField($id, $sHTML) { $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => $sHTML]; }
    public function AddInputField($id, $arAttributes = [])
    {
        $attrs = '';
        foreach ((array)$arAttributes as $k => $v) $attrs .= ' ' . htmlspecialcharsbx($k) . '="' . htmlspecialcharsbx($v) . '"';
        $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => '<input type="text" name="FIELDS[' . htmlspecialcharsbx($this->id) . '][' . htmlspecialcharsbx($id) . ']" value="' . htmlspecialcharsbx($this->arRes[$id] ?? '') . '"' . $attrs . '>'];
    }
    public function AddCheckField($id, $arAttributes = [])
    {
        $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => '<input type="checkbox" name="FIELDS[' . htmlspecialcharsbx($this->id) . '][' . htmlspecialcharsbx($id) . ']" value="Y"' . (($this->arRes[$id] ?? '') === 'Y' ? ' checked' : '') . '>'];
        if (!isset($this->aFields[$id]['view'])) $this->aFields[$id]['view'] = ['type' => 'text', 'value' => ($this->arRes[$id] ?? '') === 'Y' ? 'Y' : 'N'];
    }
    public function AddSelectField($id, $arValues = [], $arAttributes = [])
    {
        $s = '<select name="FIELDS[' . htmlspecialcharsbx($this->id) . '][' . htmlspecialcharsbx($id) . ']">';
        foreach ($arValues as $k => $v) $s .= '<option value="' . htmlspecialcharsbx($k) . '"' . ((string)($this->arRes[$id] ?? '') === (string)$k ? ' selected' : '') . '>' . htmlspecialcharsbx($v) . '</option>';
        $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => $s . '</select>'];
        if (!isset($this->aFields[$id]['view'])) $this->aFields[$id]['view'] = ['type' => 'text', 'value' => $arValues[$this->arRes[$id] ?? ''] ?? ''];
    }
    public function AddCalendarField($id, $arAttributes = [], $useTime = false)
    {
        $this->aFields[$id]['edit'] = ['type' => 'html', 'value' => CAdminCalendar::CalendarDate('FIELDS[' . $this->id . '][' . $id . ']', (string)($this->arRes[$id] ?? ''), 10, $useTime)];
    }
    /** [['ICON', 'TEXT', 'ACTION' (js) | 'LINK', 'DEFAULT' => true, 'TITLE'], ...] */
    public function AddActions($aActions) { $this->aActions = $aActions; }
    public function getViewHtml($id)
    {
        if (isset($this->aFields[$id]['view'])) {
            $v = $this->aFields[$id]['view'];
            return $v['type'] === 'html' ? (string)$v['value'] : htmlspecialcharsbx((string)$v['value']);
        }
        $raw = $this->arRes[$id] ?? '';
        return htmlspecialcharsbx(is_scalar($raw) ? (string)$raw : ($raw instanceof \Bitrix\Main\Type\Date ? $raw->toString() : ''));
    }
    public function Display($aVisibleHeaders = null, $hasCheckbox = false)
    {
        $aVisibleHeaders = $aVisibleHeaders ?? $this->aHeaders;
        $default = null;
        foreach ($this->aActions as $a) if (is_array($a) && !empty($a['DEFAULT'])) { $default = $a; break; }
        $dbl = $default ? (!empty($default['LINK']) ? "window.location='" . addslashes($default['LINK']) . "'" : ($default['ACTION'] ?? '')) : '';
        echo '<tr class="adm-list-table-row" data-id="' . htmlspecialcharsbx((string)$this->id) . '"' . ($dbl !== '' ? ' ondblclick="' . htmlspecialcharsbx($dbl) . '"' : '') . ($this->title ? ' title="' . htmlspecialcharsbx($this->title) . '"' : '') . '>';
        if ($hasCheckbox) echo '<td class="adm-list-table-cell adm-list-table-checkbox"><input type="checkbox" name="ID[]" value="' . htmlspecialcharsbx((string)$this->id) . '"></td>';
        echo '<td class="adm-list-table-cell adm-list-table-popup-block">';
        if ($this->aActions) {
            echo '<span class="adm-list-row-actions">';
            foreach ($this->aActions as $a) {
                if (!is_array($a) || empty($a['TEXT'])) continue;
                if (!empty($a['LINK'])) echo '<a class="adm-list-row-action" href="' . htmlspecialcharsbx($a['LINK']) . '">' . htmlspecialcharsbx($a['TEXT']) . '</a> ';
                else echo '<a class="adm-list-row-action" href="javascript:void(0)" onclick="' . htmlspecialcharsbx($a['ACTION'] ?? '') . '">' . htmlspecialcharsbx($a['TEXT']) . '</a> ';
            }
            echo '</span>';
        }
        echo '</td>';
        foreach ($aVisibleHeaders as $id => $h) {
            $html = $this->getViewHtml($id);
            if ($this->link && $default === null && $id === array_key_first($aVisibleHeaders)) $html = '<a href="' . htmlspecialcharsbx($this->link) . '">' . $html . '</a>';
            echo '<td class="adm-list-table-cell"' . (!empty($h['align']) ? ' align="' . htmlspecialcharsbx($h['align']) . '"' : '') . '>' . $html . '</td>';
        }
        echo '</tr>';
    }
}
