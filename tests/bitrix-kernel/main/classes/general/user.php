<?php
use Bitrix\Main\Application;

/**
 * $USER: session-based authorization (session key SESS_AUTH, as in the kernel). Group 1 = administrators,
 * group 2 = everyone (always in the list). Passwords are stored with password_hash() (the kernel uses its own hash).
 */
class CUser
{
    public $LAST_ERROR = '';
    protected $auth = null; // ['USER_ID', 'LOGIN', 'EMAIL', 'NAME', 'LAST_NAME', 'GROUPS', 'AUTHORIZED']

    public function __construct()
    {
        if (isset($_SESSION['SESS_AUTH']) && is_array($_SESSION['SESS_AUTH']) && ($_SESSION['SESS_AUTH']['AUTHORIZED'] ?? '') === 'Y') {
            $this->auth = $_SESSION['SESS_AUTH'];
        }
    }
    protected static function db() { return Application::getConnection(); }

    public function IsAuthorized() { return $this->auth !== null; }
    public function GetID() { return $this->auth ? (int)$this->auth['USER_ID'] : null; }
    public function GetLogin() { return $this->auth['LOGIN'] ?? ''; }
    public function GetEmail() { return $this->auth['EMAIL'] ?? ''; }
    public function GetFirstName() { return $this->auth['NAME'] ?? ''; }
    public function GetLastName() { return $this->auth['LAST_NAME'] ?? ''; }
    public function GetFullName() { return trim(($this->auth['NAME'] ?? '') . ' ' . ($this->auth['LAST_NAME'] ?? '')); }
    public function GetFormattedName($bUseBreaks = true, $bHTMLSpec = true)
    {
        $n = $this->GetFullName() ?: $this->GetLogin();
        return $bHTMLSpec ? htmlspecialcharsbx($n) : $n;
    }
    public function GetParam($name) { return $this->auth[$name] ?? null; }
    public function SetParam($name, $value) { if ($this->auth !== null) { $this->auth[$name] = $value; $_SESSION['SESS_AUTH'] = $this->auth; } }
    public function GetUserGroupArray()
    {
        if ($this->auth === null) return [2];
        return $this->auth['GROUPS'];
    }
    public function GetUserGroupString() { return implode(',', $this->GetUserGroupArray()); }
    public function GetUserGroupList() { return new CDBResult(array_map(fn($g) => ['GROUP_ID' => $g], $this->GetUserGroupArray())); }
    public function IsAdmin() { return in_array(1, array_map('intval', $this->GetUserGroupArray()), true); }
    /**
     * Operations are not modelled one by one: administrators can do everything; "view_*" operations need
     * the main module right >= R (the kernel's "view all settings" task), "edit_*" need W; others admin only.
     */
    public function CanDoOperation($op_name, $user_id = 0)
    {
        if ($this->IsAdmin()) return true;
        $right = CMain::GetGroupRight('main', $this->GetUserGroupArray());
        if (strncmp($op_name, 'view_', 5) === 0) return $right >= 'R';
        if (strncmp($op_name, 'edit_', 5) === 0) return $right >= 'W';
        return false;
    }
    public function CanAccess($arCodes) { return $this->IsAdmin(); }

    public static function GetUserGroup($ID)
    {
        $ID = (int)$ID;
        $groups = [];
        $r = static::db()->query("SELECT UG.GROUP_ID FROM b_user_group UG INNER JOIN b_group G ON (G.ID = UG.GROUP_ID AND G.ACTIVE = 'Y') WHERE UG.USER_ID = $ID AND (UG.DATE_ACTIVE_FROM IS NULL OR UG.DATE_ACTIVE_FROM <= NOW()) AND (UG.DATE_ACTIVE_TO IS NULL OR UG.DATE_ACTIVE_TO >= NOW()) ORDER BY UG.GROUP_ID");
        while ($row = $r->fetchRaw()) $groups[] = $row['GROUP_ID'];
        if (!in_array('2', $groups, true)) $groups[] = '2';
        return $groups;
    }

