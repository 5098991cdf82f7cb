<?php
namespace Bitrix\Main;

/**
 * Persistent handlers live in b_module_to_module (VERSION 1 = positional args, 2 = Main\Event);
 * runtime handlers are kept in memory. findEventHandlers() merges both, ordered by SORT.
 */
class EventManager
{
    protected static $instance;
    protected $handlers = [];      // runtime: [FROM][TYPE][key] => handler
    protected $dbHandlers = null;  // loaded from b_module_to_module: [FROM][TYPE][] => handler
    protected $nextKey = 0;

    protected function __construct() {}
    public static function getInstance() { return self::$instance ?? (self::$instance = new static()); }
    public static function setInstance($instance) { self::$instance = $instance; }

    protected static function uniqueId($from, $type, $toModule, $toPath, $toClass, $toMethod, $toMethodArg, $version)
    {
        return md5(mb_strtolower($from . '.' . $type . '.' . $toModule . '.' . $toPath . '.' . $toClass . '.' . $toMethod . '.' . $toMethodArg . '.' . $version));
    }

    protected function registerEventHandlerInternal($from, $type, $toModule, $toClass, $toMethod, $sort, $toPath, $toMethodArg, $version)
    {
        $toMethodArg = is_array($toMethodArg) && $toMethodArg ? serialize($toMethodArg) : '';
        $c = Application::getConnection();
        $h = $c->getSqlHelper();
        $toClass = is_string($toClass) ? $toClass : '';
        $uid = static::uniqueId($from, $type, $toModule, $toPath, $toClass, $toMethod, $toMethodArg, $version);
        $c->queryExecute($h->getInsertIgnore('b_module_to_module',
            ' (TIMESTAMP_X, SORT, FROM_MODULE_ID, MESSAGE_ID, TO_MODULE_ID, TO_CLASS, TO_METHOD, TO_PATH, TO_METHOD_ARG, VERSION, UNIQUE_ID)', ' VALUES ('
            . $h->getCurrentDateTimeFunction() . ', ' . (int)$sort . ", '" . $h->forSql($from, 50) . "', '" . $h->forSql($type, 255) . "', '" . $h->forSql($toModule, 50) . "', '"
            . $h->forSql($toClass, 255) . "', '" . $h->forSql($toMethod, 255) . "', '" . $h->forSql($toPath, 255) . "', '" . $h->forSql($toMethodArg, 255) . "', "
            . (int)$version . ", '" . $uid . "')"
        ));
        $this->clearLoadedHandlers();
    }

