<?php
namespace Bitrix\Main\ORM\Query\Filter;

use Bitrix\Main\ArgumentException;

/**
 * Query::filter()->logic('or')->where('A', 1)->whereNull('B') — strict comparisons
 * (unlike the legacy array filter, '=' is exact and '!=' does not include NULL).
 */
class ConditionTree
{
    const LOGIC_AND = 'and';
    const LOGIC_OR = 'or';

    protected $logic = self::LOGIC_AND;
    protected $negative = false;
    protected $conditions = [];

    public function logic($logic = null)
    {
        if ($logic === null) return $this->logic;
        $logic = strtolower($logic);
        if (!in_array($logic, [self::LOGIC_AND, self::LOGIC_OR], true)) throw new ArgumentException(sprintf('Unknown logic "%s"', $logic));
        $this->logic = $logic;
        return $this;
    }
    public function negative($negative = true) { $this->negative = (bool)$negative; return $this; }
    public function hasConditions() { return !empty($this->conditions); }
    public function getConditions() { return $this->conditions; }

    public function where(...$args)
    {
        if (count($args) === 1 && $args[0] instanceof self) { $this->conditions[] = $args[0]; return $this; }
        if (count($args) === 1 && is_array($args[0])) {
            foreach ($args[0] as $c) $this->where(...(array)$c);
            return $this;
        }
        if (count($args) === 2) { $this->conditions[] = [$args[0], '=', $args[1]]; return $this; }
        if (count($args) === 3) {
            $op = strtolower((string)$args[1]);
            static $ops = ['=', '<>', '!=', '<', '<=', '>', '>=', 'in', 'between', 'like', 'exists'];
            if (!in_array($op, $ops, true)) throw new ArgumentException(sprintf('Unknown operator `%s`', $args[1]));
            $this->conditions[] = [$args[0], $op, $args[2]];
            return $this;
        }
        throw new ArgumentException('Wrong arguments for where()');
    }
    public function whereNot(...$args)
    {
        $sub = (new static())->negative();
        $sub->where(...$args);
        $this->conditions[] = $sub;
        return $this;
    }
    public function whereIn($column, $values) { return $this->where($column, 'in', $values); }
    public function whereNotIn($column, $values) { return $this->whereNot($column, 'in', $values); }
    public function whereBetween($column, $min, $max) { return $this->where($column, 'between', [$min, $max]); }
    public function whereNotBetween($column, $min, $max) { return $this->whereNot($column, 'between', [$min, $max]); }
    public function whereNull($column) { return $this->where($column, '=', null); }
    public function whereNotNull($column) { return $this->where($column, '!=', null); }
    public function whereLike($column, $value) { return $this->where($column, 'like', $value); }
    public function whereNotLike($column, $value) { return $this->whereNot($column, 'like', $value); }

    /**
     * @param callable $column fn(string $name): array{0: string sql, 1: \Bitrix\Main\ORM\Fields\Field value field}
     */
    public function compile(callable $column)
    {
        $parts = [];
        foreach ($this->conditions as $c) {
            if ($c instanceof self) {
                $s = $c->compile($column);
                if ($s !== '') $parts[] = $s;
                continue;
            }
            [$name, $op, $value] = $c;
            [$sql, $field] = $column($name);
            $lit = function ($v) use ($field) {
                if ($v instanceof \Bitrix\Main\DB\SqlExpression) return $v->compile();
                if ($field instanceof \Bitrix\Main\ORM\Fields\ScalarField) return $field->convertValueToDb($v);
                return \Bitrix\Main\Application::getConnection()->getSqlHelper()->convertToDbString($v);
            };
            switch ($op) {
                case '=':
                    $parts[] = $value === null ? "$sql IS NULL" : "$sql = " . $lit($value); break;
                case '!=': case '<>':
                    $parts[] = $value === null ? "$sql IS NOT NULL" : "$sql <> " . $lit($value); break;
                case '<': case '<=': case '>': case '>=':
                    $parts[] = "$sql $op " . $lit($value); break;
                case 'in':
                    if ($value instanceof \Bitrix\Main\DB\SqlExpression) { $parts[] = "$sql IN (" . $value->compile() . ')'; break; }
                    $value = (array)$value;
                    $parts[] = $value ? "$sql IN (" . implode(', ', array_map($lit, $value)) . ')' : '1=0';
                    break;
                case 'between':
                    $value = array_values((array)$value);
                    $parts[] = "$sql BETWEEN " . $lit($value[0]) . ' AND ' . $lit($value[1]); break;
                case 'like':
                    $h = \Bitrix\Main\Application::getConnection()->getSqlHelper();
                    $parts[] = $h->getIlikeOperator($sql, $h->convertToDbString($value)); break;
                default:
                    throw new \Bitrix\Main\NotSupportedException("Operator $op is not supported by the Bitrix test kernel");
            }
        }
        if (!$parts) return '';
        $sql = count($parts) === 1 ? $parts[0] : '(' . implode(') ' . strtoupper($this->logic) . ' (', $parts) . ')';
        return $this->negative ? 'NOT (' . $sql . ')' : $sql;
    }
}
