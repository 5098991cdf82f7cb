<?php
use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;

/** $APPLICATION: rights, exceptions, title, current page, admin helpers. */
class CAllMain
{
    public $LAST_ERROR = false;
    public $ERROR_STACK = [];
    protected $title = '';
    protected $pageProperties = [];
    protected $headStrings = [];
    protected $bufferLevel = 0;

    public function __construct() { $this->bufferLevel = ob_get_level(); }

    // ---- rights
    public static function GetGroupRight($module_id, $arGroups = false, $use_default_level = 'Y', $max_right_for_super_admin = 'Y', $site_id = false)
    {
        return static::GetUserRight($module_id, $arGroups, $use_default_level, $max_right_for_super_admin, $site_id);
    }

    public static function GetUserRight($module_id, $arGroups = false, $use_default_level = 'Y', $max_right_for_super_admin = 'Y', $site_id = false)
    {
        global $USER;
        if ($arGroups === false && ($USER instanceof CUser)) {
            if ($max_right_for_super_admin === 'Y' && $USER->IsAdmin()) return 'W';
            $arGroups = $USER->GetUserGroupArray();
        }
        if (!is_array($arGroups)) $arGroups = [2];
        if ($max_right_for_super_admin === 'Y' && in_array(1, $arGroups)) return 'W';
        // rows of active groups; SITE_ID NULL rows match $site_id === false, otherwise only the given sites
        $sites = is_array($site_id) ? $site_id : [$site_id];
        $c = Application::getConnection();
        $h = $c->getSqlHelper();
        $r = $c->query("SELECT MG.GROUP_ID, MG.G_ACCESS, MG.SITE_ID FROM b_module_group MG INNER JOIN b_group G ON (MG.GROUP_ID = G.ID) WHERE MG.MODULE_ID = '" . $h->forSql($module_id) . "' AND G.ACTIVE = 'Y'");
        $right = '';
        while ($p = $r->fetchRaw()) {
            if (in_array($p['SITE_ID'], $sites) && in_array($p['GROUP_ID'], $arGroups) && $p['G_ACCESS'] > $right) $right = $p['G_ACCESS'];
        }
        if ($right == '' && $use_default_level === 'Y') $right = COption::GetOptionString($module_id, 'GROUP_DEFAULT_RIGHT', 'D');
        return $right;
    }

    public static function SetGroupRight($module_id, $group_id, $right, $site_id = false)
    {
        $c = Application::getConnection(); $h = $c->getSqlHelper();
        $site = $site_id === false || $site_id === '' ? 'NULL' : "'" . $h->forSql($site_id, 2) . "'";
        $c->queryExecute("DELETE FROM b_module_group WHERE MODULE_ID='" . $h->forSql($module_id) . "' AND GROUP_ID=" . (int)$group_id . ' AND ' . ($site === 'NULL' ? 'SITE_ID IS NULL' : "SITE_ID=$site"));
        if ($right !== '' && $right !== false) {
            $c->queryExecute("INSERT INTO b_module_group (MODULE_ID, GROUP_ID, G_ACCESS, SITE_ID) VALUES ('" . $h->forSql($module_id) . "', " . (int)$group_id . ", '" . $h->forSql($right) . "', $site)");
        }
    }
    public static function DelGroupRight($module_id = '', $arGroups = [], $site_id = false)
    {
        $c = Application::getConnection(); $h = $c->getSqlHelper();
        $w = [];
        if ($module_id !== '') $w[] = "MODULE_ID='" . $h->forSql($module_id) . "'";
        if ($arGroups) $w[] = 'GROUP_ID IN (' . implode(', ', array_map('intval', $arGroups)) . ')';
        if ($site_id !== false) $w[] = $site_id === '' || $site_id === null ? 'SITE_ID IS NULL' : "SITE_ID='" . $h->forSql($site_id, 2) . "'";
        $c->queryExecute('DELETE FROM b_module_group' . ($w ? ' WHERE ' . implode(' AND ', $w) : ''));
    }
    public static function GetGroupRightList($arFilter, $site_id = false)
    {
        $c = Application::getConnection(); $h = $c->getSqlHelper();
        $w = [];
        if (isset($arFilter['MODULE_ID'])) $w[] = "MODULE_ID='" . $h->forSql($arFilter['MODULE_ID']) . "'";
        if (isset($arFilter['GROUP_ID'])) $w[] = 'GROUP_ID=' . (int)$arFilter['GROUP_ID'];
        return new CDBResult($c->query('SELECT * FROM b_module_group' . ($w ? ' WHERE ' . implode(' AND ', $w) : '')));
    }

