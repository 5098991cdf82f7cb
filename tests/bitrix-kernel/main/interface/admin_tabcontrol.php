<?php
/**
 * Tabbed edit form of the admin: new CAdminTabControl($name, [['DIV', 'TAB', 'ICON', 'TITLE'], ...]),
 * Begin() → BeginNextTab() per tab → Buttons() → End(). The selected tab comes from $_REQUEST[<name>_active_tab].
 * The markup follows the kernel's (adm-detail-*) with a tiny inline tab switcher instead of the kernel's JS.
 */
class CAdminTabControl
{
    public $name;
    public $unique_name;
    public $tabs = [];
    public $selectedTab;
    public $tabIndex = 0;
    public $bButtons = false;
    public $arButtonsParams = [];
    public $bCanExpand;
    public $bPublicMode = false;
    public $AUTOSAVE = null;

    public function __construct($name, $tabs, $bCanExpand = true, $bDenyAutoSave = false)
    {
        global $APPLICATION, $USER;
        if (!is_object($USER)) throw new \Error('Call to a member function on null: CAdminTabControl needs the global $USER');
        if (is_array($tabs)) $this->tabs = array_values($tabs);
        $this->name = $name;
        $this->unique_name = $name . '_' . md5($APPLICATION->GetCurPage());
        $this->bCanExpand = (bool)$bCanExpand;
        $this->SetSelectedTab();
    }

    public function SetSelectedTab()
    {
        $this->selectedTab = $this->tabs[0]['DIV'] ?? '';
        $req = $_REQUEST[$this->name . '_active_tab'] ?? null;
        if (is_string($req)) foreach ($this->tabs as $t) if ($t['DIV'] === $req) { $this->selectedTab = $req; break; }
    }
    public function GetSelectedTab() { return $this->selectedTab; }
    public function ActiveTabParam() { return '&' . $this->name . '_active_tab=' . urlencode($this->selectedTab); }
    public function AddTabs(&$customTabber) {}
    public function SetPublicMode($jsObject = false) { $this->bPublicMode = true; }

    public function Begin()
    {
        $this->tabIndex = 0;
        $this->SetSelectedTab();
        $n = htmlspecialcharsbx($this->name);
        echo '<div class="adm-detail-block" id="' . $n . '_layout">' . "\n" . '<div class="adm-detail-tabs-block" id="' . $n . '_tabs">';
        $len = count($this->tabs);
        foreach ($this->tabs as $key => $tab) {
            $sel = $tab['DIV'] === $this->selectedTab;
            echo '<span title="' . htmlspecialcharsbx($tab['TITLE'] ?? '') . '" id="tab_cont_' . htmlspecialcharsbx($tab['DIV']) . '" class="adm-detail-tab'
                . ($sel ? ' adm-detail-tab-active' : '') . ($key === $len - 1 ? ' adm-detail-tab-last' : '') . '" data-tab="' . htmlspecialcharsbx($tab['DIV']) . '"'
                . ' onclick="' . $n . '.SelectTab(\'' . htmlspecialcharsbx($tab['DIV']) . '\');">' . htmlspecialcharsEx($tab['TAB']) . '</span>';
        }
        echo "</div>\n<div class=\"adm-detail-content-wrap\">\n";
    }

    public function BeginNextTab($options = [])
    {
        $this->EndTab();
        if ($this->tabIndex >= count($this->tabs)) return;
        $tab = $this->tabs[$this->tabIndex];
        $hidden = $tab['DIV'] !== $this->selectedTab;
        echo '<div class="adm-detail-content' . (isset($options['className']) ? ' ' . htmlspecialcharsbx($options['className']) : '') . '" id="' . htmlspecialcharsbx($tab['DIV']) . '"' . ($hidden ? ' style="display:none;"' : '') . '>';
        if (!isset($options['showTitle']) || $options['showTitle'] === true) {
            echo '<div class="adm-detail-title">' . ($tab['TITLE'] ?? '') . '</div>';
        }
        echo "\n<div class=\"adm-detail-content-item-block\">\n<table class=\"adm-detail-content-table edit-table\" id=\"" . htmlspecialcharsbx($tab['DIV']) . "_edit_table\">\n<tbody>\n";
        if (array_key_exists('CONTENT', $tab)) {
            echo $tab['CONTENT'];
            $this->tabIndex++;
            $this->BeginNextTab();
        } else {
            $this->tabIndex++;
        }
    }

