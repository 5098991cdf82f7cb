<?php
namespace Bitrix\Main\ORM\Query;

use Bitrix\Main\Application;
use Bitrix\Main\DB\SqlExpression;
use Bitrix\Main\Type;

/**
 * Test-kernel compiler of getList()'s array filter with the semantics of the kernel's CSQLWhere:
 * no prefix = case-insensitive LIKE for strings (exact for digits-only values), "=" exact,
 * "!=" includes NULLs, "%" substring (wildcards escaped), "=''"/"=0" also match NULL, LOGIC AND/OR.
 * @internal
 */
class ArrayFilter
{
    protected static $operations = [
        '!><' => 'NB', '!=%' => 'NM', '!%=' => 'NM', '!==' => 'SN', '!=' => 'NI', '!%' => 'NS', '><' => 'B', '>=' => 'GE',
        '<=' => 'LE', '=%' => 'M', '%=' => 'M', '!@' => 'NIN', '==' => 'SE', '=' => 'I', '%' => 'S', '?' => '?', '>' => 'G',
        '<' => 'L', '!' => 'N', '@' => 'IN',
    ];

    public static function makeOperation($key)
    {
        foreach ([3, 2, 1] as $n) {
            $op = substr($key, 0, $n);
            if (strlen($key) > $n && isset(self::$operations[$op])) return [substr($key, $n), self::$operations[$op]];
        }
        return [$key, 'E'];
    }

    /**
     * @param callable $column fn(string $name): array{0: sql, 1: Field (value field), 2: bool aggregated}
     * @return array{0: string where, 1: string having}
     */
    public static function compile(array $filter, callable $column)
    {
        $logic = 'AND';
        if (isset($filter['LOGIC'])) { $logic = strtoupper($filter['LOGIC']) === 'OR' ? 'OR' : 'AND'; unset($filter['LOGIC']); }
        $where = []; $having = [];
        foreach ($filter as $key => $value) {
            if (is_int($key) || ctype_digit((string)$key)) {
                if (!is_array($value)) continue;
                [$w, $h] = self::compile($value, $column);
                if ($w !== '') $where[] = $w;
                if ($h !== '') $having[] = $h;
                continue;
            }
            [$name, $op] = self::makeOperation($key);
            [$sql, $field, $aggregated] = $column($name);
            $type = $field instanceof \Bitrix\Main\ORM\Fields\ScalarField ? $field->getFilterType() : 'string';
            if ($field instanceof \Bitrix\Main\ORM\Fields\BooleanField && is_scalar($value)) $value = $field->normalizeValue($value);
            if ($field instanceof \Bitrix\Main\ORM\Fields\BooleanField && is_array($value)) $value = array_map([$field, 'normalizeValue'], $value);
            $parts = self::condition($sql, $type, $op, $value);
            if ($parts === '') continue;
            if ($aggregated) $having[] = $parts; else $where[] = $parts;
        }
        if ($logic === 'OR' && $having && $where) { // mixed OR across WHERE and HAVING: keep all in HAVING
            $having = array_merge($where, $having); $where = [];
        }
        $j = fn($list) => !$list ? '' : (count($list) === 1 ? $list[0] : '(' . implode(' ' . $logic . ' ', array_map(fn($x) => "($x)", $list)) . ')');
        return [$j($where), $j($having)];
    }

    protected static function helper() { return Application::getConnection()->getSqlHelper(); }
    protected static function forSql($v) { return self::helper()->forSql((string)$v); }
    protected static function forLike($v)
    {
        return str_replace(['!', '_', '%'], ['!!', '!_', '!%'], self::forSql(mb_strtoupper((string)$v)));
    }

    protected static function dateLiteral($v, $type)
    {
        if ($v instanceof Type\Date || $v instanceof \DateTimeInterface) return $v->format($type === 'date' ? 'Y-m-d' : 'Y-m-d H:i:s');
        $v = (string)$v;
        foreach ([Type\DateTime::class, Type\Date::class] as $cls) {
            try { $d = new $cls($v); return $d->format($type === 'date' ? 'Y-m-d' : 'Y-m-d H:i:s'); } catch (\Throwable $e) {}
        }
        return self::forSql($v);
    }

    public static function condition($f, $type, $op, $value)
    {
        if ($op === '?') throw new \Bitrix\Main\NotSupportedException('Filter operation "?" is not supported by the Bitrix test kernel');
        if ($type === 'int' || $type === 'double') return self::numberCondition($f, $type, $op, $value);
        if ($type === 'datetime' || $type === 'date') return self::dateCondition($f, $type, $op, $value);
        return self::stringCondition($f, $op, $value);
    }