    public function registerEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = [])
    {
        $this->registerEventHandlerInternal($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod, $sort, $toPath, $toMethodArg, 2);
    }

    public function registerEventHandlerCompatible($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $sort = 100, $toPath = '', $toMethodArg = [])
    {
        $this->registerEventHandlerInternal($fromModuleId, $eventType, $toModuleId, $toClass, $toMethod, $sort, $toPath, $toMethodArg, 1);
    }

    public function unRegisterEventHandler($fromModuleId, $eventType, $toModuleId, $toClass = '', $toMethod = '', $toPath = '', $toMethodArg = [])
    {
        $toMethodArg = is_array($toMethodArg) && $toMethodArg ? serialize($toMethodArg) : '';
        $c = Application::getConnection();
        $h = $c->getSqlHelper();
        $sql = "DELETE FROM b_module_to_module WHERE FROM_MODULE_ID='" . $h->forSql($fromModuleId) . "' AND MESSAGE_ID='" . $h->forSql($eventType) . "'"
            . " AND TO_MODULE_ID='" . $h->forSql($toModuleId) . "'"
            . ($toClass !== '' && is_string($toClass) ? " AND TO_CLASS='" . $h->forSql($toClass) . "'" : " AND (TO_CLASS IS NULL OR TO_CLASS='')")
            . ($toMethod !== '' ? " AND TO_METHOD='" . $h->forSql($toMethod) . "'" : " AND (TO_METHOD IS NULL OR TO_METHOD='')")
            . ($toPath !== '' ? " AND TO_PATH='" . $h->forSql($toPath) . "'" : '')
            . ($toMethodArg !== '' ? " AND TO_METHOD_ARG='" . $h->forSql($toMethodArg) . "'" : '');
        $c->queryExecute($sql);
        $this->clearLoadedHandlers();
    }

    protected function addEventHandlerInternal($fromModuleId, $eventType, $callback, $includeFile, $sort, $version)
    {
        $key = $this->nextKey++;
        $this->handlers[strtoupper($fromModuleId)][strtoupper($eventType)][$key] = [
            'FROM_MODULE_ID' => $fromModuleId, 'MESSAGE_ID' => $eventType, 'CALLBACK' => $callback,
            'SORT' => (int)$sort, 'FULL_PATH' => $includeFile, 'VERSION' => $version,
            'TO_NAME' => $this->formatEventName(['CALLBACK' => $callback]), 'TO_MODULE_ID' => '', 'TO_CLASS' => '', 'TO_METHOD' => '', 'TO_PATH' => '', 'TO_METHOD_ARG' => [],
        ];
        return $key;
    }

    public function addEventHandler($fromModuleId, $eventType, $callback, $includeFile = false, $sort = 100)
    {
        return $this->addEventHandlerInternal($fromModuleId, $eventType, $callback, $includeFile, $sort, 2);
    }

    public function addEventHandlerCompatible($fromModuleId, $eventType, $callback, $includeFile = false, $sort = 100)
    {
        return $this->addEventHandlerInternal($fromModuleId, $eventType, $callback, $includeFile, $sort, 1);
    }

    public function removeEventHandler($fromModuleId, $eventType, $iEventHandlerKey)
    {
        $f = strtoupper($fromModuleId); $t = strtoupper($eventType);
        if (isset($this->handlers[$f][$t][$iEventHandlerKey])) {
            unset($this->handlers[$f][$t][$iEventHandlerKey]);
            return true;
        }
        return false;
    }

    protected function formatEventName($h)
    {
        if (isset($h['CALLBACK'])) {
            $c = $h['CALLBACK'];
            if (is_array($c)) return (is_object($c[0]) ? get_class($c[0]) : $c[0]) . '::' . $c[1];
            if (is_string($c)) return $c;
            return 'closure';
        }
        return ($h['TO_CLASS'] ?? '') . '::' . ($h['TO_METHOD'] ?? '');
    }

    public function clearLoadedHandlers() { $this->dbHandlers = null; }

    protected function loadDbHandlers()
    {
        if ($this->dbHandlers !== null) return;
        $this->dbHandlers = [];
        $c = Application::getConnection();
        if (!$c->isTableExists('b_module_to_module')) return;
        $r = $c->query('SELECT m2m.* FROM b_module_to_module m2m INNER JOIN b_module m ON (m2m.TO_MODULE_ID = m.ID) ORDER BY SORT, ID');
        while ($row = $r->fetchRaw()) {
            $arg = $row['TO_METHOD_ARG'] ?? '';
            $row['TO_METHOD_ARG'] = $arg !== '' ? (unserialize($arg, ['allowed_classes' => false]) ?: []) : [];
            $row['SORT'] = (int)$row['SORT'];
            $row['VERSION'] = (int)$row['VERSION'];
            $row['TO_NAME'] = $this->formatEventName($row);
            $this->dbHandlers[strtoupper($row['FROM_MODULE_ID'])][strtoupper($row['MESSAGE_ID'])][] = $row;
        }
    }

    public function findEventHandlers($eventModuleId, $eventType, array $filter = null)
    {
        $this->loadDbHandlers();
        $f = strtoupper($eventModuleId); $t = strtoupper($eventType);
        $list = array_merge($this->dbHandlers[$f][$t] ?? [], array_values($this->handlers[$f][$t] ?? []));
        if ($filter !== null) {
            $list = array_values(array_filter($list, fn($h) => in_array($h['TO_MODULE_ID'] ?? '', $filter, true)));
        }
        // stable sort by SORT
        $i = 0;
        foreach ($list as &$h) $h['__i'] = $i++;
        unset($h);
        usort($list, fn($a, $b) => [$a['SORT'], $a['__i']] <=> [$b['SORT'], $b['__i']]);
        foreach ($list as &$h) unset($h['__i']);
        unset($h);
        return $list;
    }

    public function send(Event $event)
    {
        foreach ($this->findEventHandlers($event->getModuleId(), $event->getEventType(), $event->getFilter()) as $handler) {
            $this->sendToEventHandler($handler, $event);
        }
    }

    protected function sendToEventHandler(array $handler, Event $event)
    {
        try {
            $result = true;
            $includeResult = true;
            if (!empty($handler['TO_MODULE_ID']) && $handler['TO_MODULE_ID'] !== 'main') {
                $result = Loader::includeModule($handler['TO_MODULE_ID']);
            } elseif (!empty($handler['TO_PATH'])) {
                $path = Loader::getLocal(ltrim($handler['TO_PATH'], '/'));
                if ($path !== false) $includeResult = include_once $path;
            } elseif (!empty($handler['FULL_PATH']) && is_file($handler['FULL_PATH'])) {
                $includeResult = include_once $handler['FULL_PATH'];
            }
            if (!$result) return;
            $args = !empty($handler['TO_METHOD_ARG']) && is_array($handler['TO_METHOD_ARG']) ? $handler['TO_METHOD_ARG'] : [];
            if ($handler['VERSION'] > 1) $args[] = $event;
            else $args = array_merge($args, array_values($event->getParameters()));
            $callback = null;
            if (isset($handler['CALLBACK'])) $callback = $handler['CALLBACK'];
            elseif (!empty($handler['TO_CLASS']) && !empty($handler['TO_METHOD']) && class_exists($handler['TO_CLASS'])) $callback = [$handler['TO_CLASS'], $handler['TO_METHOD']];
            $result = $callback !== null ? call_user_func_array($callback, $args) : $includeResult;
            if ($result != null && !($result instanceof EventResult)) {
                $result = new EventResult(EventResult::UNDEFINED, $result, $handler['TO_MODULE_ID'] ?? null);
            }
            if ($result != null) $event->addResult($result);
        } catch (\Exception $ex) {
            if ($event->isDebugOn()) $event->addException($ex);
            else throw $ex;
        }
    }
}