    public function EndTab()
    {
        if ($this->tabIndex < 1 || $this->tabIndex > count($this->tabs) || !empty($this->tabs[$this->tabIndex - 1]['_closed'])) return;
        echo "\n</tbody>\n</table>\n</div>\n</div>\n";
        $this->tabs[$this->tabIndex - 1]['_closed'] = true;
    }

    /** false: only the buttons area (the page prints its own inputs); array: btnSave/btnApply/btnCancel with back_url. */
    public function Buttons($aParams = false)
    {
        while ($this->tabIndex < count($this->tabs)) $this->BeginNextTab();
        $this->bButtons = true;
        $this->arButtonsParams = $aParams === false ? [] : $aParams;
        $this->EndTab();
        echo '<div class="adm-detail-content-btns-wrap" id="' . htmlspecialcharsbx($this->name) . '_buttons_div"><div class="adm-detail-content-btns">';
        if ($aParams !== false) {
            $disable = !empty($aParams['disabled']) ? ' disabled data-btn-disabled="Y"' : '';
            if (($aParams['btnSave'] ?? true) !== false) echo '<input' . $disable . ' type="submit" name="save" value="' . htmlspecialcharsbx(GetMessage('admin_lib_sett_save') ?: 'Save') . '" class="adm-btn-save" />';
            if (($aParams['btnApply'] ?? true) !== false) echo '<input' . $disable . ' type="submit" name="apply" value="' . htmlspecialcharsbx(GetMessage('admin_lib_sett_apply') ?: 'Apply') . '" />';
            if (($aParams['btnCancel'] ?? true) !== false && !empty($aParams['back_url']) && !preg_match('/(javascript|data)[\s\0-\13]*:/i', $aParams['back_url'])) {
                echo '<input' . $disable . ' type="button" value="' . htmlspecialcharsbx(GetMessage('admin_lib_sett_cancel') ?: 'Cancel') . '" name="cancel" onclick="top.window.location=\'' . htmlspecialcharsbx(addslashes($aParams['back_url'])) . '\'" />';
            }
            if (($aParams['btnSaveAndAdd'] ?? false) === true) echo '<input' . $disable . ' type="submit" name="save_and_add" value="' . htmlspecialcharsbx(GetMessage('admin_lib_sett_save') ?: 'Save') . ' +" class="adm-btn-add" />';
        }
    }

    public function End()
    {
        if (!$this->bButtons) {
            while ($this->tabIndex < count($this->tabs)) $this->BeginNextTab();
            $this->EndTab();
            echo '<div class="adm-detail-content-btns-wrap"><div class="adm-detail-content-btns adm-detail-content-btns-empty">';
        }
        $n = htmlspecialcharsbx($this->name);
        $active = htmlspecialcharsbx($this->selectedTab);
        echo "</div></div>\n</div>\n</div>\n"
            . '<input type="hidden" id="' . $n . '_active_tab" name="' . $n . '_active_tab" value="' . $active . '">' . "\n"
            . "<script>\nvar $n = {name: '$n', SelectTab: function (div) {\n"
            . "  var tabs = document.querySelectorAll('#{$n}_tabs .adm-detail-tab');\n"
            . "  for (var i = 0; i < tabs.length; i++) {\n"
            . "    var d = tabs[i].getAttribute('data-tab'), on = d === div, el = document.getElementById(d);\n"
            . "    tabs[i].className = tabs[i].className.replace(' adm-detail-tab-active', '') + (on ? ' adm-detail-tab-active' : '');\n"
            . "    if (el) el.style.display = on ? '' : 'none';\n"
            . "  }\n"
            . "  var h = document.getElementById('{$n}_active_tab'); if (h) h.value = div;\n"
            . "}};\n</script>\n";
    }

    /** Error box for the form; $messages is a CAdminMessage or a string. */
    public function ShowWarnings($form, $messages, $aFields = false)
    {
        if ($messages === false || $messages === null || $messages === '') return;
        if ($messages instanceof CAdminMessage) echo $messages->Show();
        else CAdminMessage::ShowMessage($messages);
    }
    public function GetName() { return $this->name; }
}
