<?php
namespace Bitrix\Main\ORM\Data;

use Bitrix\Main\ArgumentException;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ORM\Entity;
use Bitrix\Main\ORM\Event;
use Bitrix\Main\ORM\EventResult;
use Bitrix\Main\ORM\Fields;
use Bitrix\Main\ORM\Query\Query;

Loc::loadMessages(__FILE__);

abstract class DataManager
{
    const EVENT_ON_BEFORE_ADD = 'OnBeforeAdd';
    const EVENT_ON_ADD = 'OnAdd';
    const EVENT_ON_AFTER_ADD = 'OnAfterAdd';
    const EVENT_ON_BEFORE_UPDATE = 'OnBeforeUpdate';
    const EVENT_ON_UPDATE = 'OnUpdate';
    const EVENT_ON_AFTER_UPDATE = 'OnAfterUpdate';
    const EVENT_ON_BEFORE_DELETE = 'OnBeforeDelete';
    const EVENT_ON_DELETE = 'OnDelete';
    const EVENT_ON_AFTER_DELETE = 'OnAfterDelete';

    protected static $allowedGetListKeys = ['select', 'filter', 'group', 'order', 'limit', 'offset', 'count_total', 'runtime', 'data_doubling', 'private_fields', 'cache'];

    /** @return Entity */
    public static function getEntity() { return Entity::getInstance(static::class); }
    public static function getTableName() { return null; }
    public static function getConnectionName() { return 'default'; }
    public static function getTitle() { return null; }
    public static function getMap() { return []; }
    public static function getUfId() { return null; }
    public static function isUts() { return false; }
    public static function isUtm() { return false; }
    public static function getObjectClass() { return \Bitrix\Main\ORM\Objectify\EntityObject::class; }
    public static function getObjectClassName() { return 'EntityObject'; }
    public static function getCollectionClass() { return \Bitrix\Main\ORM\Objectify\Collection::class; }
    public static function getEntityClass() { return Entity::class; }
    public static function getQueryClass() { return Query::class; }
    public static function createObject($setDefaultValues = true) { return static::getEntity()->createObject($setDefaultValues); }
    public static function createCollection() { return static::getEntity()->createCollection(); }
    public static function wakeUpObject($row) { return static::getEntity()->wakeUpObject($row); }
    public static function cleanCache() {}
    public static function query() { return new Query(static::getEntity()); }

    public static function getList(array $parameters = [])
    {
        $query = static::query();
        foreach ($parameters as $param => $value) {
            switch ($param) {
                case 'select': $query->setSelect((array)$value); break;
                case 'filter': $value instanceof \Bitrix\Main\ORM\Query\Filter\ConditionTree ? $query->where($value) : $query->setFilter((array)$value); break;
                case 'group': $query->setGroup($value); break;
                case 'order': $query->setOrder($value); break;
                case 'limit': $query->setLimit($value); break;
                case 'offset': $query->setOffset($value); break;
                case 'count_total': $query->countTotal((bool)$value); break;
                case 'runtime':
                    foreach ((array)$value as $name => $fieldInfo) $query->registerRuntimeField($name, $fieldInfo);
                    break;
                case 'data_doubling': case 'private_fields': case 'cache': break;
                default:
                    throw new ArgumentException("Unknown parameter: " . $param, $param);
            }
        }
        return $query->exec();
    }

    public static function getCount($filter = [], array $cache = [])
    {
        $query = static::query();
        if ($filter instanceof \Bitrix\Main\ORM\Query\Filter\ConditionTree) $query->where($filter);
        else $query->setFilter((array)$filter);
        return $query->queryCountTotal();
    }

    protected static function normalizePrimary(&$primary, $data = [])
    {
        $entity = static::getEntity();
        $names = $entity->getPrimaryArray();
        if ($primary === null) {
            $primary = [];
            foreach ($names as $n) if (isset($data[$n])) $primary[$n] = $data[$n];
            return;
        }
        if (!is_array($primary)) {
            if (count($names) > 1) throw new ArgumentException(sprintf('Only one value of primary found, when entity %s has %s primary keys', $entity->getDataClass(), count($names)));
            $primary = [$names[0] => $primary];
        }
    }
    protected static function validatePrimary($primary)
    {
        $entity = static::getEntity();
        foreach ($entity->getPrimaryArray() as $n) {
            if (!array_key_exists($n, $primary)) throw new ArgumentException(sprintf('Primary `%s` was not found when trying to query %s row.', $n, $entity->getName()));
        }
        foreach ($primary as $k => $v) {
            if (!in_array($k, $entity->getPrimaryArray(), true)) throw new ArgumentException(sprintf('Unknown primary `%s` found when trying to query %s row.', $k, $entity->getName()));
            if (!is_scalar($v) && !($v instanceof \Bitrix\Main\Type\Date)) throw new ArgumentException(sprintf('Unknown value type "%s" for primary "%s" found when trying to query %s row.', gettype($v), $k, $entity->getName()));
        }
    }

