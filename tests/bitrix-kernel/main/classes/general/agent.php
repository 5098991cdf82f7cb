<?php
use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;

/**
 * Agents in b_agent. ExecuteAgents(): due agents (NEXT_EXEC <= now, no live DATE_CHECK lock) are
 * locked for 600 s, their module is included, NAME is eval'ed with $USER = null; a returned string
 * reschedules the agent under that NAME (interval from NEXT_EXEC if IS_PERIOD=Y, else from now),
 * "" deletes it. In cron mode (BX_CRONTAB) only IS_PERIOD='N' agents run, on hits only 'Y'
 * (when cron support is on).
 */
class CAllAgent
{
    protected const LOCK_TIME = 600;

    public static function AddAgent($name, $module = '', $period = 'N', $interval = 86400, $datecheck = '', $active = 'Y', $next_exec = '', $sort = 100, $user_id = false, $existError = true)
    {
        global $DB, $APPLICATION;
        $z = $DB->Query("SELECT ID FROM b_agent WHERE NAME = '" . $DB->ForSql($name) . "' AND USER_ID" . ($user_id ? ' = ' . (int)$user_id : ' IS NULL'));
        if (!($agent = $z->Fetch())) {
            $f = ['MODULE_ID' => $module, 'SORT' => $sort, 'NAME' => $name, 'ACTIVE' => $active, 'AGENT_INTERVAL' => $interval, 'IS_PERIOD' => $period, 'USER_ID' => $user_id];
            $next_exec = (string)$next_exec;
            if ($next_exec !== '') $f['NEXT_EXEC'] = $next_exec;
            if ((string)$datecheck !== '') $f['DATE_CHECK'] = $datecheck;
            return CAgent::Add($f);
        }
        if (!$existError) return $agent['ID'];
        if ($APPLICATION instanceof CMain) {
            $APPLICATION->ThrowException(new CAdminException([['id' => 'agent_exist', 'text' => ($user_id
                ? Loc::getMessage('MAIN_AGENT_ERROR_EXIST_FOR_USER', ['#AGENT#' => $name, '#USER_ID#' => $user_id])
                : Loc::getMessage('MAIN_AGENT_ERROR_EXIST_EXT', ['#AGENT#' => $name])) ?? "Agent $name already exists"]]));
        }
        return false;
    }

    public static function Add($arFields)
    {
        global $DB;
        if (!CAgent::CheckFields($arFields)) return false;
        $row = [
            'MODULE_ID' => ($arFields['MODULE_ID'] ?? '') === '' ? null : $arFields['MODULE_ID'],
            'SORT' => (int)($arFields['SORT'] ?? 100),
            'NAME' => $arFields['NAME'],
            'ACTIVE' => ($arFields['ACTIVE'] ?? 'Y') === 'Y' ? 'Y' : 'N',
            'AGENT_INTERVAL' => (int)($arFields['AGENT_INTERVAL'] ?? 86400),
            'IS_PERIOD' => ($arFields['IS_PERIOD'] ?? 'Y') === 'Y' ? 'Y' : 'N',
            'USER_ID' => !empty($arFields['USER_ID']) ? (int)$arFields['USER_ID'] : null,
        ];
        if (isset($arFields['NEXT_EXEC'])) $row['~NEXT_EXEC'] = $DB->CharToDateFunction($arFields['NEXT_EXEC']);
        else $row['~NEXT_EXEC'] = $DB->GetNowDate();
        if (isset($arFields['DATE_CHECK']) && $arFields['DATE_CHECK'] !== '') $row['~DATE_CHECK'] = $DB->CharToDateFunction($arFields['DATE_CHECK']);
        $ID = $DB->Add('b_agent', $row);
        foreach (GetModuleEvents('main', 'OnAfterAgentAdd', true) as $arEvent) ExecuteModuleEventEx($arEvent, [$arFields]);
        return $ID;
    }

    public static function RemoveAgent($name, $module = '', $user_id = false)
    {
        global $DB;
        $m = trim((string)$module) === '' ? '(MODULE_ID IS NULL OR LENGTH(MODULE_ID) = 0)' : "MODULE_ID = '" . $DB->ForSql($module, 50) . "'";
        $DB->Query("DELETE FROM b_agent WHERE NAME = '" . $DB->ForSql($name) . "' AND $m AND USER_ID" . ($user_id ? ' = ' . (int)$user_id : ' IS NULL'));
    }
    public static function Delete($id)
    {
        global $DB;
        $id = (int)$id;
        if ($id <= 0) return false;
        $DB->Query('DELETE FROM b_agent WHERE ID = ' . $id);
        return true;
    }
    public static function RemoveModuleAgents($module)
    {
        global $DB;
        if ((string)$module !== '') $DB->Query("DELETE FROM b_agent WHERE MODULE_ID='" . $DB->ForSql($module, 255) . "'");
    }
    public static function Update($ID, $arFields)
    {
        global $DB;
        $ID = (int)$ID;
        if (isset($arFields['ACTIVE']) && $arFields['ACTIVE'] !== 'Y') $arFields['ACTIVE'] = 'N';
        if (isset($arFields['IS_PERIOD']) && $arFields['IS_PERIOD'] !== 'Y') $arFields['IS_PERIOD'] = 'N';
        if (!CAgent::CheckFields($arFields, !isset($arFields['NAME']))) return false;
        foreach (['NEXT_EXEC', 'LAST_EXEC', 'DATE_CHECK'] as $d) {
            if (array_key_exists($d, $arFields)) { $arFields['~' . $d] = $arFields[$d] === '' || $arFields[$d] === null ? 'NULL' : $DB->CharToDateFunction($arFields[$d]); unset($arFields[$d]); }
        }
        $DB->Update('b_agent', $arFields, 'WHERE ID=' . $ID);
        return true;
    }
    public static function GetById($ID) { return CAgent::GetList([], ['ID' => (int)$ID]); }

