<?php
namespace Bitrix\Main\ORM\Query;

use Bitrix\Main\ArgumentException;
use Bitrix\Main\ORM\Entity;
use Bitrix\Main\ORM\Fields;
use Bitrix\Main\ORM\Query\Filter\ConditionTree;

/**
 * Query over one entity (no references/joins in the test kernel): select (with aliases, '*',
 * expression fields), array filter (CSQLWhere semantics) and where() conditions, group (auto for
 * aggregates), order, limit/offset, count_total, runtime fields.
 *
 * @method $this whereNot(...$args)
 * @method $this whereIn($column, $values)
 * @method $this whereNotIn($column, $values)
 * @method $this whereBetween($column, $min, $max)
 * @method $this whereNotBetween($column, $min, $max)
 * @method $this whereNull($column)
 * @method $this whereNotNull($column)
 * @method $this whereLike($column, $value)
 * @method $this whereNotLike($column, $value)
 */
class Query
{
    protected $entity;
    protected $select = [];
    protected $filter = [];
    protected $group = [];
    protected $order = [];
    protected $limit;
    protected $offset;
    protected $countTotal;
    protected $runtime = [];
    protected $whereTree;
    protected $havingTree;
    protected $lastQuery;
    protected $distinct = false;
    protected $tableAliasPostfix = '';

    public function __construct($source)
    {
        if ($source instanceof Entity) $this->entity = $source;
        elseif (is_string($source)) $this->entity = Entity::getInstance($source);
        else throw new ArgumentException('Unknown query source');
        $this->whereTree = new ConditionTree();
        $this->havingTree = new ConditionTree();
    }

    public static function filter() { return new ConditionTree(); }
    public function getEntity() { return $this->entity; }

    public function setSelect(array $select) { $this->select = $select; return $this; }
    public function addSelect($definition, $alias = '')
    {
        if ($alias !== '') $this->select[$alias] = $definition; else $this->select[] = $definition;
        return $this;
    }
    public function getSelect() { return $this->select; }
    public function setFilter(array $filter) { $this->filter = $filter; return $this; }
    public function addFilter($key, $value)
    {
        if ($key === null && is_array($value)) $this->filter[] = $value; else $this->filter[$key] = $value;
        return $this;
    }
    public function getFilter() { return $this->filter; }
    public function setGroup($group) { $this->group = (array)$group; return $this; }
    public function addGroup($group) { $this->group[] = $group; return $this; }
    public function getGroup() { return $this->group; }
    public function setOrder($order)
    {
        $this->order = [];
        foreach ((array)$order as $k => $v) {
            if (is_int($k)) $this->addOrder($v); else $this->addOrder($k, $v);
        }
        return $this;
    }
    public function addOrder($definition, $order = 'ASC')
    {
        $order = strtoupper((string)$order);
        if (!in_array($order, ['ASC', 'DESC'], true)) throw new ArgumentException(sprintf('Invalid order "%s"', $order));
        $this->order[$definition] = $order;
        return $this;
    }
    public function getOrder() { return $this->order; }
    public function setLimit($limit) { $this->limit = $limit === null ? null : (int)$limit; return $this; }
    public function getLimit() { return $this->limit; }
    public function setOffset($offset) { $this->offset = $offset === null ? null : (int)$offset; return $this; }
    public function getOffset() { return $this->offset; }
    public function countTotal($count = null)
    {
        if ($count === null) return (bool)$this->countTotal;
        $this->countTotal = (bool)$count;
        return $this;
    }
    public function setDistinct($distinct = true) { $this->distinct = (bool)$distinct; return $this; }
    public function setCacheTtl($ttl) { return $this; }
    public function cacheJoins($mode) { return $this; }
    public function enableDataDoubling() { return $this; }
    public function disableDataDoubling() { return $this; }
    public function enablePrivateFields() { return $this; }
    public function setTableAliasPostfix($p) { $this->tableAliasPostfix = $p; return $this; }

    public function registerRuntimeField($name, $fieldInfo = null)
    {
        if ($name instanceof Fields\Field && $fieldInfo === null) { $fieldInfo = $name; $name = $fieldInfo->getName(); }
        elseif ((is_int($name) || $name === '' || $name === null) && $fieldInfo instanceof Fields\Field) { $name = $fieldInfo->getName(); }
        $field = $fieldInfo instanceof Fields\Field ? $fieldInfo : $this->entity->initializeField($name, $fieldInfo);
        if ($field->getEntity() === null) $field->setEntity($this->entity);
        $this->runtime[$field->getName()] = $field;
        return $this;
    }