    // ---- exceptions
    public function ThrowException($msg, $id = false)
    {
        $this->ResetException();
        $this->LAST_ERROR = ($msg instanceof CApplicationException) ? $msg : new CApplicationException($msg, $id);
    }
    public function GetException() { return $this->LAST_ERROR; }
    public function ResetException()
    {
        if ($this->LAST_ERROR) $this->ERROR_STACK[] = $this->LAST_ERROR;
        $this->LAST_ERROR = false;
    }

    // ---- page
    public function SetTitle($title, $arOptions = null) { $this->title = (string)$title; }
    public function GetTitle($title_property_name = false, $strip_tags = false)
    {
        $t = $title_property_name !== false && isset($this->pageProperties[strtoupper($title_property_name)]) ? $this->pageProperties[strtoupper($title_property_name)] : $this->title;
        return $strip_tags ? strip_tags($t) : $t;
    }
    public function ShowTitle($property_name = 'title', $strip_tags = true) { echo htmlspecialcharsbx($this->GetTitle(false, $strip_tags)); }
    public function SetPageProperty($name, $value) { $this->pageProperties[strtoupper($name)] = $value; }
    public function GetPageProperty($name, $default = false) { return $this->pageProperties[strtoupper($name)] ?? $default; }
    public function AddHeadString($str, $bUnique = false) { $this->headStrings[] = $str; }
    public function SetAdditionalCSS($path) { $this->headStrings[] = '<link href="' . htmlspecialcharsbx($path) . '" rel="stylesheet">'; }
    public function AddHeadScript($src) { $this->headStrings[] = '<script src="' . htmlspecialcharsbx($src) . '"></script>'; }
    public function ShowHead() { echo implode("\n", $this->headStrings); }
    public function GetHeadStrings() { return implode("\n", $this->headStrings); }

    public function GetCurPage($get_index_page = null)
    {
        $uri = (string)($_SERVER['REQUEST_URI'] ?? ($_SERVER['SCRIPT_NAME'] ?? '/'));
        $p = parse_url($uri, PHP_URL_PATH) ?: '/';
        if ($get_index_page === false && substr($p, -10) === '/index.php') $p = substr($p, 0, -9);
        if ($get_index_page === true && substr($p, -1) === '/') $p .= 'index.php';
        return $p;
    }
    public function GetCurDir() { $p = $this->GetCurPage(); return substr($p, -1) === '/' ? $p : rtrim(dirname($p), '/') . '/'; }
    public function GetCurUri($addParam = '', $get_index_page = null)
    {
        $q = (string)($_SERVER['QUERY_STRING'] ?? parse_url((string)($_SERVER['REQUEST_URI'] ?? ''), PHP_URL_QUERY));
        $q = $q === '' ? $addParam : $q . ($addParam !== '' ? '&' . $addParam : '');
        return $this->GetCurPage($get_index_page) . ($q !== '' ? '?' . $q : '');
    }
    public function GetCurPageParam($strParam = '', $arParamKill = [], $get_index_page = null)
    {
        parse_str((string)($_SERVER['QUERY_STRING'] ?? parse_url((string)($_SERVER['REQUEST_URI'] ?? ''), PHP_URL_QUERY)), $q);
        foreach ($arParamKill as $k) unset($q[$k]);
        $s = http_build_query($q);
        if ($strParam !== '') $s = $strParam . ($s !== '' ? '&' . $s : '');
        return $this->GetCurPage($get_index_page) . ($s !== '' ? '?' . $s : '');
    }
    public function RestartBuffer()
    {
        while (ob_get_level() > $this->bufferLevel) ob_end_clean();
    }
    public static function GetServerUniqID()
    {
        static $id = null;
        if ($id === null) {
            $id = Option::get('main', 'server_uniq_id', '');
            if ($id === '') { $id = md5(uniqid((string)mt_rand(), true)); Option::set('main', 'server_uniq_id', $id); }
        }
        return $id;
    }

