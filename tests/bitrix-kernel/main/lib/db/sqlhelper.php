<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\ORM\Fields;
use Bitrix\Main\Type;

class SqlHelper
{
    protected $connection;
    public function __construct(Connection $connection) { $this->connection = $connection; }

    public function getLeftQuote() { return '`'; }
    public function getRightQuote() { return '`'; }
    public function quote($identifier)
    {
        return '`' . str_replace(['`', '.'], ['``', '`.`'], (string)$identifier) . '`';
    }
    public function getAliasLength() { return 256; }
    public function getQueryDelimiter() { return ';'; }
    public function forSql($value, $maxLength = 0)
    {
        $value = (string)$value;
        if ($maxLength > 0) $value = mb_substr($value, 0, $maxLength);
        return $this->connection->getResource()->real_escape_string($value);
    }
    /** Escapes LIKE wildcards (%, _ and the escape char) and then the SQL string; no quotes added. */
    public function forSqlLike($value) { return $this->forSql(str_replace(['\\', '%', '_'], ['\\\\', '\\%', '\\_'], (string)$value)); }
    public function getCurrentDateTimeFunction() { return 'NOW()'; }
    public function getCurrentDateFunction() { return 'CURRENT_DATE'; }
    public function addSecondsToDateTime($seconds, $from = null)
    {
        return 'DATE_ADD(' . ($from ?? $this->getCurrentDateTimeFunction()) . ', INTERVAL ' . (is_numeric($seconds) ? (int)$seconds : $seconds) . ' SECOND)';
    }
    public function addDaysToDateTime($days, $from = null)
    {
        return 'DATE_ADD(' . ($from ?? $this->getCurrentDateTimeFunction()) . ', INTERVAL ' . (int)$days . ' DAY)';
    }
    public function getDatetimeToDateFunction($value) { return 'DATE(' . $value . ')'; }
    public function formatDate($format, $field = null)
    {
        $map = ['YYYY' => '%Y', 'MMMM' => '%M', 'MM' => '%m', 'MI' => '%i', 'DD' => '%d', 'HH' => '%H', 'GG' => '%H', 'SS' => '%s', 'TT' => '%p', 'T' => '%p', 'M' => '%b', 'H' => '%h', 'G' => '%h'];
        $out = strtr($format, $map);
        return $field === null ? $out : "DATE_FORMAT($field, '$out')";
    }
    public function getSubstrFunction($str, $from, $length = null) { return 'SUBSTR(' . $str . ', ' . $from . ($length !== null ? ', ' . $length : '') . ')'; }
    public function getConcatFunction() { return 'CONCAT(' . implode(', ', func_get_args()) . ')'; }
    public function getIsNullFunction($expression, $result) { return 'IFNULL(' . $expression . ', ' . $result . ')'; }
    public function getLengthFunction($field) { return 'LENGTH(' . $field . ')'; }
    public function getCharToDateFunction($value) { return "'" . $value . "'"; }
    public function getDateToCharFunction($fieldName) { return $fieldName; }
    public function getRandomFunction() { return 'RAND()'; }
    public function getRegexpOperator($field, $regexp) { return $field . ' REGEXP ' . $regexp; }
    /** The ORM's "like" (whereLike): case-insensitive by the column collation on MySQL, ILIKE on PostgreSQL. */
    public function getIlikeOperator($field, $value) { return $field . ' LIKE ' . $value; }
    /** The inserted value of a column in a merge's update part. */
    public function values($identifier) { return 'VALUES(' . $this->quote($identifier) . ')'; }
    public function castToChar($fieldName) { return 'CAST(' . $fieldName . ' AS char)'; }
    public function getAscendingOrder() { return 'ASC'; }
    public function getDescendingOrder() { return 'DESC'; }
    public function getTopSql($sql, $limit, $offset = 0)
    {
        $limit = (int)$limit; $offset = (int)$offset;
        if ($offset > 0 && $limit <= 0) throw new \Bitrix\Main\ArgumentException('Limit must be set if offset is set');
        if ($limit <= 0) return $sql;
        return $sql . "\nLIMIT " . ($offset > 0 ? $offset . ', ' : '') . $limit;
    }
    public function getInsertIgnore($tableName, $fields, $sql) { return 'INSERT IGNORE INTO ' . $tableName . $fields . $sql; }
    /** DELETE of at most $limit rows matching $where (MySQL: DELETE ... ORDER BY ... LIMIT). */
    public function prepareDeleteLimit($tableName, array $primaryFields, $where, array $order, $limit)
    {
        $orderSql = [];
        foreach ($order as $column => $dir) $orderSql[] = $this->quote($column) . ' ' . $dir;
        return 'DELETE FROM ' . $this->quote($tableName) . ' WHERE ' . $where . ($orderSql ? ' ORDER BY ' . implode(', ', $orderSql) : '') . ' LIMIT ' . (int)$limit;
    }