    public function where(...$args) { $this->whereTree->where(...$args); return $this; }
    public function having(...$args) { $this->havingTree->where(...$args); return $this; }
    public function __call($method, $args)
    {
        if (strncmp($method, 'where', 5) === 0 && method_exists($this->whereTree, $method)) { $this->whereTree->$method(...$args); return $this; }
        if (strncmp($method, 'having', 6) === 0) { $m = 'where' . substr($method, 6); if (method_exists($this->havingTree, $m)) { $this->havingTree->$m(...$args); return $this; } }
        throw new \Bitrix\Main\SystemException(sprintf('Unknown method `%s` of Query', $method));
    }

    // ---- compilation --------------------------------------------------------------------------------
    public function getInitAlias()
    {
        return strtolower(preg_replace('/(?<!^)([A-Z])/', '_$1', $this->entity->getName())) . $this->tableAliasPostfix;
    }

    protected function resolveField($name)
    {
        if (isset($this->runtime[$name])) return $this->runtime[$name];
        if (strpos($name, '.') !== false) throw new \Bitrix\Main\NotSupportedException(sprintf('Reference chains (`%s`) are not supported by the Bitrix test kernel', $name));
        if ($this->entity->hasField($name)) return $this->entity->getField($name);
        throw new \Bitrix\Main\SystemException(sprintf('Unknown field definition `%s` (%s) for %s Entity.', $name, $name, $this->entity->getName()));
    }

    protected function fieldSql(Fields\Field $field, $depth = 0)
    {
        if ($depth > 10) throw new \Bitrix\Main\SystemException('Expression fields nest too deep');
        $h = $this->entity->getConnection()->getSqlHelper();
        if ($field instanceof Fields\ExpressionField) {
            $args = [];
            foreach ($field->getBuildFrom() as $b) {
                $args[] = $b instanceof Fields\Field ? $this->fieldSql($b, $depth + 1) : $this->fieldSql($this->resolveField($b), $depth + 1);
            }
            return $args ? vsprintf($field->getExpression(), $args) : $field->getExpression();
        }
        if ($field instanceof Fields\ScalarField) return $h->quote($this->getInitAlias()) . '.' . $h->quote($field->getColumnName());
        throw new \Bitrix\Main\NotSupportedException(sprintf('Field `%s` of type %s is not supported by the Bitrix test kernel', $field->getName(), get_class($field)));
    }

    protected function isAggregated(Fields\Field $field)
    {
        if (!$field instanceof Fields\ExpressionField) return false;
        if ($field->isAggregated()) return true;
        foreach ($field->getBuildFrom() as $b) {
            $f = $b instanceof Fields\Field ? $b : $this->resolveField($b);
            if ($this->isAggregated($f)) return true;
        }
        return false;
    }

    protected function valueField(Fields\Field $field)
    {
        return $field instanceof Fields\ExpressionField ? $field->getValueField() : $field;
    }

    /** @return array alias => Field */
    public function getSelectFields()
    {
        $items = [];
        $select = $this->select ?: ['*'];
        foreach ($select as $alias => $def) {
            if ($def instanceof Fields\Field) {
                $this->registerRuntimeField($def);
                $items[is_string($alias) ? $alias : $def->getName()] = $def;
                continue;
            }
            if ($def === '*') {
                foreach ($this->entity->getScalarFields() as $n => $f) if (!$f->isPrivate()) $items[$n] = $f;
                continue;
            }
            if (!is_string($def)) throw new ArgumentException('Invalid select definition');
            $items[is_string($alias) ? $alias : $def] = $this->resolveField($def);
        }
        return $items;
    }

    protected function columnResolver()
    {
        return function ($name) {
            $f = $this->resolveField($name);
            return [$this->fieldSql($f), $this->valueField($f), $this->isAggregated($f)];
        };
    }