    protected static function numberCondition($f, $type, $op, $value)
    {
        $conv = $type === 'int' ? fn($v) => (int)$v : fn($v) => (float)$v;
        $lit = fn($v) => $type === 'int' ? (string)$v : var_export($v, true);
        if ($value instanceof SqlExpression) $v = $value;
        elseif (is_array($value)) $v = array_map($conv, array_values($value));
        else $v = $conv($value === false ? 0 : $value);
        $isObj = $v instanceof SqlExpression;
        switch ($op) {
            case 'I': case 'E': case 'S': case 'M': case 'SE':
                if (is_array($v)) {
                    if (!$v) return '1=0';
                    $r = "$f in (" . implode(', ', array_map($lit, $v)) . ')';
                    if (in_array(0, $v, false)) $r .= " or $f IS NULL";
                    return "($r)";
                }
                if ($isObj) return "$f = " . $v->compile();
                if ($op === 'SE' && $value === null) return "$f IS NULL";
                if ($v == 0 && $op !== 'SE') return "($f IS NULL OR $f = 0)";
                return "$f = " . $lit($v);
            case 'NI': case 'N': case 'NS': case 'NM': case 'SN':
                if (is_array($v)) {
                    if (!$v) return '1=1';
                    $r = "$f not in (" . implode(', ', array_map($lit, $v)) . ')';
                    if (in_array(0, $v, false)) $r .= " and $f IS NOT NULL";
                    return "($r)";
                }
                if ($isObj) return "$f <> " . $v->compile();
                if ($op === 'SN' && $value === null) return "$f IS NOT NULL";
                if ($v == 0) return "($f IS NOT NULL AND $f <> 0)";
                return "$f <> " . $lit($v);
            case 'G': case 'L': case 'GE': case 'LE':
                $sym = ['G' => '>', 'L' => '<', 'GE' => '>=', 'LE' => '<='][$op];
                if (is_array($v)) return isset($v[0]) ? "$f $sym " . $lit($v[0]) : '1=0';
                if ($isObj) return "$f $sym " . $v->compile();
                return "$f $sym " . $lit($v);
            case 'B': case 'NB':
                if (is_array($v) && count($v) > 1) return "$f " . ($op === 'NB' ? 'not ' : '') . 'between ' . $lit($v[0]) . ' AND ' . $lit($v[1]);
                return '';
            case 'IN': case 'NIN':
                $not = $op === 'NIN' ? 'NOT ' : '';
                if ($isObj) return "$f {$not}IN (" . $v->compile() . ')';
                $v = (array)$v;
                if (!$v) return $op === 'NIN' ? '1=1' : '1=0';
                return "$f {$not}IN (" . implode(', ', array_map($lit, $v)) . ')';
        }
        return '';
    }