    public static function GetList($arOrder = ['ID' => 'DESC'], $arFilter = [])
    {
        global $DB;
        $where = []; $order = [];
        $fields = ['ID' => 'A.ID', 'ACTIVE' => 'A.ACTIVE', 'IS_PERIOD' => 'A.IS_PERIOD', 'NAME' => 'A.NAME', 'MODULE_ID' => 'A.MODULE_ID', 'USER_ID' => 'A.USER_ID',
            'LAST_EXEC' => 'A.LAST_EXEC', 'AGENT_INTERVAL' => 'A.AGENT_INTERVAL', 'NEXT_EXEC' => 'A.NEXT_EXEC', 'DATE_CHECK' => 'A.DATE_CHECK', 'SORT' => 'A.SORT'];
        foreach ((array)$arFilter as $key => $val) {
            if ((string)$val === '') continue;
            switch (strtoupper($key)) {
                case 'ID': $where[] = 'A.ID=' . (int)$val; break;
                case 'ACTIVE': case 'IS_PERIOD':
                    $t = mb_strtoupper($val);
                    if ($t === 'Y' || $t === 'N') $where[] = 'A.' . strtoupper($key) . "='$t'";
                    break;
                case 'NAME': $where[] = "A.NAME LIKE '" . $DB->ForSqlLike($val) . "'"; break;
                case '=NAME': $where[] = "A.NAME = '" . $DB->ForSql($val) . "'"; break;
                case 'MODULE_ID': $where[] = "A.MODULE_ID = '" . $DB->ForSql($val) . "'"; break;
                case 'USER_ID': $where[] = 'A.USER_ID ' . ((int)$val <= 0 ? 'IS NULL' : '=' . (int)$val); break;
            }
        }
        foreach ((array)$arOrder as $by => $ord) {
            $by = mb_strtoupper($by);
            if (isset($fields[$by])) $order[] = $fields[$by] . ' ' . (mb_strtoupper($ord) === 'ASC' ? 'ASC' : 'DESC');
        }
        $sql = 'SELECT A.ID, A.MODULE_ID, A.USER_ID, B.LOGIN, B.NAME as USER_NAME, B.LAST_NAME, A.SORT, A.NAME, A.ACTIVE, A.RUNNING, '
            . $DB->DateToCharFunction('A.LAST_EXEC') . ' as LAST_EXEC, ' . $DB->DateToCharFunction('A.NEXT_EXEC') . ' as NEXT_EXEC, '
            . $DB->DateToCharFunction('A.DATE_CHECK') . ' as DATE_CHECK, A.AGENT_INTERVAL, A.IS_PERIOD, A.RETRY_COUNT '
            . 'FROM b_agent A LEFT JOIN b_user B ON(A.USER_ID = B.ID)'
            . ($where ? ' WHERE ' . implode(' AND ', $where) : '') . ($order ? ' ORDER BY ' . implode(', ', $order) : '');
        return $DB->Query($sql);
    }

    public static function CheckFields($arFields, $ign_name = false)
    {
        global $DB, $APPLICATION;
        $err = [];
        if (!$ign_name && (!isset($arFields['NAME']) || mb_strlen(trim($arFields['NAME'])) <= 2)) $err[] = ['id' => 'NAME', 'text' => Loc::getMessage('MAIN_AGENT_ERROR_NAME') ?? 'Agent name is empty'];
        if (array_key_exists('NEXT_EXEC', $arFields) && ($arFields['NEXT_EXEC'] == '' || !$DB->IsDate($arFields['NEXT_EXEC'], false, false, 'FULL'))) $err[] = ['id' => 'NEXT_EXEC', 'text' => Loc::getMessage('MAIN_AGENT_ERROR_NEXT_EXEC') ?? 'Incorrect next execution date'];
        if (array_key_exists('DATE_CHECK', $arFields) && $arFields['DATE_CHECK'] != '' && !$DB->IsDate($arFields['DATE_CHECK'], false, false, 'FULL')) $err[] = ['id' => 'DATE_CHECK', 'text' => 'Incorrect check date'];
        if (array_key_exists('LAST_EXEC', $arFields) && $arFields['LAST_EXEC'] != '' && !$DB->IsDate($arFields['LAST_EXEC'], false, false, 'FULL')) $err[] = ['id' => 'LAST_EXEC', 'text' => 'Incorrect last execution date'];
        if ($err) {
            if ($APPLICATION instanceof CMain) $APPLICATION->ThrowException(new CAdminException($err));
            return false;
        }
        return true;
    }

