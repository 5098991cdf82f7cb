<?php
use Bitrix\Main\Config\Option;

/** Legacy COption over Config\Option. */
class COption
{
    public static function GetOptionString($module_id, $name, $def = '', $site = false, $bExactSite = false)
    {
        if ($bExactSite) {
            $v = Option::getRealValue($module_id, $name, $site);
            return $v === null ? false : $v;
        }
        return Option::get($module_id, $name, $def, $site);
    }
    public static function SetOptionString($module_id, $name, $value = '', $desc = false, $site = '')
    {
        Option::set($module_id, $name, $value, $site);
        return true;
    }
    public static function RemoveOption($module_id, $name = '', $site = false)
    {
        $filter = [];
        if ($name !== '') $filter['name'] = $name;
        if ($site !== false) $filter['site_id'] = $site;
        Option::delete($module_id, $filter);
    }
    public static function GetOptionInt($module_id, $name, $def = '', $site = false) { return (int)static::GetOptionString($module_id, $name, $def, $site); }
    public static function SetOptionInt($module_id, $name, $value = '', $desc = '', $site = '') { return static::SetOptionString($module_id, $name, (int)$value, $desc, $site); }
}

class CTimeZone
{
    public static function Disable() {}
    public static function Enable() {}
    public static function Enabled() { return false; }
    public static function GetOffset($USER_ID = null, $forced = false) { return 0; }
}

/** Per-user options in b_user_option (VALUE serialized, as in the kernel). */
class CUserOptions
{
    public static function GetOption($category, $name, $default_value = false, $user_id = false)
    {
        $uid = $user_id !== false ? (int)$user_id : (isset($GLOBALS['USER']) && is_object($GLOBALS['USER']) ? (int)$GLOBALS['USER']->GetID() : 0);
        $c = \Bitrix\Main\Application::getConnection(); $h = $c->getSqlHelper();
        $v = $c->queryScalar("SELECT VALUE FROM b_user_option WHERE USER_ID IN ($uid, 0) AND CATEGORY='" . $h->forSql($category) . "' AND NAME='" . $h->forSql($name) . "' ORDER BY USER_ID DESC");
        if ($v === null) return $default_value;
        $u = @unserialize($v, ['allowed_classes' => false]);
        return $u === false && $v !== 'b:0;' ? $default_value : $u;
    }
    public static function SetOption($category, $name, $value, $bCommon = false, $user_id = false)
    {
        $uid = $bCommon ? 0 : ($user_id !== false ? (int)$user_id : (isset($GLOBALS['USER']) && is_object($GLOBALS['USER']) ? (int)$GLOBALS['USER']->GetID() : 0));
        $c = \Bitrix\Main\Application::getConnection(); $h = $c->getSqlHelper();
        $v = serialize($value);
        [$sql] = $h->prepareMerge('b_user_option', ['USER_ID', 'CATEGORY', 'NAME'],
            ['USER_ID' => $uid, 'CATEGORY' => (string)$category, 'NAME' => (string)$name, 'VALUE' => $v, 'COMMON' => $bCommon ? 'Y' : 'N'], ['VALUE' => $v]);
        $c->queryExecute($sql);
        return true;
    }
    public static function DeleteOption($category, $name, $bCommon = false, $user_id = false)
    {
        $uid = $bCommon ? 0 : ($user_id !== false ? (int)$user_id : (int)($GLOBALS['USER'] ? $GLOBALS['USER']->GetID() : 0));
        $c = \Bitrix\Main\Application::getConnection(); $h = $c->getSqlHelper();
        $c->queryExecute("DELETE FROM b_user_option WHERE USER_ID=$uid AND CATEGORY='" . $h->forSql($category) . "' AND NAME='" . $h->forSql($name) . "'");
        return true;
    }
}

/** Event log rows in b_event_log (CEventLog::Add / Log). */
class CEventLog
{
    public static function Add($arFields)
    {
        $c = \Bitrix\Main\Application::getConnection();
        $uid = isset($GLOBALS['USER']) && is_object($GLOBALS['USER']) ? $GLOBALS['USER']->GetID() : null;
        return $c->add('b_event_log', [
            'TIMESTAMP_X' => new \Bitrix\Main\DB\SqlExpression('NOW()'),
            'SEVERITY' => (string)($arFields['SEVERITY'] ?? 'UNKNOWN'), 'AUDIT_TYPE_ID' => (string)($arFields['AUDIT_TYPE_ID'] ?? 'UNKNOWN'),
            'MODULE_ID' => (string)($arFields['MODULE_ID'] ?? 'UNKNOWN'), 'ITEM_ID' => (string)($arFields['ITEM_ID'] ?? 'UNKNOWN'),
            'REMOTE_ADDR' => $_SERVER['REMOTE_ADDR'] ?? null, 'USER_AGENT' => $_SERVER['HTTP_USER_AGENT'] ?? null, 'REQUEST_URI' => $_SERVER['REQUEST_URI'] ?? null,
            'SITE_ID' => defined('SITE_ID') ? SITE_ID : null, 'USER_ID' => $arFields['USER_ID'] ?? $uid, 'DESCRIPTION' => (string)($arFields['DESCRIPTION'] ?? ''),
        ]);
    }
    public static function Log($SEVERITY, $AUDIT_TYPE_ID, $MODULE_ID, $ITEM_ID, $DESCRIPTION = false, $SITE_ID = false)
    {
        return static::Add(['SEVERITY' => $SEVERITY, 'AUDIT_TYPE_ID' => $AUDIT_TYPE_ID, 'MODULE_ID' => $MODULE_ID, 'ITEM_ID' => $ITEM_ID, 'DESCRIPTION' => $DESCRIPTION]);
    }
}
