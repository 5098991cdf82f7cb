<?php
/**
 * Admin helpers of the kernel's interface/admin_lib.php (not autoloaded: prolog_admin_before.php requires it):
 * CAdminPage, CAdminMenu, CAdminMainChain, CAdminMessage, CAdminSorting, CAdminResult, CAdminContextMenu, CAdminCalendar.
 */

class CAdminPage
{
    public $aModules = [];
    public function Init()
    {
        $this->aModules = array_keys(\Bitrix\Main\ModuleManager::getInstalledModules());
    }
    public function ShowCSS() { return ''; }
    public function ShowScript() { return ''; }
    public function getSSLPath() { return ''; }
}

class CAdminMenu
{
    public $aGlobalMenu = [];
    public $aActiveSections = [];

    public static function defaultGlobalMenu()
    {
        $m = [];
        foreach (['desktop' => 50, 'content' => 100, 'landing' => 130, 'marketing' => 150, 'store' => 200, 'services' => 300, 'statistics' => 400, 'marketplace' => 450, 'settings' => 500] as $k => $sort) {
            $m['global_menu_' . $k] = ['menu_id' => $k, 'text' => GetMessage('global_menu_' . $k) ?: ucfirst($k), 'title' => GetMessage('global_menu_' . $k) ?: ucfirst($k), 'sort' => $sort, 'items_id' => 'global_menu_' . $k, 'items' => []];
        }
        return $m;
    }

    /** $aMenu = include menu.php (return $aMenu; false = no menu); the legacy $aModuleMenuLinks is also read. */
    public function _IncludeMenu($fname)
    {
        global $APPLICATION, $USER, $DB, $MESS;
        $aModuleMenuLinks = [];
        $menu = include $fname;
        if (is_array($menu) && $menu) return isset($menu['parent_menu']) ? [$menu] : array_values($menu);
        if ($aModuleMenuLinks) return array_values($aModuleMenuLinks);
        return [];
    }

    public function Init($modules)
    {
        $aGlobalMenu = self::defaultGlobalMenu();
        $aModuleMenu = [];
        foreach ((array)$modules as $module) {
            $f = getLocalPath('modules/' . $module . '/admin/menu.php');
            if ($f === false) continue;
            foreach ($this->_IncludeMenu($_SERVER['DOCUMENT_ROOT'] . $f) as $section) if (is_array($section)) $aModuleMenu[] = $section;
        }
        foreach (GetModuleEvents('main', 'OnBuildGlobalMenu', true) as $arEvent) {
            $res = ExecuteModuleEventEx($arEvent, [&$aGlobalMenu, &$aModuleMenu]);
            if (is_array($res)) $aGlobalMenu = array_merge($aGlobalMenu, $res);
        }
        foreach ($aModuleMenu as $section) {
            $parent = $section['parent_menu'] ?? 'global_menu_services';
            if (!isset($aGlobalMenu[$parent])) continue;
            $aGlobalMenu[$parent]['items'][] = $section;
        }
        foreach ($aGlobalMenu as $k => $g) {
            if (empty($g['items'])) { unset($aGlobalMenu[$k]); continue; }
            usort($aGlobalMenu[$k]['items'], fn($a, $b) => ($a['sort'] ?? 100) <=> ($b['sort'] ?? 100));
        }
        uasort($aGlobalMenu, fn($a, $b) => ($a['sort'] ?? 100) <=> ($b['sort'] ?? 100));
        $this->aGlobalMenu = $aGlobalMenu;
    }

    protected function renderItems(array $items)
    {
        $s = '<ul class="adm-submenu-items">';
        foreach ($items as $it) {
            $url = $it['url'] ?? '';
            $s .= '<li class="adm-submenu-item">' . ($url !== '' ? '<a class="adm-submenu-item-link" href="' . htmlspecialcharsbx($url) . '" title="' . htmlspecialcharsbx($it['title'] ?? '') . '">' : '<span class="adm-submenu-item-name">')
                . htmlspecialcharsbx($it['text'] ?? '') . ($url !== '' ? '</a>' : '</span>');
            if (!empty($it['items'])) $s .= $this->renderItems($it['items']);
            $s .= '</li>';
        }
        return $s . '</ul>';
    }
    public function Show()
    {
        $s = '<div class="adm-main-menu" id="menu_mirrors_cont">';
        foreach ($this->aGlobalMenu as $id => $g) {
            $s .= '<div class="adm-main-menu-item" id="' . htmlspecialcharsbx($id) . '"><div class="adm-main-menu-item-text">' . htmlspecialcharsbx($g['text']) . '</div>' . $this->renderItems($g['items']) . '</div>';
        }
        echo $s . '</div>';
    }
}