    public static function getByPrimary($primary, array $parameters = [])
    {
        static::normalizePrimary($primary);
        static::validatePrimary($primary);
        $filter = [];
        foreach ($primary as $k => $v) $filter['=' . $k] = $v;
        if (isset($parameters['filter'])) $parameters['filter'] = [$filter, $parameters['filter']];
        else $parameters['filter'] = $filter;
        return static::getList($parameters);
    }
    public static function getById($id) { return static::getByPrimary($id); }
    public static function getRowById($id, array $parameters = [])
    {
        $r = static::getByPrimary($id, $parameters)->fetch();
        return is_array($r) ? $r : null;
    }
    public static function getRow(array $parameters)
    {
        $parameters['limit'] = 1;
        $r = static::getList($parameters)->fetch();
        return is_array($r) ? $r : null;
    }

    // ---- writing ------------------------------------------------------------------------------------
    protected static function checkKnownFields(array $data)
    {
        $entity = static::getEntity();
        foreach ($data as $k => $v) {
            if (!$entity->hasField($k)) throw new ArgumentException(sprintf('Field `%s` not found in entity when trying to query %s row.', $k, $entity->getName()));
        }
    }

    /** Required and validator checks; errors go to $result, nothing is thrown. */
    public static function checkFields(Result $result, $primary, array $data, $isAdd = true)
    {
        $entity = static::getEntity();
        foreach ($entity->getScalarFields() as $name => $field) {
            $present = array_key_exists($name, $data);
            if (!$present && !$isAdd) continue;
            $value = $present ? $data[$name] : null;
            if ($field->isRequired()) {
                $empty = !$present || $field->isValueEmpty($value);
                if ($empty) {
                    $msg = Loc::getMessage('MAIN_ENTITY_FIELD_REQUIRED', ['#FIELD#' => $field->getTitle()]) ?? sprintf('Field "%s" is required', $field->getTitle());
                    $result->addError(new Fields\FieldError($field, $msg, Fields\FieldError::EMPTY_REQUIRED));
                    continue;
                }
            }
            if ($present) $field->validateValue($value, $primary, $data, $result);
        }
    }

    protected static function callEvent($type, array $params, Result $result = null, array &$data = null)
    {
        $method = lcfirst($type);
        $entity = static::getEntity();
        $event = new Event($entity, $type, $params);
        $r = static::$method($event);
        if ($r instanceof \Bitrix\Main\EventResult) $event->addResult($r);
        // handlers registered on the entity's module for "<EntityName><Type>"
        \Bitrix\Main\EventManager::getInstance()->send($event);
        if ($result !== null) $event->getErrors($result);
        if ($data !== null) $data = $event->mergeFields($data);
        return $event;
    }

    protected static function prepareForSave(array $data)
    {
        $entity = static::getEntity();
        $row = [];
        foreach ($data as $k => $v) {
            $f = $entity->getField($k);
            if (!($f instanceof Fields\ScalarField)) continue;
            foreach ($f->getSaveDataModifiers() as $m) $v = call_user_func($m, $v, $data);
            if ($f->isSerialized() && $v !== null && !($v instanceof \Bitrix\Main\DB\SqlExpression)) $v = serialize($v);
            $row[$f->getColumnName()] = [$f, $v];
        }
        return $row;
    }

    public static function add(array $data)
    {
        $entity = static::getEntity();
        $result = new AddResult();
        static::checkKnownFields($data);
        foreach ($entity->getScalarFields() as $name => $f) {
            if (!array_key_exists($name, $data) && $f->hasDefaultValue()) $data[$name] = $f->getDefaultValue($data);
            if ($f instanceof Fields\BooleanField && array_key_exists($name, $data) && is_scalar($data[$name])) $data[$name] = $f->normalizeValue($data[$name]);
        }
        static::callEvent(self::EVENT_ON_BEFORE_ADD, ['fields' => $data, 'object' => null], $result, $data);
        if (!$result->isSuccess()) return $result;
        static::checkFields($result, null, $data, true);
        if (!$result->isSuccess()) return $result;
        static::callEvent(self::EVENT_ON_ADD, ['fields' => $data]);

        $c = $entity->getConnection();
        $h = $c->getSqlHelper();
        $cols = []; $vals = [];
        foreach (static::prepareForSave($data) as $col => [$f, $v]) {
            if ($f->isAutocomplete() && ($v === null || $v === '')) continue;
            $cols[] = $h->quote($col);
            $vals[] = $v === null ? 'NULL' : $f->convertValueToDb($v);
        }
        $c->queryExecute('INSERT INTO ' . $h->quote($entity->getDBTableName()) . ' (' . implode(', ', $cols) . ') VALUES (' . implode(', ', $vals) . ')');
        $primary = [];
        foreach ($entity->getPrimaryArray() as $p) {
            if ($p === $entity->getAutoIncrement() && empty($data[$p])) { $data[$p] = $c->getInsertedId(); }
            $primary[$p] = $entity->getField($p)->cast($data[$p] ?? null);
        }
        $result->setPrimary($primary);
        $result->setData($data);
        static::callEvent(self::EVENT_ON_AFTER_ADD, ['id' => count($primary) === 1 ? reset($primary) : $primary, 'primary' => $primary, 'fields' => $data]);
        return $result;
    }

