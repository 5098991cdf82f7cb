<?php
use Bitrix\Main\Application;

/** Legacy $DB over the D7 default connection (same link, same transactions). */
class CDatabase
{
    public $type = 'MYSQL';
    public $DBName;
    public $DBHost;
    public $DBLogin;
    public $db_Error = '';
    public $db_ErrorSQL = '';
    public $debug = false;
    public $version;

    public function __construct()
    {
        $c = $this->connection();
        $this->type = strtoupper($c->getType()); // MYSQL or PGSQL, as the kernel's classes/<type>/database.php set it
        $this->DBName = $c->getDatabase();
        $this->DBHost = $c->getHost();
        $this->DBLogin = $c->getLogin();
    }
    public function connection() { return Application::getConnection(); }
    public static function showConnectionError()
    {
        if (PHP_SAPI !== 'cli' && !headers_sent()) http_response_code(500);
        $f = $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/php_interface/dbconn_error.php';
        if (is_file($f)) include $f;
        else echo 'Error connecting to database. Please try again later.';
    }
    public function Query($strSql, $bIgnoreErrors = false, $error_position = '', $arOptions = [])
    {
        try {
            $res = $this->connection()->query($strSql);
        } catch (\Bitrix\Main\DB\SqlQueryException $e) {
            $this->db_Error = $e->getDatabaseMessage();
            $this->db_ErrorSQL = $strSql;
            if ($bIgnoreErrors) return false;
            throw $e;
        }
        return new CDBResult($res);
    }
    public function QueryBind($strSql, $arBinds, $bIgnoreErrors = false) { return $this->Query($strSql, $bIgnoreErrors); }
    public function QueryLong($strSql, $bIgnoreErrors = false) { return $this->Query($strSql, $bIgnoreErrors); }
    public function ForSql($strValue, $iMaxLength = 0) { return $this->connection()->getSqlHelper()->forSql($strValue, $iMaxLength); }
    public function ForSqlLike($strValue, $iMaxLength = 0) { return $this->connection()->getSqlHelper()->forSqlLike($strValue); }
    public function LastID() { return $this->connection()->getInsertedId(); }
    public function GetNowFunction() { return 'NOW()'; }
    public function CurrentTimeFunction() { return 'NOW()'; }
    public function CurrentDateFunction() { return 'CURRENT_DATE'; }
    public function GetNowDate() { return 'NOW()'; }
    public function DateToCharFunction($strFieldName, $strType = 'FULL', $lang = false, $bSearchInSitesOnly = false)
    {
        // the site format (DD.MM.YYYY[ HH:MI:SS]) in the connection's dialect: DATE_FORMAT on MySQL, to_char on PostgreSQL
        return $this->connection()->getSqlHelper()->formatDate($strType === 'FULL' ? 'DD.MM.YYYY HH:MI:SS' : 'DD.MM.YYYY', $strFieldName);
    }
    /** Site-format string → SQL literal */
    public function CharToDateFunction($strValue, $strType = 'FULL', $lang = false)
    {
        $ts = MakeTimeStamp($strValue);
        if ($ts === false) return 'NULL';
        return "'" . date($strType === 'FULL' ? 'Y-m-d H:i:s' : 'Y-m-d', $ts) . "'";
    }
    public function FormatDate($strDate, $format = 'DD.MM.YYYY HH:MI:SS', $new_format = 'DD.MM.YYYY HH:MI:SS')
    {
        $ts = MakeTimeStamp($strDate, $format);
        return $ts === false ? false : date(\Bitrix\Main\Type\Date::convertFormatToPhp($new_format), $ts);
    }
    public function IsDate($value, $format = false, $lang = false, $format_type = 'SHORT')
    {
        if ($format === false) $format = $format_type === 'FULL' ? FORMAT_DATETIME : FORMAT_DATE;
        return MakeTimeStamp($value, $format) !== false || MakeTimeStamp($value) !== false;
    }
    public function Length($field) { return $this->connection()->getSqlHelper()->getLengthFunction($field); }
    public function Concat() { return $this->connection()->getSqlHelper()->getConcatFunction(...func_get_args()); }
    public function IsNull($expression, $result) { return $this->connection()->getSqlHelper()->getIsNullFunction($expression, $result); }
    protected function quoteName($name) { return $this->connection()->getSqlHelper()->quote($name); }
    public function TableExists($tableName) { return $this->connection()->isTableExists($tableName); }
    public function StartTransaction() { $this->connection()->startTransaction(); }
    public function Commit() { $this->connection()->commitTransaction(); }
    public function Rollback() { $this->connection()->rollbackTransaction(); }
    public function GetTableFieldsList($table) { return array_keys($this->connection()->getTableFields($table)); }
    public function PrepareInsert($strTableName, $arFields)
    {
        $cols = []; $vals = [];
        foreach ($arFields as $k => $v) {
            if ($k[0] === '~') { $cols[] = $this->quoteName(substr($k, 1)); $vals[] = $v; continue; }
            if (isset($arFields['~' . $k])) continue;
            $cols[] = $this->quoteName($k);
            $vals[] = ($v === null || $v === false) ? 'NULL' : "'" . $this->ForSql((string)$v) . "'";
        }
        return [implode(', ', $cols), implode(', ', $vals)];
    }
    public function PrepareUpdate($strTableName, $arFields)
    {
        $set = [];
        foreach ($arFields as $k => $v) {
            if ($k[0] === '~') { $set[] = $this->quoteName(substr($k, 1)) . ' = ' . $v; continue; }
            if (isset($arFields['~' . $k])) continue;
            $set[] = $this->quoteName($k) . ' = ' . (($v === null || $v === false) ? 'NULL' : "'" . $this->ForSql((string)$v) . "'");
        }
        return implode(', ', $set);
    }
    public function Add($tablename, $arFields, $arCLOBFields = [], $strFileDir = '', $ignore_errors = false, $error_position = '', $arOptions = [])
    {
        [$cols, $vals] = $this->PrepareInsert($tablename, $arFields);
        $this->Query('INSERT INTO ' . $this->quoteName($tablename) . " ($cols) VALUES ($vals)", $ignore_errors);
        return $this->LastID();
    }
    public function Update($table, $arFields, $WHERE = '', $error_position = '', $DEBUG = false, $ignore_errors = false, $additional_check = true)
    {
        $set = $this->PrepareUpdate($table, $arFields);
        if ($set === '') return 0;
        $this->Query('UPDATE ' . $this->quoteName($table) . " SET $set " . $WHERE, $ignore_errors);
        return $this->connection()->getAffectedRowsCount();
    }
    public function Insert($table, $arFields, $error_position = '', $DEBUG = false, $EXIST_ID = '', $ignore_errors = false)
    {
        $cols = implode(', ', array_keys($arFields)); $vals = implode(', ', array_values($arFields));
        $this->Query("INSERT INTO $table ($cols) VALUES ($vals)", $ignore_errors);
        return $this->LastID();
    }
    public function GetVersion() { return $this->connection()->getVersion()[0]; }
    public function DoConnect() { return true; }
    public function Disconnect() {}
}

