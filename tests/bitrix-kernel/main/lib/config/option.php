<?php
namespace Bitrix\Main\Config;

use Bitrix\Main\Application;
use Bitrix\Main\ArgumentException;
use Bitrix\Main\ArgumentNullException;
use Bitrix\Main\ArgumentOutOfRangeException;
use Bitrix\Main\Event;
use Bitrix\Main\Loader;

/**
 * Module options in b_option (site '-') and b_option_site; values come back as strings.
 * Defaults from the module's default_option.php are consulted only when $default == "".
 */
class Option
{
    protected static $options = [];      // [module][site or '-'][name] => string
    protected static $loadedDefaults = [];

    public static function get($moduleId, $name, $default = '', $siteId = false)
    {
        $value = static::getRealValue($moduleId, $name, $siteId);
        if ($value !== null) return $value;
        if ($default == '') {
            $defaults = static::getDefaults($moduleId);
            if (isset($defaults[$name])) return $defaults[$name];
        }
        return $default;
    }

    public static function getRealValue($moduleId, $name, $siteId = false)
    {
        if ($moduleId == '') throw new ArgumentNullException('moduleId');
        if ($name == '') throw new ArgumentNullException('name');
        if ($siteId === false) $siteId = static::getDefaultSite();
        $o = static::load($moduleId);
        if ($siteId !== '' && $siteId !== null && isset($o[$siteId]) && array_key_exists($name, $o[$siteId])) return $o[$siteId][$name];
        if (isset($o['-']) && array_key_exists($name, $o['-'])) return $o['-'][$name];
        return null;
    }

    public static function getDefaults($moduleId)
    {
        if (isset(static::$loadedDefaults[$moduleId])) return static::$loadedDefaults[$moduleId];
        if (preg_match('#[^a-zA-Z0-9._]#', $moduleId)) throw new ArgumentOutOfRangeException('moduleId');
        $defaults = [];
        $file = Loader::getLocal('modules/' . $moduleId . '/default_option.php');
        if ($file !== false) {
            $var = str_replace('.', '_', $moduleId) . '_default_option';
            $defaults = (static function ($__file, $__var) { include $__file; return isset($$__var) && is_array($$__var) ? $$__var : []; })($file, $var);
        }
        return static::$loadedDefaults[$moduleId] = $defaults;
    }

    public static function getForModule($moduleId, $siteId = false)
    {
        if ($moduleId == '') throw new ArgumentNullException('moduleId');
        if ($siteId === false) $siteId = static::getDefaultSite();
        $o = static::load($moduleId);
        $res = $o['-'] ?? [];
        if ($siteId !== '' && $siteId !== null && isset($o[$siteId])) $res = array_merge($res, $o[$siteId]);
        return $res;
    }

    protected static function load($moduleId)
    {
        if (!isset(static::$options[$moduleId])) {
            $c = Application::getConnection();
            $m = $c->getSqlHelper()->forSql($moduleId);
            $opts = ['-' => []];
            $r = $c->query("SELECT NAME, VALUE FROM b_option WHERE MODULE_ID = '$m'");
            while ($row = $r->fetchRaw()) $opts['-'][$row['NAME']] = (string)$row['VALUE'];
            $r = $c->query("SELECT SITE_ID, NAME, VALUE FROM b_option_site WHERE MODULE_ID = '$m'");
            while ($row = $r->fetchRaw()) $opts[$row['SITE_ID']][$row['NAME']] = (string)$row['VALUE'];
            static::$options[$moduleId] = $opts;
        }
        return static::$options[$moduleId];
    }

    public static function set($moduleId, $name, $value = '', $siteId = '')
    {
        if ($moduleId == '') throw new ArgumentNullException('moduleId');
        if ($name == '') throw new ArgumentNullException('name');
        if (mb_strlen($name) > 100) throw new ArgumentOutOfRangeException('name');
        if ($siteId === false) $siteId = static::getDefaultSite();
        $c = Application::getConnection();
        $h = $c->getSqlHelper();
        $value = (string)$value;
        // the kernel's merge: ON DUPLICATE KEY UPDATE on MySQL, ON CONFLICT ... DO UPDATE on PostgreSQL
        if ($siteId == '') {
            [$sql] = $h->prepareMerge('b_option', ['MODULE_ID', 'NAME'], ['MODULE_ID' => (string)$moduleId, 'NAME' => (string)$name, 'VALUE' => $value], ['VALUE' => $value]);
        } else {
            [$sql] = $h->prepareMerge('b_option_site', ['MODULE_ID', 'NAME', 'SITE_ID'],
                ['MODULE_ID' => (string)$moduleId, 'NAME' => (string)$name, 'SITE_ID' => mb_substr((string)$siteId, 0, 2), 'VALUE' => $value], ['VALUE' => $value]);
        }
        $c->queryExecute($sql);
        unset(static::$options[$moduleId]);
        (new Event('main', 'OnAfterSetOption_' . $name, ['value' => $value]))->send();
        (new Event('main', 'OnAfterSetOption', ['moduleId' => $moduleId, 'name' => $name, 'value' => $value, 'siteId' => $siteId]))->send();
    }

    /** delete($moduleId, ['name' => ..., 'site_id' => ...]); other filter keys are refused. */
    public static function delete($moduleId, array $filter = [])
    {
        if ($moduleId == '') throw new ArgumentNullException('moduleId');
        foreach ($filter as $k => $v) {
            if (!in_array($k, ['name', 'site_id'], true)) throw new ArgumentException(sprintf('Filter field "%s" is not allowed.', $k), 'filter');
        }
        if ($moduleId === 'main' && !isset($filter['name'])) throw new ArgumentException('Deleting all options of the main module is not allowed.', 'filter');
        $c = Application::getConnection();
        $h = $c->getSqlHelper();
        $where = "MODULE_ID = '" . $h->forSql($moduleId) . "'";
        if (isset($filter['name'])) {
            if ($filter['name'] == '') throw new ArgumentNullException('filter[name]');
            $where .= " AND NAME = '" . $h->forSql($filter['name']) . "'";
        }
        if (array_key_exists('site_id', $filter)) {
            if ($filter['site_id'] == '') {
                $c->queryExecute("DELETE FROM b_option WHERE $where");
            } else {
                $c->queryExecute("DELETE FROM b_option_site WHERE $where AND SITE_ID = '" . $h->forSql($filter['site_id'], 2) . "'");
            }
        } else {
            $c->queryExecute("DELETE FROM b_option WHERE $where");
            $c->queryExecute("DELETE FROM b_option_site WHERE $where");
        }
        unset(static::$options[$moduleId]);
    }

    protected static function getDefaultSite()
    {
        return defined('SITE_ID') ? SITE_ID : null;
    }

    /** @internal forget cached values (tests that write b_option directly). */
    public static function clearCache($moduleId = null)
    {
        if ($moduleId === null) { static::$options = []; static::$loadedDefaults = []; }
        else unset(static::$options[$moduleId], static::$loadedDefaults[$moduleId]);
    }
}
