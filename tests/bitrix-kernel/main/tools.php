<?php
/**
 * Global functions of the kernel's tools.php that modules use.
 */
use Bitrix\Main\Application;
use Bitrix\Main\EventManager;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;

// ---- files ------------------------------------------------------------------------------------------
/** Path relative to the document root ('/local/...' first, then '/bitrix/...'), or false. */
function getLocalPath($path, $baseFolder = '/bitrix')
{
    $root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
    $path = ltrim($path, '/');
    if (file_exists($root . '/local/' . $path)) return '/local/' . $path;
    if (file_exists($root . $baseFolder . '/' . $path)) return $baseFolder . '/' . $path;
    return false;
}

function CheckDirPath($path)
{
    $path = str_replace(['\\', '//'], '/', $path);
    if (substr($path, -1) !== '/') { $p = strrpos($path, '/'); $path = substr($path, 0, $p); }
    $path = rtrim($path, '/');
    if ($path === '' || is_dir($path)) return true;
    return @mkdir($path, defined('BX_DIR_PERMISSIONS') ? BX_DIR_PERMISSIONS : 0755, true) || is_dir($path);
}

function CopyDirFiles($path_from, $path_to, $ReWrite = true, $Recursive = false, $bDeleteAfterCopy = false, $strExclude = '')
{
    if (strpos($path_to . '/', $path_from . '/') === 0 || realpath($path_to) === realpath($path_from)) return false;
    if (is_dir($path_from)) {
        CheckDirPath($path_to . '/');
    } elseif (is_file($path_from)) {
        $p = strrpos($path_to, '/');
        CheckDirPath(substr($path_to, 0, $p) . '/');
        if (file_exists($path_to) && !$ReWrite) return false;
        @copy($path_from, $path_to);
        if (is_file($path_to)) @chmod($path_to, defined('BX_FILE_PERMISSIONS') ? BX_FILE_PERMISSIONS : 0644);
        if ($bDeleteAfterCopy) @unlink($path_from);
        return true;
    } else {
        return true;
    }
    if ($handle = @opendir($path_from)) {
        while (($file = readdir($handle)) !== false) {
            if ($file === '.' || $file === '..') continue;
            if ($strExclude !== '' && strpos($strExclude, $file) === 0) continue;
            if (is_dir($path_from . '/' . $file) && $Recursive) {
                CopyDirFiles($path_from . '/' . $file, $path_to . '/' . $file, $ReWrite, $Recursive, $bDeleteAfterCopy, $strExclude);
                if ($bDeleteAfterCopy) @rmdir($path_from . '/' . $file);
            } elseif (is_file($path_from . '/' . $file)) {
                if (file_exists($path_to . '/' . $file) && !$ReWrite) continue;
                @copy($path_from . '/' . $file, $path_to . '/' . $file);
                @chmod($path_to . '/' . $file, defined('BX_FILE_PERMISSIONS') ? BX_FILE_PERMISSIONS : 0644);
                if ($bDeleteAfterCopy) @unlink($path_from . '/' . $file);
            }
        }
        @closedir($handle);
        if ($bDeleteAfterCopy) @rmdir($path_from);
        return true;
    }
    return false;
}

/** Deletes from $toDir the files that exist in $frDir (one level, as the kernel's DeleteDirFiles). */
function DeleteDirFiles($frDir, $toDir, $arExept = [])
{
    if (!is_dir($frDir)) return;
    if ($handle = @opendir($frDir)) {
        while (($file = readdir($handle)) !== false) {
            if ($file === '.' || $file === '..' || in_array($file, $arExept)) continue;
            if (is_file($toDir . '/' . $file)) @unlink($toDir . '/' . $file);
        }
        closedir($handle);
    }
}

/** Deletes $path (relative to the document root, or to $root) recursively. */
function DeleteDirFilesEx($path, $root = null)
{
    if ($path === '' || $path === '/') return false;
    $full = ($root ?? $_SERVER['DOCUMENT_ROOT']) . '/' . ltrim($path, '/');
    $full = str_replace('//', '/', $full);
    if (is_link($full) || is_file($full)) return @unlink($full);
    if (!is_dir($full)) return false;
    foreach (array_diff(scandir($full), ['.', '..']) as $f) {
        DeleteDirFilesEx(substr($full, strlen($root ?? $_SERVER['DOCUMENT_ROOT'])) . '/' . $f, $root);
    }
    return @rmdir($full);
}