class CDBResult
{
    /** @var \Bitrix\Main\DB\Result|null */
    public $result;
    public $arResult = null;
    public $NavPageCount = 1;
    public $NavPageNomer = 1;
    public $NavPageSize = 0;
    public $NavRecordCount = 0;
    public $bNavStart = false;
    protected $rows = null;
    protected $pos = 0;

    public function __construct($res = null)
    {
        if ($res instanceof CDBResult) { $this->result = $res->result; $this->arResult = $res->arResult; $this->rows = $res->rows; return; }
        if ($res instanceof \Bitrix\Main\DB\Result || $res instanceof \Bitrix\Main\ORM\Query\Result) $this->result = $res;
        elseif (is_array($res)) $this->InitFromArray($res);
    }
    public function InitFromArray($arr)
    {
        $this->rows = array_values(is_array($arr) ? $arr : []);
        $this->arResult = $this->rows;
        $this->pos = 0;
    }
    protected function loadAll()
    {
        if ($this->rows === null) {
            $this->rows = [];
            if ($this->result) while ($r = $this->result->fetch()) $this->rows[] = $r;
            $this->pos = 0;
        }
    }
    public function Fetch()
    {
        if ($this->rows === null && !$this->bNavStart) {
            if (!$this->result) return false;
            $r = $this->result instanceof \Bitrix\Main\ORM\Query\Result ? $this->result->fetch() : $this->result->fetch();
            return $r ?: false;
        }
        $this->loadAll();
        return $this->rows[$this->pos++] ?? false;
    }
    public function GetNext($bTextHtmlAuto = true, $use_tilda = true)
    {
        $r = $this->Fetch();
        if (!$r) return false;
        $out = [];
        foreach ($r as $k => $v) {
            $out[$k] = is_string($v) ? htmlspecialcharsbx($v) : $v;
            if ($use_tilda) $out['~' . $k] = $v;
        }
        return $out;
    }
    public function SelectedRowsCount()
    {
        if ($this->rows !== null) return count($this->rows);
        return $this->result ? $this->result->getSelectedRowsCount() : 0;
    }
    public function AffectedRowsCount() { return \Bitrix\Main\Application::getConnection()->getAffectedRowsCount(); }
    public function NavStart($nPageSize = 20, $bShowAll = true, $iNumPage = false)
    {
        $this->loadAll();
        $size = is_array($nPageSize) ? (int)($nPageSize['nPageSize'] ?? 20) : (int)$nPageSize;
        $size = $size > 0 ? $size : 20;
        $this->NavPageSize = $size;
        $this->NavRecordCount = count($this->rows);
        $this->NavPageCount = max(1, (int)ceil($this->NavRecordCount / $size));
        $page = $iNumPage !== false ? (int)$iNumPage : (int)($_REQUEST['PAGEN_1'] ?? 1);
        $this->NavPageNomer = min(max(1, $page), $this->NavPageCount);
        $this->rows = array_slice($this->rows, ($this->NavPageNomer - 1) * $size, $size);
        $this->pos = 0;
        $this->bNavStart = true;
    }
    public function GetPageNavStringEx(&$navComponentObject, $navigationTitle = '', $templateName = '', $showAlways = false)
    {
        $s = '';
        for ($i = 1; $i <= $this->NavPageCount; $i++) {
            $s .= $i === $this->NavPageNomer ? "<b>$i</b> " : '<a href="?PAGEN_1=' . $i . '">' . $i . '</a> ';
        }
        return '<div class="adm-navigation">' . htmlspecialcharsbx($navigationTitle) . ' ' . $s . '</div>';
    }
    public function GetNavPrint($title, $show_allways = false, $StyleText = 'text', $template_path = false)
    {
        $x = null;
        echo $this->GetPageNavStringEx($x, $title);
    }
}