    /** Logs the user in by ID (no password), as the kernel's Authorize(). */
    public function Authorize($id, $bSave = false, $bUpdate = true, $applicationId = null, $onlyActive = true)
    {
        $id = (int)$id;
        $row = static::db()->query("SELECT * FROM b_user WHERE ID = $id" . ($onlyActive ? " AND ACTIVE = 'Y'" : ''))->fetchRaw();
        if (!$row) return false;
        $this->auth = ['AUTHORIZED' => 'Y', 'USER_ID' => (int)$row['ID'], 'LOGIN' => $row['LOGIN'], 'EMAIL' => $row['EMAIL'], 'NAME' => $row['NAME'],
            'LAST_NAME' => $row['LAST_NAME'], 'GROUPS' => static::GetUserGroup($id), 'SESSION_HASH' => md5(uniqid('', true))];
        $_SESSION['SESS_AUTH'] = $this->auth;
        if ($bUpdate) static::db()->queryExecute("UPDATE b_user SET LAST_LOGIN = NOW() WHERE ID = $id");
        foreach (GetModuleEvents('main', 'OnAfterUserAuthorize', true) as $e) ExecuteModuleEventEx($e, [['user_fields' => $row]]);
        return true;
    }

    /** true, or ['MESSAGE' => ..., 'TYPE' => 'ERROR'] */
    public function Login($login, $password, $remember = 'N', $password_original = 'Y')
    {
        $h = static::db()->getSqlHelper();
        $row = static::db()->query("SELECT ID, " . $h->quote('PASSWORD') . ", ACTIVE, BLOCKED FROM b_user WHERE LOGIN = '" . $h->forSql($login) . "' AND (EXTERNAL_AUTH_ID IS NULL OR EXTERNAL_AUTH_ID = '')")->fetchRaw();
        if ($row && $row['ACTIVE'] === 'Y' && $row['BLOCKED'] !== 'Y' && password_verify((string)$password, (string)$row['PASSWORD'])) {
            if (session_status() === PHP_SESSION_ACTIVE) session_regenerate_id(true);
            unset($_SESSION['fixed_session_id']);
            $this->Authorize($row['ID']);
            return true;
        }
        $msg = GetMessage('WRONG_LOGIN') ?: 'Incorrect login or password';
        $GLOBALS['APPLICATION']->ThrowException($msg);
        return ['MESSAGE' => $msg, 'TYPE' => 'ERROR'];
    }

    public function Logout()
    {
        $this->auth = null;
        unset($_SESSION['SESS_AUTH']);
        unset($_SESSION['fixed_session_id']);
    }

    public static function GetByID($ID)
    {
        return new CDBResult(static::db()->query('SELECT * FROM b_user WHERE ID = ' . (int)$ID));
    }
    public static function GetByLogin($LOGIN)
    {
        return new CDBResult(static::db()->query("SELECT * FROM b_user WHERE LOGIN = '" . static::db()->getSqlHelper()->forSql($LOGIN) . "'"));
    }
    public static function GetList($by = '', $order = '', $arFilter = [], $arParams = [])
    {
        $h = static::db()->getSqlHelper();
        $w = [];
        foreach ((array)$arFilter as $k => $v) {
            if (in_array($k, ['ID', 'LOGIN', 'EMAIL', 'ACTIVE'], true)) $w[] = 'U.' . $h->quote($k) . " = '" . $h->forSql($v) . "'";
            if ($k === 'GROUPS_ID') $w[] = 'U.ID IN (SELECT USER_ID FROM b_user_group WHERE GROUP_ID IN (' . implode(',', array_map('intval', (array)$v)) . '))';
        }
        return new CDBResult(static::db()->query('SELECT U.* FROM b_user U' . ($w ? ' WHERE ' . implode(' AND ', $w) : '') . ' ORDER BY U.ID'));
    }