    /** Sets the title, shows the admin frame around $filepath and stops, as the kernel does (die). */
    public function IncludeAdminFile($strTitle, $filepath)
    {
        foreach (array_keys($GLOBALS) as $k) { if ($k !== 'GLOBALS' && $k !== 'k') { global $$k; } }
        $this->SetTitle($strTitle);
        include $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/prolog_admin_after.php';
        include $filepath;
        include $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/epilog_admin.php';
        die();
    }

    /** Login form (fields USER_LOGIN / USER_PASSWORD, AUTH_FORM=Y, TYPE=AUTH) with $mess, then die(). */
    public function AuthForm($mess, $show_prolog = true, $show_epilog = true, $not_show_links = 'N', $do_die = true)
    {
        $this->RestartBuffer();
        if (is_array($mess)) $mess = $mess['MESSAGE'] ?? '';
        $text = (string)$mess;
        if ($this->LAST_ERROR && $text === '') $text = $this->LAST_ERROR->GetString();
        if (!defined('BX_AUTH_FORM')) define('BX_AUTH_FORM', true);
        $this->SetTitle(GetMessage('MAIN_AUTH_FORM_TITLE') ?: 'Authorization');
        $action = htmlspecialcharsbx($this->GetCurUri());
        $login = htmlspecialcharsbx((string)($_POST['USER_LOGIN'] ?? ''));
        echo '<!DOCTYPE html><html><head><meta charset="UTF-8"><title>' . htmlspecialcharsbx($this->title) . '</title><style>' . file_get_contents(dirname(__DIR__, 2) . '/interface/admin.css') . '</style></head><body class="adm-auth-body">';
        echo '<div class="adm-auth-wrap" id="bx-auth-form">';
        if ($text !== '') echo '<div class="adm-info-message-wrap adm-info-message-red"><div class="adm-info-message">' . $text . '</div></div>';
        echo '<form name="form_auth" method="post" action="' . $action . '">'
            . '<input type="hidden" name="AUTH_FORM" value="Y"><input type="hidden" name="TYPE" value="AUTH">'
            . '<label>' . (GetMessage('AUTH_LOGIN') ?: 'Login') . ' <input type="text" name="USER_LOGIN" value="' . $login . '" autocomplete="username"></label> '
            . '<label>' . (GetMessage('AUTH_PASSWORD') ?: 'Password') . ' <input type="password" name="USER_PASSWORD" autocomplete="current-password"></label> '
            . '<input type="submit" name="Login" value="' . (GetMessage('AUTH_AUTHORIZE') ?: 'Log in') . '">'
            . '</form></div></body></html>';
        if ($do_die) die();
    }

    public function GetLang() { return ['LID' => SITE_ID, 'LANGUAGE_ID' => LANGUAGE_ID, 'FORMAT_DATE' => FORMAT_DATE, 'FORMAT_DATETIME' => FORMAT_DATETIME, 'CHARSET' => 'UTF-8']; }
    public function IncludeComponent($componentName, $componentTemplate = '', $arParams = [], $parentComponent = null, $arFunctionParams = [])
    {
        throw new \Bitrix\Main\NotImplementedException('Components are not implemented by the Bitrix test kernel');
    }
    public function FinalActions()
    {
        foreach (GetModuleEvents('main', 'OnEpilog', true) as $e) ExecuteModuleEventEx($e);
        if (Option::get('main', 'check_agents', 'Y') === 'Y') CAgent::CheckAgents();
    }
}

class CMain extends CAllMain {}