function RewriteFile($abs_path, $strContent)
{
    CheckDirPath($abs_path);
    return file_put_contents($abs_path, $strContent) !== false;
}

// ---- modules ----------------------------------------------------------------------------------------
function RegisterModule($id) { \Bitrix\Main\ModuleManager::registerModule($id); }
function UnRegisterModule($id) { \Bitrix\Main\ModuleManager::unRegisterModule($id); }
function IsModuleInstalled($module_id) { return \Bitrix\Main\ModuleManager::isModuleInstalled($module_id); }

// ---- events -----------------------------------------------------------------------------------------
function RegisterModuleDependences($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS = '', $TO_METHOD = '', $SORT = 100, $TO_PATH = '', $TO_METHOD_ARG = [])
{
    EventManager::getInstance()->registerEventHandlerCompatible($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS, $TO_METHOD, $SORT, $TO_PATH, $TO_METHOD_ARG);
}
function UnRegisterModuleDependences($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS = '', $TO_METHOD = '', $TO_PATH = '', $TO_METHOD_ARG = [])
{
    EventManager::getInstance()->unRegisterEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $TO_MODULE_ID, $TO_CLASS, $TO_METHOD, $TO_PATH, $TO_METHOD_ARG);
}
function AddEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $CALLBACK, $SORT = 100, $FULL_PATH = false)
{
    return EventManager::getInstance()->addEventHandlerCompatible($FROM_MODULE_ID, $MESSAGE_ID, $CALLBACK, $FULL_PATH, $SORT);
}
function RemoveEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $iEventHandlerKey)
{
    return EventManager::getInstance()->removeEventHandler($FROM_MODULE_ID, $MESSAGE_ID, $iEventHandlerKey);
}
/** Handlers as an array ($bReturnArray) or a CDBResult-like object with Fetch(). */
function GetModuleEvents($MODULE_ID, $MESSAGE_ID, $bReturnArray = false)
{
    $handlers = EventManager::getInstance()->findEventHandlers($MODULE_ID, $MESSAGE_ID);
    if ($bReturnArray) return $handlers;
    $r = new CDBResult();
    $r->InitFromArray($handlers);
    return $r;
}
/** Calls one handler with positional (by-reference preserving) arguments. */
function ExecuteModuleEventEx($arEvent, $arParams = [])
{
    $r = true;
    if (!empty($arEvent['TO_MODULE_ID']) && $arEvent['TO_MODULE_ID'] !== 'main') {
        if (!Loader::includeModule($arEvent['TO_MODULE_ID'])) return null;
    } elseif (!empty($arEvent['TO_PATH']) && file_exists($_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/' . ltrim($arEvent['TO_PATH'], '/'))) {
        $r = include_once $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/' . ltrim($arEvent['TO_PATH'], '/');
    } elseif (!empty($arEvent['FULL_PATH']) && file_exists($arEvent['FULL_PATH'])) {
        $r = include_once $arEvent['FULL_PATH'];
    }
    if (!empty($arEvent['TO_METHOD_ARG']) && is_array($arEvent['TO_METHOD_ARG'])) {
        $args = $arEvent['TO_METHOD_ARG'];
        foreach ($arParams as &$p) $args[] = &$p;
        unset($p);
    } else {
        $args = &$arParams;
    }
    if (array_key_exists('CALLBACK', $arEvent) && $arEvent['CALLBACK']) {
        return call_user_func_array($arEvent['CALLBACK'], $args);
    }
    if (!empty($arEvent['TO_CLASS']) && !empty($arEvent['TO_METHOD']) && class_exists($arEvent['TO_CLASS'])) {
        return call_user_func_array([$arEvent['TO_CLASS'], $arEvent['TO_METHOD']], $args);
    }
    return $r;
}
function ExecuteModuleEvent($arEvent, ...$args) { return ExecuteModuleEventEx($arEvent, $args); }

// ---- language ---------------------------------------------------------------------------------------
function GetMessage($name, $aReplace = null)
{
    global $MESS;
    if (isset($MESS[$name])) {
        return is_array($aReplace) ? strtr($MESS[$name], $aReplace) : $MESS[$name];
    }
    return Loc::getMessage($name, $aReplace);
}
/** Lazy (Loc::loadMessages) unless a language or the array is asked for. */
function IncludeModuleLangFile($filepath, $lang = false, $bReturnArray = false)
{
    if ($lang === false && $bReturnArray === false) {
        Loc::loadMessages($filepath);
        return true;
    }
    $r = Loc::loadLanguageFile($filepath, $lang ?: null);
    return $bReturnArray ? $r : true;
}
function HasMessage($name) { return Loc::getMessage($name) !== null; }

// ---- security ---------------------------------------------------------------------------------------
function bitrix_sessid_val() { return md5(CMain::GetServerUniqID() . session_id()); }
function bitrix_sessid_set($val = false) { $_SESSION['fixed_session_id'] = $val === false ? bitrix_sessid_val() : $val; }
function bitrix_sessid()
{
    if (!isset($_SESSION['fixed_session_id'])) bitrix_sessid_set();
    return $_SESSION['fixed_session_id'];
}
/** The request's $varname (or header X-Bitrix-Csrf-Token) equals bitrix_sessid(). Reads the context request. */
function check_bitrix_sessid($varname = 'sessid')
{
    $request = \Bitrix\Main\Context::getCurrent()->getRequest();
    $v = $request[$varname];
    return (is_string($v) && $v === bitrix_sessid()) || $request->getHeader('X-Bitrix-Csrf-Token') === bitrix_sessid();
}
function bitrix_sessid_get($varname = 'sessid') { return $varname . '=' . bitrix_sessid(); }
function bitrix_sessid_post($varname = 'sessid', $returnInvocations = false)
{
    static $invocations = 0;
    $id = $invocations ? $varname . '_' . $invocations : $varname;
    $invocations++;
    $res = '<input type="hidden" name="' . $varname . '" id="' . $id . '" value="' . bitrix_sessid() . '" />';
    return $returnInvocations ? [$res, $invocations] : $res;
}

function htmlspecialcharsbx($string, $flags = ENT_COMPAT, $doubleEncode = true)
{
    return htmlspecialchars((string)$string, $flags, 'UTF-8', $doubleEncode);
}
function htmlspecialcharsEx($str)
{
    static $search = ['&amp;', '&lt;', '&gt;', '&quot;', '&#34;', '&#x22;', '&#39;', '&#x27;', '<', '>', '"'];
    static $replace = ['&amp;amp;', '&amp;lt;', '&amp;gt;', '&amp;quot;', '&amp;#34;', '&amp;#x22;', '&amp;#39;', '&amp;#x27;', '&lt;', '&gt;', '&quot;'];
    return str_replace($search, $replace, (string)$str);
}
function htmlspecialcharsback($str)
{
    return str_replace(['&lt;', '&gt;', '&quot;', '&apos;', '&amp;'], ['<', '>', '"', "'", '&'], (string)$str);
}

// ---- misc -------------------------------------------------------------------------------------------
function is_set(&$a, $k = false)
{
    if ($k === false && func_num_args() == 1) return isset($a);
    if (is_array($a)) return isset($a[$k]) || array_key_exists($k, $a);
    return false;
}
function LocalRedirect($url, $skip_security_check = false, $status = '302 Found')
{
    if (!$skip_security_check && preg_match('#^(https?:)?//#i', $url)) $url = '/';
    $GLOBALS['APPLICATION']->RestartBuffer();
    if (!headers_sent()) header('Location: ' . $url, true, (int)$status ?: 302);
    if (PHP_SAPI !== 'cli') exit;
}
function ShowError($strError, $cls = 'errortext') { if ($strError !== '' && $strError !== null) echo '<font class="' . $cls . '">' . $strError . '</font><br>'; }
function ShowNote($strNote, $cls = 'notetext') { if ($strNote !== '' && $strNote !== null) echo '<font class="' . $cls . '">' . $strNote . '</font><br>'; }
function ShowMessage($arMess)
{
    if (!is_array($arMess)) $arMess = ['MESSAGE' => $arMess, 'TYPE' => 'ERROR'];
    if (($arMess['TYPE'] ?? '') === 'OK') ShowNote($arMess['MESSAGE']); else ShowError($arMess['MESSAGE']);
}
function BeginNote($sParams = '', $sMessParams = '') { return '<div class="adm-info-message-wrap" ' . $sParams . '><div class="adm-info-message">'; }
function EndNote() { return '</div></div>'; }
function bxmail($to, $subject, $message, $additional_headers = '', $additional_parameters = '') { return false; }

/** Date in the site format: SHORT = DD.MM.YYYY, FULL = DD.MM.YYYY HH:MI:SS. */
function ConvertTimeStamp($timestamp = false, $type = 'SHORT', $site = false, $bSearchInSitesOnly = false)
{
    if ($timestamp === false) $timestamp = time();
    $fmt = $type === 'FULL' ? FORMAT_DATETIME : FORMAT_DATE;
    return date(\Bitrix\Main\Type\Date::convertFormatToPhp($fmt), (int)$timestamp);
}
/** Parses a date in the site format (or $format); false if it does not parse. */
function MakeTimeStamp($datetime, $format = false)
{
    $datetime = trim((string)$datetime);
    if ($datetime === '') return false;
    $formats = $format !== false ? [$format] : [FORMAT_DATETIME, FORMAT_DATE];
    if ($format === false) { $formats[] = 'YYYY-MM-DD HH:MI:SS'; $formats[] = 'YYYY-MM-DD'; }
    foreach ($formats as $f) {
        $php = \Bitrix\Main\Type\Date::convertFormatToPhp($f);
        $d = \DateTime::createFromFormat('!' . $php, $datetime);
        $e = \DateTime::getLastErrors();
        if ($d !== false && (!$e || ($e['warning_count'] === 0 && $e['error_count'] === 0))) return $d->getTimestamp();
        // a date-only value against a datetime format
        $short = preg_replace('/\s+H.*$/', '', $f);
        if ($short !== $f) {
            $d = \DateTime::createFromFormat('!' . \Bitrix\Main\Type\Date::convertFormatToPhp($short), $datetime);
            $e = \DateTime::getLastErrors();
            if ($d !== false && (!$e || ($e['warning_count'] === 0 && $e['error_count'] === 0))) return $d->getTimestamp();
        }
    }
    return false;
}
function ConvertDateTime($datetime, $to_format = false, $from_site = false, $bSearchInSitesOnly = false)
{
    $ts = MakeTimeStamp($datetime);
    if ($ts === false) return false;
    return date(\Bitrix\Main\Type\Date::convertFormatToPhp($to_format ?: FORMAT_DATETIME), $ts);
}
function FormatDate($format = '', $timestamp = false, $now = false)
{
    $ts = $timestamp === false ? time() : ($timestamp instanceof \Bitrix\Main\Type\Date ? $timestamp->getTimestamp() : (int)$timestamp);
    return date($format ?: 'd.m.Y H:i:s', $ts);
}
function GetTime($timestamp, $type = 'SHORT', $site = false, $bSearchInSitesOnly = false) { return ConvertTimeStamp($timestamp, $type); }
function randString($pass_len = 10, $pass_chars = false)
{
    $chars = $pass_chars ?: 'ABCDEFGHIJKLNMOPQRSTUVWXYZabcdefghijklnmopqrstuvwxyz0123456789';
    $s = '';
    for ($i = 0; $i < $pass_len; $i++) $s .= $chars[random_int(0, strlen($chars) - 1)];
    return $s;
}
function AddMessage2Log($text, $module = '', $traceDepth = 6, $bShowArgs = false) { error_log('[bitrix-kernel] ' . $module . ': ' . (is_string($text) ? $text : print_r($text, true))); }

/** Registers request, cookie and server variables as globals unless already set (the kernel's FormDecode). */
function FormDecode()
{
    $skip = ['_GET' => 1, '_SESSION' => 1, '_POST' => 1, '_COOKIE' => 1, '_REQUEST' => 1, '_FILES' => 1, '_SERVER' => 1, 'GLOBALS' => 1, '_ENV' => 1,
        'DBType' => 1, 'DBDebug' => 1, 'DBDebugToFile' => 1, 'DBHost' => 1, 'DBName' => 1, 'DBLogin' => 1, 'DBPassword' => 1,
        'HTTP_ENV_VARS' => 1, 'HTTP_GET_VARS' => 1, 'HTTP_POST_VARS' => 1, 'HTTP_POST_FILES' => 1, 'HTTP_COOKIE_VARS' => 1, 'HTTP_SERVER_VARS' => 1, 'this' => 1];
    foreach ($skip as $gl => $t) { unset($_REQUEST[$gl], $_GET[$gl], $_POST[$gl], $_COOKIE[$gl]); }
    $to = [];
    foreach ([$_ENV, $_GET, $_POST, $_COOKIE, $_SERVER] as $src) foreach ($src as $k => $v) if (is_string($k) && !isset($skip[$k])) $to[$k] = $v;
    foreach ($to as $k => $v) if (!isset($GLOBALS[$k])) $GLOBALS[$k] = $v;
}

/** <select> from ['reference' => [labels], 'reference_id' => [values]] */
function SelectBoxFromArray($strBoxName, $db_array, $strSelectedVal = '', $strDetText = '', $field1 = "class='typeselect'", $go = false, $form = 'form1')
{
    $s = '<select ' . $field1 . ' name="' . htmlspecialcharsbx($strBoxName) . '" id="' . htmlspecialcharsbx($strBoxName) . '"' . ($go ? ' onchange="this.form.submit()"' : '') . '>';
    if ($strDetText !== '') $s .= '<option value="">' . $strDetText . '</option>';
    $ref = $db_array['reference'] ?? $db_array['REFERENCE'] ?? [];
    $ids = $db_array['reference_id'] ?? $db_array['REFERENCE_ID'] ?? [];
    foreach ($ref as $i => $label) {
        $v = (string)($ids[$i] ?? '');
        $s .= '<option value="' . htmlspecialcharsbx($v) . '"' . (strcasecmp($v, (string)$strSelectedVal) === 0 ? ' selected' : '') . '>' . htmlspecialcharsbx($label) . '</option>';
    }
    return $s . '</select>';
}
function SelectBoxMFromArray($strBoxName, $a, $arr = [], $strDetText = '', $strDetText_selected = false, $size = '5', $field1 = "class='typeselect'")
{
    $s = '<select multiple name="' . htmlspecialcharsbx($strBoxName) . '" size="' . (int)$size . '" ' . $field1 . '>';
    if ($strDetText !== '') $s .= '<option value="">' . $strDetText . '</option>';
    $ref = $a['reference'] ?? $a['REFERENCE'] ?? [];
    $ids = $a['reference_id'] ?? $a['REFERENCE_ID'] ?? [];
    foreach ($ref as $i => $label) {
        $v = (string)($ids[$i] ?? '');
        $s .= '<option value="' . htmlspecialcharsbx($v) . '"' . (in_array($v, array_map('strval', (array)$arr), true) ? ' selected' : '') . '>' . htmlspecialcharsbx($label) . '</option>';
    }
    return $s . '</select>';
}
function InputType($strType, $strName, $strValue, $strCmp, $strPrintValue = false, $strPrint = '', $field1 = '', $strId = '')
{
    $checked = ($strType === 'radio' || $strType === 'checkbox') && (is_array($strCmp) ? in_array($strValue, $strCmp) : $strValue == $strCmp);
    return '<input type="' . $strType . '" ' . $field1 . ' name="' . htmlspecialcharsbx($strName) . '" id="' . htmlspecialcharsbx($strId !== '' ? $strId : $strName) . '" value="' . htmlspecialcharsbx($strValue) . '"' . ($checked ? ' checked' : '') . '>' . ($strPrintValue ? $strValue : $strPrint);
}