    /** Converts a PHP value to an SQL literal, according to the field if given. */
    public function convertToDb($value, Fields\IReadable $field = null)
    {
        if ($value === null) return 'NULL';
        if ($value instanceof SqlExpression) return $value->compile();
        if ($field instanceof Fields\ScalarField) return $field->convertValueToDb($value);
        return $this->convertToDbString($value);
    }
    public function convertToDbInteger($value, $size = 8) { return (string)(int)$value; }
    public function convertToDbFloat($value, $scale = null)
    {
        $v = (float)$value;
        return $scale !== null ? (string)round($v, (int)$scale) : var_export($v, true);
    }
    public function convertToDbString($value, $length = null)
    {
        if ($value === null) return 'NULL';
        if ($value instanceof SqlExpression) return $value->compile();
        return "'" . $this->forSql((string)$value, (int)$length) . "'";
    }
    public function convertToDbText($value) { return $this->convertToDbString($value); }
    public function convertToDbDateTime($value)
    {
        if ($value === null || $value === '') return 'NULL';
        if ($value instanceof SqlExpression) return $value->compile();
        if ($value instanceof Type\Date) return "'" . $value->format('Y-m-d H:i:s') . "'";
        if ($value instanceof \DateTimeInterface) return "'" . $value->format('Y-m-d H:i:s') . "'";
        throw new \Bitrix\Main\ArgumentTypeException('value', '\Bitrix\Main\Type\Date');
    }
    public function convertToDbDate($value)
    {
        if ($value === null || $value === '') return 'NULL';
        if ($value instanceof SqlExpression) return $value->compile();
        if ($value instanceof Type\Date || $value instanceof \DateTimeInterface) return "'" . $value->format('Y-m-d') . "'";
        throw new \Bitrix\Main\ArgumentTypeException('value', '\Bitrix\Main\Type\Date');
    }
    public function convertFromDbDateTime($value)
    {
        if ($value === null || $value === '' || strncmp($value, '0000-00-00', 10) === 0) return null;
        return new Type\DateTime($value, 'Y-m-d H:i:s');
    }
    public function convertFromDbDate($value)
    {
        if ($value === null || $value === '' || strncmp($value, '0000-00-00', 10) === 0) return null;
        return new Type\Date(substr($value, 0, 10), 'Y-m-d');
    }
    public function convertFromDb($value, Fields\IReadable $field)
    {
        return $field instanceof Fields\ScalarField ? $field->convertValueFromDb($value) : $value;
    }