    public static function addMulti($rows, $ignoreEvents = false)
    {
        $result = new AddResult();
        foreach ($rows as $row) {
            $r = static::add($row);
            if (!$r->isSuccess()) { $result->addErrors($r->getErrors()); return $result; }
            $result->setPrimary($r->getPrimary());
        }
        return $result;
    }

    public static function update($primary, array $data)
    {
        $entity = static::getEntity();
        $result = new UpdateResult();
        static::normalizePrimary($primary, $data);
        static::validatePrimary($primary);
        static::checkKnownFields($data);
        foreach ($data as $name => $v) {
            $f = $entity->getField($name);
            if ($f instanceof Fields\BooleanField && is_scalar($v)) $data[$name] = $f->normalizeValue($v);
        }
        $result->setPrimary($primary);
        static::callEvent(self::EVENT_ON_BEFORE_UPDATE, ['id' => $primary, 'primary' => $primary, 'fields' => $data, 'object' => null], $result, $data);
        if (!$result->isSuccess()) return $result;
        static::checkFields($result, $primary, $data, false);
        if (!$result->isSuccess()) return $result;
        static::callEvent(self::EVENT_ON_UPDATE, ['id' => $primary, 'primary' => $primary, 'fields' => $data]);
        $c = $entity->getConnection();
        $h = $c->getSqlHelper();
        $set = [];
        foreach (static::prepareForSave($data) as $col => [$f, $v]) {
            $set[] = $h->quote($col) . ' = ' . ($v === null ? 'NULL' : $f->convertValueToDb($v));
        }
        if ($set) {
            $where = [];
            foreach ($primary as $k => $v) { $f = $entity->getField($k); $where[] = $h->quote($f->getColumnName()) . ' = ' . $f->convertValueToDb($v); }
            $c->queryExecute('UPDATE ' . $h->quote($entity->getDBTableName()) . ' SET ' . implode(', ', $set) . ' WHERE ' . implode(' AND ', $where));
            $result->setAffectedRowsCount($c->getAffectedRowsCount());
        } else {
            $result->setAffectedRowsCount(0);
        }
        $result->setData($data);
        static::callEvent(self::EVENT_ON_AFTER_UPDATE, ['id' => $primary, 'primary' => $primary, 'fields' => $data]);
        return $result;
    }

    public static function updateMulti($primaries, $data, $ignoreEvents = false)
    {
        $result = new UpdateResult();
        foreach ($primaries as $p) { $r = static::update($p, $data); if (!$r->isSuccess()) $result->addErrors($r->getErrors()); }
        return $result;
    }

    public static function delete($primary)
    {
        $entity = static::getEntity();
        $result = new DeleteResult();
        static::normalizePrimary($primary);
        static::validatePrimary($primary);
        static::callEvent(self::EVENT_ON_BEFORE_DELETE, ['id' => $primary, 'primary' => $primary], $result);
        if (!$result->isSuccess()) return $result;
        static::callEvent(self::EVENT_ON_DELETE, ['id' => $primary, 'primary' => $primary]);
        $c = $entity->getConnection();
        $h = $c->getSqlHelper();
        $where = [];
        foreach ($primary as $k => $v) { $f = $entity->getField($k); $where[] = $h->quote($f->getColumnName()) . ' = ' . $f->convertValueToDb($v); }
        $c->queryExecute('DELETE FROM ' . $h->quote($entity->getDBTableName()) . ' WHERE ' . implode(' AND ', $where));
        static::callEvent(self::EVENT_ON_AFTER_DELETE, ['id' => $primary, 'primary' => $primary]);
        return $result;
    }

    // ---- overridable static handlers (return an ORM\EventResult to modify fields or add errors)
    public static function onBeforeAdd(Event $event) { return null; }
    public static function onAdd(Event $event) { return null; }
    public static function onAfterAdd(Event $event) { return null; }
    public static function onBeforeUpdate(Event $event) { return null; }
    public static function onUpdate(Event $event) { return null; }
    public static function onAfterUpdate(Event $event) { return null; }
    public static function onBeforeDelete(Event $event) { return null; }
    public static function onDelete(Event $event) { return null; }
    public static function onAfterDelete(Event $event) { return null; }
}
