<?php
/** JS helpers modules use in admin pages. */
class CUtil
{
    public static function JSEscape($s)
    {
        static $from = ["\\", "'", '"', "\r\n", "\r", "\n", '*/', '</'];
        static $to = ["\\\\", "\\'", '\\"', "\\n", "\\n", "\\n", '*\\/', '<\\/'];
        return str_replace($from, $to, (string)$s);
    }
    public static function addslashes($s) { return str_replace(["\\", "'", '"'], ["\\\\", "\\'", '\\"'], (string)$s); }
    public static function PhpToJSObject($arData, $bWS = false, $bSkipTilda = false, $bExtType = false)
    {
        if (is_array($arData)) {
            $isList = $arData === [] || array_keys($arData) === range(0, count($arData) - 1);
            $parts = [];
            foreach ($arData as $k => $v) {
                if ($bSkipTilda && is_string($k) && $k !== '' && $k[0] === '~') continue;
                $parts[] = ($isList ? '' : "'" . self::JSEscape($k) . "':") . self::PhpToJSObject($v, $bWS, $bSkipTilda, $bExtType);
            }
            return $isList ? '[' . implode(',', $parts) . ']' : '{' . implode(',', $parts) . '}';
        }
        if (is_bool($arData)) return $arData ? 'true' : 'false';
        if ($arData === null) return $bExtType ? 'null' : "''";
        if ($bExtType && (is_int($arData) || is_float($arData))) return (string)$arData;
        return "'" . self::JSEscape((string)$arData) . "'";
    }
    public static function InitJSCore($arExt = [], $bReturn = false) { return $bReturn ? '' : true; }
    public static function JSUrlEscape($s) { return str_replace(['%', '&', '?', '#'], ['%25', '%26', '%3F', '%23'], (string)$s); }
}

/** No JS library is shipped with the test kernel: Init() only records what was asked for. */
class CJSCore
{
    public static $initialized = [];
    public static function Init($arExt = [], $bReturn = false)
    {
        foreach ((array)$arExt as $e) self::$initialized[$e] = true;
        return $bReturn ? '' : true;
    }
    public static function RegisterExt($name, $arPaths) {}
    public static function IsExtRegistered($name) { return isset(self::$initialized[$name]); }
}
