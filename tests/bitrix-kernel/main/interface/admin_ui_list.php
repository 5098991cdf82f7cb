<?php
/**
 * The main.ui-based admin list of the kernel, reduced to plain HTML: CAdminUiList (filter fields in the
 * main.ui.filter format, PageNavigation), CAdminUiListRow, CAdminUiResult, CAdminUiSorting, CAdminUiContextMenu.
 * Like the kernel's, this file needs interface/admin_lib.php loaded first (CAdminResult, CAdminSorting).
 * Filter values come from the request: <id> for a value, <id>_from / <id>_to for date and number ranges.
 */
class CAdminUiList extends CAdminList
{
    protected $filterFields = [];

    /** Fills $arFilter from the request: [['id', 'name', 'type' => string|list|date|number|checkbox, 'filterable' => '%'|'='|'', 'default' => true], ...] */
    public function AddFilter(array $filterFields, array &$arFilter)
    {
        $this->filterFields = $filterFields;
        if (isset($_REQUEST['del_filter']) && $_REQUEST['del_filter'] !== '') return;
        foreach ($filterFields as $f) {
            $id = $f['id'];
            $op = $f['filterable'] ?? '';
            $type = $f['type'] ?? 'string';
            if ($type === 'date' || $type === 'number') {
                $from = $_REQUEST[$id . '_from'] ?? '';
                $to = $_REQUEST[$id . '_to'] ?? '';
                if (is_string($from) && $from !== '') $arFilter['>=' . $id] = $type === 'date' ? $this->toDate($from, false) : $from;
                if (is_string($to) && $to !== '') $arFilter['<=' . $id] = $type === 'date' ? $this->toDate($to, true) : $to;
                continue;
            }
            $v = $_REQUEST[$id] ?? null;
            if ($v === null || $v === '' || $v === []) continue;
            if (is_array($v)) $arFilter[($op === '' ? '=' : ($op === '%' ? '' : $op)) . $id] = array_values(array_filter($v, 'is_scalar'));
            elseif (is_scalar($v)) $arFilter[$op . $id] = (string)$v;
        }
    }
    protected function toDate($v, $endOfDay)
    {
        foreach (['Y-m-d\TH:i', 'Y-m-d H:i:s', 'Y-m-d'] as $fmt) {
            $d = \DateTime::createFromFormat('!' . $fmt, $v);
            if ($d !== false) {
                if ($fmt === 'Y-m-d' && $endOfDay) $d->setTime(23, 59, 59);
                return \Bitrix\Main\Type\DateTime::createFromPhp($d);
            }
        }
        try { return new \Bitrix\Main\Type\DateTime($v); } catch (\Throwable $e) { return $v; }
    }

    public function DisplayFilter(array $filterFields = [], array $filterParams = [])
    {
        global $APPLICATION;
        $fields = $filterFields ?: $this->filterFields;
        $tid = htmlspecialcharsbx($this->table_id);
        echo '<form method="GET" action="' . htmlspecialcharsbx($APPLICATION->GetCurPage()) . '" class="adm-filter-wrap" id="' . $tid . '_filter"><input type="hidden" name="lang" value="' . LANGUAGE_ID . '"><table class="adm-filter-content-table">';
        foreach ($fields as $f) {
            $id = $f['id'];
            $name = htmlspecialcharsbx($f['name'] ?? $id);
            $type = $f['type'] ?? 'string';
            echo '<tr><td class="adm-filter-item-left">' . $name . '</td><td class="adm-filter-item-center">';
            if ($type === 'list') {
                $multi = !empty($f['params']['multiple']);
                $cur = $_REQUEST[$id] ?? ($multi ? [] : '');
                echo '<select name="' . htmlspecialcharsbx($id) . ($multi ? '[]" multiple' : '"') . '><option value="">' . htmlspecialcharsbx(GetMessage('admin_lib_filter_all') ?: '(all)') . '</option>';
                foreach ((array)($f['items'] ?? []) as $k => $label) {
                    $sel = $multi ? in_array((string)$k, array_map('strval', (array)$cur), true) : (string)$cur === (string)$k;
                    echo '<option value="' . htmlspecialcharsbx($k) . '"' . ($sel ? ' selected' : '') . '>' . htmlspecialcharsbx($label) . '</option>';
                }
                echo '</select>';
            } elseif ($type === 'date' || $type === 'number') {
                $t = $type === 'date' ? 'date' : 'number';
                foreach (['_from', '_to'] as $i => $suffix) {
                    $v = $_REQUEST[$id . $suffix] ?? '';
                    echo ($i ? ' &hellip; ' : '') . '<input type="' . $t . '" name="' . htmlspecialcharsbx($id . $suffix) . '" value="' . htmlspecialcharsbx(is_string($v) ? $v : '') . '">';
                }
            } else {
                $v = $_REQUEST[$id] ?? '';
                echo '<input type="text" name="' . htmlspecialcharsbx($id) . '" value="' . htmlspecialcharsbx(is_string($v) ? $v : '') . '">';
            }
            echo '</td></tr>';
        }
        echo '</table><div class="adm-filter-bottom"><input type="submit" class="adm-btn" name="set_filter" value="' . htmlspecialcharsbx(GetMessage('admin_lib_filter_set_butt') ?: 'Find') . '"> '
            . '<input type="submit" class="adm-btn" name="del_filter" value="' . htmlspecialcharsbx(GetMessage('admin_lib_filter_clear_butt') ?: 'Reset') . '"></div></form>';
    }

    public function getPageNavigation($navigationId)
    {
        $nav = new \Bitrix\Main\UI\PageNavigation($navigationId);
        $nav->setPageSize($this->getNavSize())->initFromUri();
        return $nav;
    }
    public function getNavSize()
    {
        $s = $_REQUEST['SIZEN_1'] ?? ($_REQUEST['grid_page_size'] ?? null);
        return is_numeric($s) && (int)$s > 0 ? min(500, (int)$s) : 20;
    }
    public function isTotalCountRequest() { return ($_REQUEST['action'] ?? '') === 'getTotalCount'; }
    public function sendTotalCountResponse($totalCount)
    {
        $GLOBALS['APPLICATION']->RestartBuffer();
        echo \Bitrix\Main\Web\Json::encode(['totalCountHtml' => (GetMessage('admin_lib_list_all') ?: 'Total:') . ' ' . (int)$totalCount]);
        die();
    }
    public function SetNavigationParams(CAdminUiResult $queryObject, $params = []) { $this->NavText(''); }
    public function &AddRow($id = false, $arRes = [], $link = false, $title = false)
    {
        $row = new CAdminUiListRow($this->aHeaders, $this->table_id);
        $row->id = $id; $row->arRes = $arRes; $row->link = $link; $row->title = $title; $row->pList = $this;
        $this->aRows[] = $row;
        return $row;
    }
    public function DisplayList($arParams = [])
    {
        parent::DisplayList($arParams);
    }
}

class CAdminUiListRow extends CAdminListRow {}

class CAdminUiResult extends CAdminResult
{
    /** Puts limit/offset of the list's PageNavigation into $getListParams. */
    public static function setNavParams($tableId, $className, &$getListParams)
    {
        $nav = new \Bitrix\Main\UI\PageNavigation('page');
        $size = $_REQUEST['SIZEN_1'] ?? null;
        $nav->setPageSize(is_numeric($size) && (int)$size > 0 ? (int)$size : 20)->initFromUri();
        $getListParams['limit'] = $nav->getLimit();
        $getListParams['offset'] = $nav->getOffset();
    }
}

class CAdminUiSorting extends CAdminSorting {}

class CAdminUiContextMenu extends CAdminContextMenu {}