    /** $user->Add(['LOGIN', 'PASSWORD', 'CONFIRM_PASSWORD', 'EMAIL', 'NAME', 'LAST_NAME', 'ACTIVE', 'GROUP_ID' => [ids]]) */
    public function Add($arFields)
    {
        $this->LAST_ERROR = '';
        $login = trim((string)($arFields['LOGIN'] ?? ''));
        $pass = (string)($arFields['PASSWORD'] ?? '');
        if (mb_strlen($login) < 3) $this->LAST_ERROR .= (GetMessage('MIN_LOGIN') ?: 'Login must be at least 3 characters') . '<br>';
        if (mb_strlen($pass) < 6) $this->LAST_ERROR .= (GetMessage('MIN_PASSWORD') ?: 'Password must be at least 6 characters') . '<br>';
        if (isset($arFields['CONFIRM_PASSWORD']) && $arFields['CONFIRM_PASSWORD'] !== $pass) $this->LAST_ERROR .= (GetMessage('WRONG_CONFIRMATION') ?: 'Password confirmation does not match') . '<br>';
        if ($login !== '' && static::GetByLogin($login)->Fetch()) $this->LAST_ERROR .= str_replace('#LOGIN#', htmlspecialcharsbx($login), GetMessage('USER_EXIST') ?: 'User with login "#LOGIN#" already exists') . '<br>';
        if ($this->LAST_ERROR !== '') {
            $GLOBALS['APPLICATION']->ThrowException($this->LAST_ERROR);
            return false;
        }
        $c = static::db();
        $id = $c->add('b_user', [
            'LOGIN' => $login, 'PASSWORD' => password_hash($pass, PASSWORD_DEFAULT), 'EMAIL' => $arFields['EMAIL'] ?? null,
            'NAME' => $arFields['NAME'] ?? null, 'LAST_NAME' => $arFields['LAST_NAME'] ?? null,
            'ACTIVE' => ($arFields['ACTIVE'] ?? 'Y') === 'N' ? 'N' : 'Y', 'LID' => $arFields['LID'] ?? SITE_ID,
            'DATE_REGISTER' => new \Bitrix\Main\DB\SqlExpression('NOW()'), 'TIMESTAMP_X' => new \Bitrix\Main\DB\SqlExpression('NOW()'),
        ]);
        if (isset($arFields['GROUP_ID'])) static::SetUserGroup($id, $arFields['GROUP_ID']);
        return $id;
    }
    public function Update($ID, $arFields)
    {
        $set = [];
        foreach (['LOGIN', 'EMAIL', 'NAME', 'LAST_NAME', 'ACTIVE', 'BLOCKED'] as $k) if (array_key_exists($k, $arFields)) $set[$k] = $arFields[$k];
        if (!empty($arFields['PASSWORD'])) $set['PASSWORD'] = password_hash((string)$arFields['PASSWORD'], PASSWORD_DEFAULT);
        if ($set) {
            [$sql] = static::db()->getSqlHelper()->prepareUpdate('b_user', $set);
            static::db()->queryExecute('UPDATE b_user SET ' . $sql . ' WHERE ID = ' . (int)$ID);
        }
        if (isset($arFields['GROUP_ID'])) static::SetUserGroup($ID, $arFields['GROUP_ID']);
        return true;
    }
    public static function Delete($ID)
    {
        $ID = (int)$ID;
        if ($ID === 1) return false; // the kernel refuses to delete the first administrator only through its own checks; keep it
        static::db()->queryExecute("DELETE FROM b_user_group WHERE USER_ID = $ID");
        static::db()->queryExecute("DELETE FROM b_user WHERE ID = $ID");
        return true;
    }
    /** $groups: [id, ...] or [['GROUP_ID' => id, 'DATE_ACTIVE_FROM' => ..., 'DATE_ACTIVE_TO' => ...], ...] */
    public static function SetUserGroup($USER_ID, $groups)
    {
        $USER_ID = (int)$USER_ID;
        static::db()->queryExecute("DELETE FROM b_user_group WHERE USER_ID = $USER_ID");
        foreach ((array)$groups as $g) {
            $gid = (int)(is_array($g) ? ($g['GROUP_ID'] ?? 0) : $g);
            if ($gid > 0) static::db()->queryExecute(static::db()->getSqlHelper()->getInsertIgnore('b_user_group', ' (USER_ID, GROUP_ID)', " VALUES ($USER_ID, $gid)"));
        }
    }
    public static function GetUserGroupEx($ID) { return new CDBResult(array_map(fn($g) => ['GROUP_ID' => $g], static::GetUserGroup($ID))); }
}