    /** @return array [select sql parts, from, where, group, having, order] */
    protected function build()
    {
        $h = $this->entity->getConnection()->getSqlHelper();
        $items = $this->getSelectFields();
        $selectSql = [];
        foreach ($items as $alias => $f) $selectSql[] = $this->fieldSql($f) . ' AS ' . $h->quote($alias);
        $from = $h->quote($this->entity->getDBTableName()) . ' ' . $h->quote($this->getInitAlias());

        [$where, $having] = ArrayFilter::compile($this->filter, $this->columnResolver());
        $resolver = function ($name) { $f = $this->resolveField($name); return [$this->fieldSql($f), $this->valueField($f)]; };
        $tree = $this->whereTree->compile($resolver);
        if ($tree !== '') $where = $where === '' ? $tree : "($where) AND ($tree)";
        $htree = $this->havingTree->compile($resolver);
        if ($htree !== '') $having = $having === '' ? $htree : "($having) AND ($htree)";

        $group = [];
        foreach ($this->group as $g) $group[] = $this->fieldSql($this->resolveField($g));
        if (!$group) {
            $hasAgg = false; $plain = [];
            foreach ($items as $f) {
                if ($this->isAggregated($f)) $hasAgg = true;
                elseif (!($f instanceof Fields\ExpressionField && $f->isConstant())) $plain[] = $this->fieldSql($f);
            }
            if ($hasAgg && $plain) $group = array_values(array_unique($plain));
        }

        $order = [];
        foreach ($this->order as $def => $dir) {
            // the helper's words: PostgreSQL adds NULLS FIRST/LAST so that NULLs sort as on MySQL
            $dirSql = $dir === 'DESC' ? $h->getDescendingOrder() : $h->getAscendingOrder();
            if (isset($items[$def]) && !isset($this->runtime[$def]) && !$this->entity->hasField($def)) $order[] = $h->quote($def) . ' ' . $dirSql;
            else $order[] = $this->fieldSql($this->resolveField($def)) . ' ' . $dirSql;
        }
        return [$selectSql, $from, $where, $group, $having, $order, $items];
    }

    public function getQuery($forceObjectPrimary = false)
    {
        [$select, $from, $where, $group, $having, $order] = $this->build();
        $sql = 'SELECT ' . ($this->distinct ? 'DISTINCT ' : '') . implode(', ', $select) . "\nFROM " . $from;
        if ($where !== '') $sql .= "\nWHERE " . $where;
        if ($group) $sql .= "\nGROUP BY " . implode(', ', $group);
        if ($having !== '') $sql .= "\nHAVING " . $having;
        if ($order) $sql .= "\nORDER BY " . implode(', ', $order);
        if ($this->limit || $this->offset) $sql = $this->entity->getConnection()->getSqlHelper()->getTopSql($sql, (int)$this->limit, (int)$this->offset);
        return $sql;
    }

    public function getCountQuery()
    {
        [$select, $from, $where, $group, $having] = $this->build();
        if ($group || $having !== '' || $this->distinct) {
            $inner = 'SELECT ' . ($this->distinct ? 'DISTINCT ' . implode(', ', $select) : ($group ? implode(', ', $group) : '1')) . ' FROM ' . $from
                . ($where !== '' ? ' WHERE ' . $where : '') . ($group ? ' GROUP BY ' . implode(', ', $group) : '') . ($having !== '' ? ' HAVING ' . $having : '');
            if ($having !== '' && !$this->distinct) {
                $inner = 'SELECT ' . implode(', ', $select) . ' FROM ' . $from . ($where !== '' ? ' WHERE ' . $where : '') . ($group ? ' GROUP BY ' . implode(', ', $group) : '') . ' HAVING ' . $having;
            }
            return 'SELECT COUNT(*) AS TMP_ROWS_CNT FROM (' . $inner . ') xxx';
        }
        return 'SELECT COUNT(*) AS TMP_ROWS_CNT FROM ' . $from . ($where !== '' ? ' WHERE ' . $where : '');
    }

    public function getLastQuery() { return $this->lastQuery; }

    public function exec()
    {
        $sql = $this->getQuery();
        $this->lastQuery = $sql;
        $items = $this->getSelectFields();
        $dbResult = $this->entity->getConnection()->query($sql);
        $result = new Result($this, $dbResult, $items);
        if ($this->countTotal) {
            $result->setCount((int)$this->entity->getConnection()->queryScalar($this->getCountQuery()));
        }
        return $result;
    }

    public function fetch() { return $this->exec()->fetch(); }
    public function fetchAll() { return $this->exec()->fetchAll(); }
    public function fetchObject() { return $this->exec()->fetchObject(); }
    public function fetchCollection() { return $this->exec()->fetchCollection(); }
    public function queryCountTotal() { return (int)$this->entity->getConnection()->queryScalar($this->getCountQuery()); }
}