    /** null: no cron support; true: this is the cron run; false: a hit while agents run on cron. */
    protected static function OnCron()
    {
        if (COption::GetOptionString('main', 'agents_use_crontab', 'N') === 'Y' || (defined('BX_CRONTAB_SUPPORT') && BX_CRONTAB_SUPPORT === true)) {
            return defined('BX_CRONTAB') && BX_CRONTAB === true;
        }
        return null;
    }

    public static function CheckAgents()
    {
        if ((defined('NO_AGENT_CHECK') && NO_AGENT_CHECK === true)) return null;
        return CAgent::ExecuteAgents();
    }

    public static function ExecuteAgents()
    {
        global $DB, $pPERIOD, $USER;
        $cron = static::OnCron();
        $crontab = $cron === null ? '' : ($cron ? " AND IS_PERIOD='N' " : " AND IS_PERIOD='Y' ");
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $now = $helper->getCurrentDateTimeFunction();
        $due = $DB->Query("SELECT 'x' FROM b_agent WHERE ACTIVE = 'Y' AND NEXT_EXEC <= $now AND (DATE_CHECK IS NULL OR DATE_CHECK <= $now) $crontab LIMIT 1");
        if (!$due->Fetch()) return '';
        if (!$connection->lock('agent')) return '';
        $limit = $cron ? COption::GetOptionInt('main', 'agents_cron_limit', 1000) : COption::GetOptionInt('main', 'agents_limit', 100);
        $res = $DB->Query("SELECT ID, NAME, AGENT_INTERVAL, IS_PERIOD, MODULE_ID, RETRY_COUNT FROM b_agent WHERE ACTIVE = 'Y' AND NEXT_EXEC <= $now AND (DATE_CHECK IS NULL OR DATE_CHECK <= $now) $crontab ORDER BY RUNNING ASC, SORT desc" . ($limit > 0 ? ' LIMIT ' . (int)$limit : ''));
        $agents = []; $ids = [];
        while ($a = $res->Fetch()) { $agents[] = $a; $ids[] = (int)$a['ID']; }
        if ($ids) $DB->Query('UPDATE b_agent SET DATE_CHECK = ' . $helper->addSecondsToDateTime(self::LOCK_TIME) . ' WHERE ID IN (' . implode(', ', $ids) . ')');
        $connection->unlock('agent');
        $logFunction = (defined('BX_AGENTS_LOG_FUNCTION') && function_exists(BX_AGENTS_LOG_FUNCTION)) ? BX_AGENTS_LOG_FUNCTION : false;
        $startTime = time();
        foreach ($agents as $arAgent) {
            if (time() - $startTime > self::LOCK_TIME - 30) break;
            if ($logFunction) $logFunction($arAgent, 'start');
            if ((string)$arAgent['MODULE_ID'] !== '' && $arAgent['MODULE_ID'] !== 'main') {
                if (!CModule::IncludeModule($arAgent['MODULE_ID'])) continue;
            }
            $DB->Query("UPDATE b_agent SET RUNNING = 'Y', RETRY_COUNT = RETRY_COUNT+1 WHERE ID = " . (int)$arAgent['ID']);
            $pPERIOD = $arAgent['AGENT_INTERVAL'];
            // global $USER is not available inside an agent (as in the kernel; it is not restored)
            $USER = null;
            try {
                $eval_result = '';
                $e = eval('$eval_result=' . $arAgent['NAME']);
            } catch (\Throwable $exception) {
                Application::getInstance()->getExceptionHandler()->writeToLog(new \Bitrix\Main\SystemException("Error in agent {$arAgent['NAME']}.", 0, '', 0, $exception));
                continue;
            }
            if ($logFunction) $logFunction($arAgent, 'finish', $eval_result, $e);
            if ($e === false) continue;
            if ($eval_result == '') {
                $sql = 'DELETE FROM b_agent WHERE ID = ' . (int)$arAgent['ID'];
            } else {
                $sql = "UPDATE b_agent SET NAME = '" . $DB->ForSql($eval_result) . "', LAST_EXEC = $now, NEXT_EXEC = "
                    . $helper->addSecondsToDateTime((int)$pPERIOD, $arAgent['IS_PERIOD'] === 'Y' ? 'NEXT_EXEC' : null)
                    . ", DATE_CHECK = NULL, RUNNING = 'N', RETRY_COUNT = 0 WHERE ID = " . (int)$arAgent['ID'];
            }
            $DB->Query($sql);
        }
        return null;
    }
}

class CAgent extends CAllAgent {}