    protected static function stringCondition($f, $op, $value)
    {
        $like = $op === 'S' || $op === 'NS';
        if ($value instanceof SqlExpression) $v = $value;
        elseif (is_array($value)) $v = array_map(fn($x) => $like ? self::forLike($x) : self::forSql($x), array_values($value));
        else $v = $like ? self::forLike($value) : self::forSql($value === null ? '' : $value);
        $isObj = $v instanceof SqlExpression;
        $up = fn($x) => "UPPER($x)";
        $empty = "($f IS NULL OR $f = '')";
        $notEmpty = "($f IS NOT NULL AND LENGTH($f) > 0)";
        switch ($op) {
            case 'I':
                if (is_array($v)) return "$f in ('" . implode("', '", $v) . "')";
                if ($isObj) return "$f = " . $v->compile();
                return $v === '' ? $empty : "$f = '$v'";
            case 'SE':
                if ($value === null) return "$f IS NULL";
                if (is_array($v)) return "$f in ('" . implode("', '", $v) . "')";
                return $isObj ? "$f = " . $v->compile() : "$f = '$v'";
            case 'SN':
                if ($value === null) return "$f IS NOT NULL";
                if (is_array($v)) return "$f not in ('" . implode("', '", $v) . "')";
                return $isObj ? "$f <> " . $v->compile() : "$f <> '$v'";
            case 'E':
                if (is_array($v)) return '(' . implode(' OR ', array_map(fn($x) => $up($f) . " like upper('$x')", $v)) . ')';
                if ($isObj) return "$f = " . $v->compile();
                if ($v === '') return $empty;
                return preg_match('/[^0-9]/', $v) ? $up($f) . " like upper('$v')" : "$f = '$v'";
            case 'S':
                if (is_array($v)) return '(' . implode(' OR ', array_map(fn($x) => $up($f) . " like '%$x%' ESCAPE '!'", $v)) . ')';
                if ($isObj) return $up($f) . ' like ' . $v->compile() . " ESCAPE '!'";
                return $v === '' ? $empty : $up($f) . " like '%$v%' ESCAPE '!'";
            case 'M':
                if (is_array($v)) return '(' . implode(' OR ', array_map(fn($x) => "$f like '$x'", $v)) . ')';
                if ($isObj) return "$f = " . $v->compile();
                if ($v === '') return $empty;
                return preg_match('/[^0-9]/', $v) ? "$f like '$v'" : "$f = '$v'";
            case 'NI':
                if (is_array($v)) return "($f IS NULL OR $f not in ('" . implode("', '", $v) . "'))";
                if ($isObj) return "($f IS NULL OR $f <> " . $v->compile() . ')';
                return $v === '' ? $notEmpty : "($f IS NULL OR $f <> '$v')";
            case 'N':
                if (is_array($v)) return '(' . implode(' AND ', array_map(fn($x) => $up($f) . " not like upper('$x')", $v)) . ')';
                if ($isObj) return $up($f) . ' not like ' . $v->compile();
                return $v === '' ? $notEmpty : $up($f) . " not like upper('$v')";
            case 'NS':
                if (is_array($v)) return '(' . implode(' AND ', array_map(fn($x) => $up($f) . " not like '%$x%' ESCAPE '!'", $v)) . ')';
                if ($isObj) return $up($f) . ' not like ' . $v->compile();
                return $v === '' ? $notEmpty : $up($f) . " not like '%$v%' ESCAPE '!'";
            case 'NM':
                if (is_array($v)) return '(' . implode(' AND ', array_map(fn($x) => "$f not like '$x'", $v)) . ')';
                if ($isObj) return "$f not like " . $v->compile();
                return $v === '' ? $notEmpty : "$f not like '$v'";
            case 'G': case 'L': case 'GE': case 'LE':
                $sym = ['G' => '>', 'L' => '<', 'GE' => '>=', 'LE' => '<='][$op];
                if (is_array($v)) return isset($v[0]) ? "$f $sym '{$v[0]}'" : '1=0';
                if ($isObj) return "$f $sym " . $v->compile();
                return "$f $sym '$v'";
            case 'B': case 'NB':
                if (is_array($v) && count($v) > 1) return "$f " . ($op === 'NB' ? 'not ' : '') . "between '{$v[0]}' AND '{$v[1]}'";
                return '';
            case 'IN': case 'NIN':
                $not = $op === 'NIN' ? 'NOT ' : '';
                if ($isObj) return "$f {$not}IN (" . $v->compile() . ')';
                if (is_array($v)) return "$f {$not}IN ('" . implode("', '", $v) . "')";
                return "$f {$not}IN ('$v')";
        }
        return '';
    }

    protected static function dateCondition($f, $type, $op, $value)
    {
        if ($value instanceof SqlExpression) $v = $value;
        elseif (is_array($value)) $v = array_map(fn($x) => self::dateLiteral($x, $type), array_values($value));
        elseif ($value === null || $value === '' || $value === false) $v = '';
        else $v = self::dateLiteral($value, $type);
        $isObj = $v instanceof SqlExpression;
        switch ($op) {
            case 'I': case 'E': case 'S': case 'M': case 'SE':
                if (is_array($v)) return $v ? "$f in ('" . implode("', '", $v) . "')" : '1=0';
                if ($isObj) return "$f = " . $v->compile();
                return $v === '' ? "$f IS NULL" : "$f = '$v'";
            case 'NI': case 'N': case 'NS': case 'NM': case 'SN':
                if (is_array($v)) return $v ? "$f not in ('" . implode("', '", $v) . "')" : '1=1';
                if ($isObj) return "$f <> " . $v->compile();
                return $v === '' ? "$f IS NOT NULL" : "$f <> '$v'";
            case 'G': case 'L': case 'GE': case 'LE':
                $sym = ['G' => '>', 'L' => '<', 'GE' => '>=', 'LE' => '<='][$op];
                if (is_array($v)) return isset($v[0]) ? "$f $sym '{$v[0]}'" : '1=0';
                if ($isObj) return "$f $sym " . $v->compile();
                return $v === '' ? '' : "$f $sym '$v'";
            case 'B': case 'NB':
                if (is_array($v) && count($v) > 1) return "$f " . ($op === 'NB' ? 'not ' : '') . "between '{$v[0]}' AND '{$v[1]}'";
                return '';
            case 'IN': case 'NIN':
                $not = $op === 'NIN' ? 'NOT ' : '';
                if ($isObj) return "$f {$not}IN (" . $v->compile() . ')';
                $v = (array)$v;
                return $v ? "$f {$not}IN ('" . implode("', '", $v) . "')" : ($not ? '1=1' : '1=0');
        }
        return '';
    }
}