class CAdminMainChain
{
    protected $items = [];
    public function __construct($name = false, $bVisible = true) {}
    public function AddItem($item) { $this->items[] = $item; }
    public function Show()
    {
        if (!$this->items) return;
        $parts = [];
        foreach ($this->items as $it) {
            $t = htmlspecialcharsbx($it['TEXT'] ?? '');
            $parts[] = !empty($it['LINK']) ? '<a class="adm-navchain-item" href="' . htmlspecialcharsbx($it['LINK']) . '">' . $t . '</a>' : '<span class="adm-navchain-item">' . $t . '</span>';
        }
        echo '<div class="adm-navchain" id="main_navchain">' . implode(' <span class="adm-navchain-delimiter">/</span> ', $parts) . '</div>';
    }
}

/** new CAdminMessage('text' | ['MESSAGE' => ..., 'TYPE' => 'ERROR'|'OK'|'PROGRESS', 'DETAILS' => ..., 'HTML' => bool], $exception) */
class CAdminMessage
{
    public $message;
    public $exception;

    public function __construct($message, $exception = false)
    {
        if (!is_array($message)) $message = ['MESSAGE' => $message, 'TYPE' => 'ERROR'];
        if (!isset($message['DETAILS']) && $exception instanceof CApplicationException) {
            $message['DETAILS'] = $exception->GetString();
            $message['HTML'] = $message['HTML'] ?? true;
        }
        $this->message = $message + ['TYPE' => 'ERROR', 'DETAILS' => '', 'HTML' => false];
        $this->exception = $exception;
    }
    protected function format($text)
    {
        return !empty($this->message['HTML']) ? (string)$text : nl2br(htmlspecialcharsbx((string)$text));
    }
    public function Show()
    {
        $type = strtoupper((string)$this->message['TYPE']);
        $cls = $type === 'OK' ? 'adm-info-message-green' : ($type === 'PROGRESS' ? 'adm-info-message-gray' : 'adm-info-message-red');
        $title = (string)($this->message['MESSAGE'] ?? '') !== '' ? '<div class="adm-info-message-title">' . $this->format($this->message['MESSAGE']) . '</div>' : '';
        $details = (string)$this->message['DETAILS'] !== '' ? $this->format($this->message['DETAILS']) : '';
        return '<div class="adm-info-message-wrap ' . $cls . '"><div class="adm-info-message">' . $title . $details . '<div class="adm-info-message-icon"></div></div></div>';
    }
    public function GetMessages()
    {
        if ($this->exception instanceof CAdminException) return $this->exception->GetMessages();
        return false;
    }
    public static function ShowMessage($message)
    {
        if ($message === '' || $message === null || $message === false) return;
        $m = new CAdminMessage($message);
        echo $m->Show();
    }
    public static function ShowOldStyleError($message) { if ($message !== '') self::ShowMessage(['MESSAGE' => $message, 'HTML' => true]); }
    public static function ShowNote($message) { if ($message !== '') self::ShowMessage(['MESSAGE' => $message, 'TYPE' => 'OK']); }
}

/** Sorting from the request (?by=...&order=...), remembered per table in the session. */
class CAdminSorting
{
    public $by_name;
    public $ord_name;
    public $table_id;
    public $by_initial;
    public $order_initial;

    public function __construct($table_id, $by_initial = false, $order_initial = false, $by_name = 'by', $ord_name = 'order')
    {
        $this->table_id = $table_id;
        $this->by_name = $by_name;
        $this->ord_name = $ord_name;
        $this->by_initial = $by_initial;
        $this->order_initial = $order_initial;
        $key = 'SESS_SORT_' . $table_id;
        $by = $_REQUEST[$by_name] ?? ($_SESSION[$key]['by'] ?? $by_initial);
        $ord = $_REQUEST[$ord_name] ?? ($_SESSION[$key]['order'] ?? $order_initial);
        $by = is_string($by) ? $by : $by_initial;
        $ord = is_string($ord) && strtolower($ord) === 'asc' ? 'asc' : (($ord === false || $ord === null) ? $order_initial : 'desc');
        $_SESSION[$key] = ['by' => $by, 'order' => $ord];
        $GLOBALS[$by_name] = $by;
        $GLOBALS[$ord_name] = $ord;
    }
    public function getField() { return $GLOBALS[$this->by_name] ?? $this->by_initial; }
    public function getOrder() { return $GLOBALS[$this->ord_name] ?? $this->order_initial; }
    /** Header link that toggles the order of $sort_by */
    public function Show($text, $sort_by, $alt_title = false, $baseCssClass = '')
    {
        $current = strtolower((string)$this->getField()) === strtolower((string)$sort_by);
        $next = $current && strtolower((string)$this->getOrder()) === 'asc' ? 'desc' : 'asc';
        $url = $GLOBALS['APPLICATION']->GetCurPageParam($this->by_name . '=' . urlencode($sort_by) . '&' . $this->ord_name . '=' . $next, [$this->by_name, $this->ord_name]);
        $cls = 'adm-list-table-cell-sort' . ($current ? (strtolower((string)$this->getOrder()) === 'asc' ? ' adm-list-table-cell-sort-up' : ' adm-list-table-cell-sort-down') : '');
        return '<a class="' . $cls . '" href="' . htmlspecialcharsbx($url) . '" title="' . htmlspecialcharsbx($alt_title ?: $text) . '">' . $text . '</a>';
    }
}

