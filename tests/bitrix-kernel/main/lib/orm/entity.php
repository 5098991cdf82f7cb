<?php
namespace Bitrix\Main\ORM;

use Bitrix\Main\Application;
use Bitrix\Main\ArgumentException;
use Bitrix\Main\ORM\Fields;

class Entity
{
    protected static $instances = [];
    protected $className;
    protected $name;
    protected $module;
    protected $dbTableName;
    protected $primary = [];
    protected $autoIncrement;
    protected $fields = [];
    protected $connectionName = 'default';

    public static function getInstance($entityName)
    {
        $entityName = ltrim($entityName, '\\');
        $key = strtolower($entityName);
        if (!isset(static::$instances[$key])) {
            $e = new static();
            $e->initialize($entityName);
            static::$instances[$key] = $e;
            $e->postInitialize();
        }
        return static::$instances[$key];
    }

    public function initialize($className)
    {
        if (!class_exists($className)) throw new ArgumentException(sprintf('Entity class `%s` not found', $className));
        $this->className = $className;
        $short = (new \ReflectionClass($className))->getShortName();
        $this->name = substr($short, -5) === 'Table' ? substr($short, 0, -5) : $short;
        $this->dbTableName = $className::getTableName();
        $this->connectionName = $className::getConnectionName();
        $this->module = $this->detectModule($className);
    }

    protected function detectModule($className)
    {
        $parts = explode('\\', $className);
        if (count($parts) >= 3 && $parts[0] === 'Bitrix') return strtolower($parts[1]);
        if (count($parts) >= 3) return strtolower($parts[0] . '.' . $parts[1]);
        return 'main';
    }

    public function postInitialize()
    {
        $cls = $this->className;
        foreach ($cls::getMap() as $k => $def) {
            $this->addField($def, is_string($k) ? $k : null);
        }
        if (!$this->primary) throw new \Bitrix\Main\SystemException(sprintf('Primary not found for %s Entity', $this->name));
    }

    /** Adds a field object or a legacy array definition. */
    public function addField($fieldInfo, $fieldName = null)
    {
        $field = $this->initializeField($fieldName, $fieldInfo);
        $field->setEntity($this);
        $field->postInitialize();
        $this->fields[$field->getName()] = $field;
        if ($field instanceof Fields\ScalarField) {
            if ($field->isPrimary() && !in_array($field->getName(), $this->primary, true)) $this->primary[] = $field->getName();
            if ($field->isAutocomplete()) $this->autoIncrement = $field->getName();
        }
        return $field;
    }

    public function initializeField($fieldName, $fieldInfo)
    {
        if ($fieldInfo instanceof Fields\Field) return $fieldInfo;
        if (!is_array($fieldInfo)) throw new ArgumentException(sprintf('Field "%s" of %s Entity should be an array or a Field', $fieldName, $this->name));
        if (isset($fieldInfo['expression'])) return new Fields\ExpressionField($fieldName, $fieldInfo);
        $types = ['integer' => Fields\IntegerField::class, 'float' => Fields\FloatField::class, 'string' => Fields\StringField::class,
            'text' => Fields\TextField::class, 'boolean' => Fields\BooleanField::class, 'enum' => Fields\EnumField::class,
            'datetime' => Fields\DatetimeField::class, 'date' => Fields\DateField::class];
        $t = $fieldInfo['data_type'] ?? 'string';
        $cls = $types[strtolower($t)] ?? null;
        if ($cls === null) {
            if (class_exists($t) && is_subclass_of($t, Fields\ScalarField::class)) $cls = $t;
            else throw new \Bitrix\Main\NotSupportedException(sprintf('Field type "%s" of %s.%s is not supported by the Bitrix test kernel (references/joins are not implemented)', $t, $this->name, $fieldName));
        }
        return new $cls($fieldName, $fieldInfo);
    }

    public function getDataClass() { return $this->className; }
    public function getName() { return $this->name; }
    public function getFullName() { return ltrim(substr($this->className, 0, -5) ?: $this->className, '\\'); }
    public function getNamespace() { $p = strrpos($this->className, '\\'); return $p === false ? '' : substr($this->className, 0, $p + 1); }
    public function getModule() { return $this->module; }
    public function getCode() { return strtoupper($this->module . '_' . preg_replace('/(?<!^)([A-Z])/', '_$1', $this->name)); }
    public function getLangCode() { return $this->getCode() . '_ENTITY'; }
    public function getTitle() { return $this->name; }
    public function getDBTableName() { return $this->dbTableName; }
    public function getConnection() { return Application::getConnection($this->connectionName); }
    public function getPrimary() { return count($this->primary) === 1 ? $this->primary[0] : $this->primary; }
    public function getPrimaryArray() { return $this->primary; }
    public function getAutoIncrement() { return $this->autoIncrement; }
    public function isUts() { return false; }
    public function isUtm() { return false; }
    public function getUfId() { return null; }
    public function getFields() { return $this->fields; }
    public function getScalarFields() { return array_filter($this->fields, fn($f) => $f instanceof Fields\ScalarField); }
    public function hasField($name) { return isset($this->fields[$name]); }
    public function getField($name)
    {
        if (!isset($this->fields[$name])) throw new ArgumentException(sprintf('%s Entity has no `%s` field.', $this->name, $name));
        return $this->fields[$name];
    }
    public function getCacheTtl($ttl) { return 0; }
    public function cleanCache() {}
    public function getObjectClass() { return Objectify\EntityObject::class; }
    public function getCollectionClass() { return Objectify\Collection::class; }
    public function createObject($setDefaultValues = true) { return new Objectify\EntityObject($this, $setDefaultValues); }
    public function createCollection() { return new Objectify\Collection($this); }
    public function wakeUpObject($row)
    {
        $o = new Objectify\EntityObject($this, false);
        if (!is_array($row)) $row = [$this->primary[0] => $row];
        $o->wakeUpValues($row);
        return $o;
    }

    /** CREATE TABLE for the entity's scalar fields: NOT NULL unless the field is nullable. */
    public function createDbTable()
    {
        $fields = [];
        foreach ($this->getScalarFields() as $name => $f) $fields[$name] = $f;
        $this->getConnection()->createTable($this->dbTableName, $fields, $this->primary, $this->autoIncrement ? [$this->autoIncrement] : []);
    }
    public function compileDbTableStructureDump()
    {
        $h = $this->getConnection()->getSqlHelper();
        $cols = [];
        foreach ($this->getScalarFields() as $name => $f) {
            $cols[] = $h->quote($f->getColumnName()) . ' ' . $h->getColumnTypeByField($f) . ($f->isNullable() ? '' : ' NOT NULL') . ($name === $this->autoIncrement ? ' AUTO_INCREMENT' : '');
        }
        if ($this->primary) $cols[] = 'PRIMARY KEY(' . implode(', ', array_map(fn($p) => $h->quote($this->fields[$p]->getColumnName()), $this->primary)) . ')';
        return ['CREATE TABLE ' . $h->quote($this->dbTableName) . ' (' . implode(', ', $cols) . ')'];
    }
    /** @internal */
    public static function destroy($entity) { unset(static::$instances[strtolower(is_string($entity) ? ltrim($entity, '\\') : $entity->getDataClass())]); }
}
