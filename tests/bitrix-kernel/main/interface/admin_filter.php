<?php
/** Legacy filter form: Begin() → the page's own <tr> rows → Buttons(['table_id', 'url', 'form']) → End(). */
class CAdminFilter
{
    public $id;
    public $popup;
    public $arItems = [];
    public function __construct($id, $popup = false, $arExtraParams = [])
    {
        $this->id = $id;
        $this->popup = $popup;
    }
    public function Begin()
    {
        echo '<div class="adm-filter-wrap" id="adm-filter-tab-wrap-' . htmlspecialcharsbx($this->id) . '"><table class="adm-filter-main-table"><tr><td class="adm-filter-main-table-cell"><div class="adm-filter-content" id="' . htmlspecialcharsbx($this->id) . '_content"><table cellspacing="0" class="adm-filter-content-table">';
    }
    public function Buttons($aParams = false)
    {
        echo '</table></div><div class="adm-filter-bottom">';
        if ($aParams !== false) {
            echo '<input type="submit" class="adm-btn" id="' . htmlspecialcharsbx($aParams['table_id'] ?? $this->id) . '_set_filter" name="set_filter" value="' . htmlspecialcharsbx(GetMessage('admin_lib_filter_set_butt') ?: 'Find') . '">';
            echo ' <input type="submit" class="adm-btn" id="' . htmlspecialcharsbx($aParams['table_id'] ?? $this->id) . '_del_filter" name="del_filter" value="' . htmlspecialcharsbx(GetMessage('admin_lib_filter_clear_butt') ?: 'Cancel') . '">';
        }
    }
    public function End() { echo '</div></td></tr></table></div>'; }
}