class CAdminResult extends CDBResult
{
    public $table_id;
    public function __construct($res, $table_id)
    {
        parent::__construct($res);
        $this->table_id = $table_id;
    }
    public function NavStart($nPageSize = 20, $bShowAll = true, $iNumPage = false)
    {
        $size = is_array($nPageSize) ? (int)($nPageSize['nPageSize'] ?? 20) : (int)$nPageSize;
        if (isset($_REQUEST['SIZEN_1']) && (int)$_REQUEST['SIZEN_1'] > 0) $size = (int)$_REQUEST['SIZEN_1'];
        parent::NavStart($size, $bShowAll, $iNumPage);
    }
    public static function GetNavSize($table_id = false, $nPageSize = 20, $listUrl = '')
    {
        return isset($_REQUEST['SIZEN_1']) && (int)$_REQUEST['SIZEN_1'] > 0 ? (int)$_REQUEST['SIZEN_1'] : (is_array($nPageSize) ? (int)($nPageSize['nPageSize'] ?? 20) : (int)$nPageSize);
    }
}

/** Toolbar: [['TEXT', 'LINK', 'ICON' => 'btn_new', 'TITLE', 'LINK_PARAM', 'MENU' => [...]], ...] */
class CAdminContextMenu
{
    public $items;
    public $additional_items;
    public function __construct($items, $additional_items = [])
    {
        $this->items = $items;
        $this->additional_items = $additional_items;
    }
    public function Show()
    {
        echo '<div class="adm-toolbar-panel-container"><div class="adm-toolbar-panel-flexible-space">';
        foreach (array_merge((array)$this->items, (array)$this->additional_items) as $it) {
            if (!is_array($it)) continue;
            if (!empty($it['SEPARATOR'])) { echo '<span class="adm-separator"></span>'; continue; }
            $cls = 'adm-btn' . (($it['ICON'] ?? '') === 'btn_new' ? ' adm-btn-save adm-btn-add' : '');
            $title = htmlspecialcharsbx($it['TITLE'] ?? ($it['TEXT'] ?? ''));
            if (!empty($it['MENU'])) {
                echo '<span class="adm-btn-menu-wrap"><span class="' . $cls . ' adm-btn-menu">' . htmlspecialcharsbx($it['TEXT'] ?? '') . '</span><span class="adm-btn-menu-items">';
                foreach ($it['MENU'] as $m) {
                    if (!is_array($m) || empty($m['TEXT'])) continue;
                    echo '<a class="adm-btn-menu-item" href="' . htmlspecialcharsbx($m['LINK'] ?? '#') . '"' . (!empty($m['ACTION']) ? ' onclick="' . htmlspecialcharsbx($m['ACTION']) . '; return false;"' : '') . '>' . htmlspecialcharsbx($m['TEXT']) . '</a>';
                }
                echo '</span></span>';
                continue;
            }
            $href = htmlspecialcharsbx($it['LINK'] ?? '#');
            echo '<a href="' . $href . '" class="' . $cls . '" title="' . $title . '" ' . ($it['LINK_PARAM'] ?? '')
                . (!empty($it['ONCLICK']) ? ' onclick="' . htmlspecialcharsbx($it['ONCLICK']) . '"' : '') . '>' . htmlspecialcharsbx($it['TEXT'] ?? '') . '</a>';
        }
        echo '</div></div>';
    }
}

class CAdminCalendar
{
    public static function CalendarDate($sFieldName, $sValue = '', $size = '10', $bTime = false)
    {
        return '<input type="' . ($bTime ? 'datetime-local' : 'date') . '" class="adm-input adm-calendar-input" name="' . htmlspecialcharsbx($sFieldName) . '" value="' . htmlspecialcharsbx($sValue) . '" size="' . (int)$size . '">';
    }
    public static function CalendarPeriod($sFromName, $sToName, $sFromVal = '', $sToVal = '', $bSelectShow = false, $size = 10, $bTime = false)
    {
        return '<span class="adm-calendar-period">' . self::CalendarDate($sFromName, $sFromVal, $size, $bTime) . ' &hellip; ' . self::CalendarDate($sToName, $sToVal, $size, $bTime) . '</span>';
    }
}

class CAdminNotify
{
    public static function Add($arFields) { return false; }
    public static function DeleteByTag($tag) { return true; }
}

class CAdminUtil
{
    public static function GetAdminPage() { return $GLOBALS['APPLICATION']->GetCurPage(); }
}
