<?php
namespace Bitrix\Main\ORM\Query;

use Bitrix\Main\ORM\Fields;

/** getList() result: fetch() keeps the driver's strings for numbers and converts date/datetime to Type objects. */
class Result implements \IteratorAggregate
{
    protected $query;
    protected $result;
    protected $items;
    protected $count;
    protected $modifiers = [];

    public function __construct(Query $query, \Bitrix\Main\DB\Result $result, array $items = [])
    {
        $this->query = $query;
        $this->result = $result;
        $this->items = $items;
    }
    public function getResource() { return $this->result->getResource(); }
    public function getFields() { return $this->result->getFields(); }
    public function getSelectedRowsCount() { return $this->result->getSelectedRowsCount(); }
    public function setCount($n) { $this->count = (int)$n; }
    public function getCount()
    {
        if ($this->count === null) throw new \Bitrix\Main\SystemException('Items count only available with `count_total` = true');
        return $this->count;
    }
    public function addFetchDataModifier($m)
    {
        if (!is_callable($m)) throw new \Bitrix\Main\ArgumentException('Data Modifier should be a callback');
        $this->modifiers[] = $m;
    }
    public function addReplacedAliases(array $a) {}
    public function setSerializedFields(array $f) {}

    protected function valueField(Fields\Field $f) { return $f instanceof Fields\ExpressionField ? $f->getValueField() : $f; }

    public function fetchRaw() { return $this->result->fetchRaw(); }

    public function fetch(\Bitrix\Main\Text\Converter $converter = null)
    {
        $row = $this->result->fetchRaw();
        if (!$row) return false;
        foreach ($this->items as $alias => $field) {
            if (!array_key_exists($alias, $row)) continue;
            $vf = $this->valueField($field);
            $v = $row[$alias];
            if ($vf instanceof Fields\DateField) $v = $vf->convertValueFromDb($v);
            if ($field->isSerialized() && $v !== null) $v = unserialize($v, ['allowed_classes' => false]);
            foreach ($field->getFetchDataModifiers() as $m) $v = call_user_func_array($m, [$v, $this->query, $row, $alias]);
            $row[$alias] = $v;
        }
        foreach ($this->modifiers as $m) {
            $r = call_user_func_array($m, [&$row]);
            if (is_array($r)) $row = $r;
        }
        return $row;
    }
    public function fetchAll(\Bitrix\Main\Text\Converter $converter = null)
    {
        $rows = [];
        while ($r = $this->fetch($converter)) $rows[] = $r;
        return $rows;
    }
    /** Typed object: integers as int, floats as float, booleans as bool, dates as Type objects. */
    public function fetchObject()
    {
        $row = $this->result->fetchRaw();
        if (!$row) return null;
        return $this->makeObject($row);
    }
    protected function makeObject(array $row)
    {
        $entity = $this->query->getEntity();
        $values = []; $runtime = [];
        foreach ($this->items as $alias => $field) {
            if (!array_key_exists($alias, $row)) continue;
            $vf = $this->valueField($field);
            $v = $row[$alias];
            if ($v !== null && $vf instanceof Fields\ScalarField) {
                $v = $vf instanceof Fields\DateField ? $vf->convertValueFromDb($v) : $vf->cast($v);
            }
            if ($field->isSerialized() && is_string($v)) $v = unserialize($v, ['allowed_classes' => false]);
            foreach ($field->getFetchDataModifiers() as $m) $v = call_user_func_array($m, [$v, $this->query, $row, $alias]);
            if ($field instanceof Fields\ScalarField && $entity->hasField($alias) && $entity->getField($alias) === $field) $values[$alias] = $v;
            else $runtime[$alias] = $v;
        }
        $o = new \Bitrix\Main\ORM\Objectify\EntityObject($entity, false);
        $o->wakeUpValues($values, $runtime);
        return $o;
    }
    public function fetchCollection()
    {
        $c = new \Bitrix\Main\ORM\Objectify\Collection($this->query->getEntity());
        while ($row = $this->result->fetchRaw()) $c->add($this->makeObject($row));
        return $c;
    }
    public function getIterator(): \Traversable
    {
        return (function () { while ($r = $this->fetch()) yield $r; })();
    }
}