    /** [columns, values, binds] for INSERT; values converted with convertToDb. */
    public function prepareInsert($tableName, array $fields, $returnAsArray = false)
    {
        $cols = []; $vals = [];
        foreach ($fields as $k => $v) {
            $cols[] = $this->quote($k);
            $vals[] = $this->literal($v);
        }
        return $returnAsArray ? [$cols, $vals, []] : [implode(', ', $cols), implode(', ', $vals), []];
    }
    /** [set clause, binds] for UPDATE */
    public function prepareUpdate($tableName, array $fields)
    {
        $set = [];
        foreach ($fields as $k => $v) $set[] = $this->quote($k) . ' = ' . $this->literal($v);
        return [implode(', ', $set), []];
    }
    public function prepareMerge($tableName, array $primaryFields, array $insertFields, array $updateFields)
    {
        [$cols, $vals] = $this->prepareInsert($tableName, $insertFields);
        [$set] = $this->prepareUpdate($tableName, $updateFields);
        return ['INSERT INTO ' . $this->quote($tableName) . ' (' . $cols . ') VALUES (' . $vals . ')' . ($set !== '' ? ' ON DUPLICATE KEY UPDATE ' . $set : '')];
    }
    public function prepareAssignment($tableName, $columnName, $value) { return $this->quote($columnName) . ' = ' . $this->literal($value); }
    protected function literal($v)
    {
        if ($v === null) return 'NULL';
        if ($v instanceof SqlExpression) return $v->compile();
        if ($v instanceof Type\Date) return $this->convertToDbDateTime($v);
        if (is_bool($v)) return $v ? "'Y'" : "'N'";
        if (is_int($v)) return (string)$v;
        if (is_float($v)) return $this->convertToDbFloat($v);
        return $this->convertToDbString($v);
    }

    public function getColumnTypeByField(Fields\ScalarField $field)
    {
        if ($field instanceof Fields\IntegerField) {
            switch ($field->getSize()) { case 2: return 'smallint'; case 8: return 'bigint'; default: return 'int'; }
        }
        if ($field instanceof Fields\FloatField) return 'double';
        if ($field instanceof Fields\DatetimeField) return 'datetime';
        if ($field instanceof Fields\DateField) return 'date';
        if ($field instanceof Fields\TextField) return $field->isLong() ? 'longtext' : 'text';
        if ($field instanceof Fields\BooleanField) {
            $v = $field->getValues();
            if (preg_match('/^[0-9]+$/', (string)$v[0]) && preg_match('/^[0-9]+$/', (string)$v[1])) return 'int';
            $f = mb_strlen((string)$v[0]); $t = mb_strlen((string)$v[1]);
            return ($f === 1 && $t === 1) ? 'char(1)' : 'varchar(' . max($f, $t) . ')';
        }
        if ($field instanceof Fields\EnumField) return 'varchar(' . max(array_map('mb_strlen', $field->getValues())) . ')';
        // as in the kernel: the length comes from LengthValidators (not from size), default 255
        $len = false;
        foreach ($field->getValidators() as $v) {
            if ($v instanceof Fields\Validators\LengthValidator && $v->getMax() !== null && ($len === false || $len > $v->getMax())) $len = $v->getMax();
        }
        return 'varchar(' . ($len > 0 ? $len : 255) . ')';
    }

    public function getFieldByColumnType($name, $type, array $parameters = null)
    {
        switch ($type) {
            case MYSQLI_TYPE_TINY: case MYSQLI_TYPE_SHORT:
                $f = (new Fields\IntegerField($name))->configureSize(2); break;
            case MYSQLI_TYPE_LONG: case MYSQLI_TYPE_INT24: case MYSQLI_TYPE_CHAR:
                $f = (new Fields\IntegerField($name))->configureSize(4); break;
            case MYSQLI_TYPE_LONGLONG:
                $f = (new Fields\IntegerField($name))->configureSize(8); break;
            case MYSQLI_TYPE_DECIMAL: case MYSQLI_TYPE_NEWDECIMAL: case MYSQLI_TYPE_FLOAT: case MYSQLI_TYPE_DOUBLE:
                $f = new Fields\FloatField($name); break;
            case MYSQLI_TYPE_DATETIME: case MYSQLI_TYPE_TIMESTAMP:
                $f = new Fields\DatetimeField($name); break;
            case MYSQLI_TYPE_DATE: case MYSQLI_TYPE_NEWDATE:
                $f = new Fields\DateField($name); break;
            default:
                $f = new Fields\StringField($name);
        }
        $f->setConnection($this->connection);
        return $f;
    }
}

class MysqliSqlHelper extends SqlHelper {}
