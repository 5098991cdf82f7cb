<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\ORM\Fields;

/**
 * SQL dialect of PostgreSQL as the real kernel's PgsqlSqlHelper writes it: identifiers are quoted
 * in lower case (so "ID" and unquoted ID name the same column), ILIKE for the ORM's like, ON CONFLICT
 * for merges and INSERT IGNORE, LIMIT/OFFSET, NULLS FIRST/LAST so that ordering matches MySQL's.
 */
class PgsqlSqlHelper extends SqlHelper
{
    public function getLeftQuote() { return '"'; }
    public function getRightQuote() { return '"'; }
    public function quote($identifier)
    {
        return '"' . str_replace('"', '""', mb_strtolower((string)$identifier)) . '"';
    }
    public function values($identifier) { return 'EXCLUDED.' . $this->quote($identifier); }
    public function getAliasLength() { return 63; }
    public function forSql($value, $maxLength = 0)
    {
        $value = (string)$value;
        if ($maxLength > 0) $value = mb_substr($value, 0, $maxLength);
        return pg_escape_string($this->connection->getResource(), $value);
    }
    public function getCurrentDateTimeFunction() { return 'now()'; }
    public function getCurrentDateFunction() { return 'current_date'; }
    public function addSecondsToDateTime($seconds, $from = null)
    {
        $from = $from === null ? $this->getCurrentDateTimeFunction() : $from . '::timestamp';
        return $from . ' + cast(' . (is_numeric($seconds) ? (int)$seconds : $seconds) . "||' second' as interval)";
    }
    public function addDaysToDateTime($days, $from = null)
    {
        $from = $from === null ? $this->getCurrentDateTimeFunction() : $from . '::timestamp';
        return '(' . $from . ' + cast(' . (int)$days . "||' day' as interval))";
    }
    public function getDatetimeToDateFunction($value) { return 'cast(' . $value . ' as date)'; }
    public function formatDate($format, $field = null)
    {
        $map = ['YYYY' => 'YYYY', 'MMMM' => 'FMMonth', 'MM' => 'MM', 'MI' => 'MI', 'DD' => 'DD', 'HH' => 'HH24', 'GG' => 'HH12', 'SS' => 'SS',
            'TT' => 'PM', 'M' => 'Mon', 'H' => 'HH12', 'G' => 'FMHH12', 'T' => 'PM', 'W' => 'D'];
        $out = '';
        foreach (preg_split('/(YYYY|MMMM|MM|MI|DD|HH|GG|SS|TT|M|H|G|T|W)/', $format, -1, PREG_SPLIT_DELIM_CAPTURE) as $part) $out .= $map[$part] ?? $part;
        return $field === null ? $out : "to_char($field, '$out')";
    }
    public function getConcatFunction() { return implode(' || ', func_get_args()); }
    public function getIsNullFunction($expression, $result) { return 'COALESCE(' . $expression . ', ' . $result . ')'; }
    public function getLengthFunction($field) { return 'OCTET_LENGTH(' . $field . ')'; }
    public function getCharToDateFunction($value) { return "timestamp '" . $value . "'"; }
    public function getDateToCharFunction($fieldName) { return 'TO_CHAR(' . $fieldName . ", 'YYYY-MM-DD HH24:MI:SS')"; }
    public function getRandomFunction() { return 'random()'; }
    public function getRegexpOperator($field, $regexp) { return $field . ' ~ ' . $regexp; }
    public function getIlikeOperator($field, $value) { return $field . ' ILIKE ' . $value; }
    public function castToChar($fieldName) { return 'CAST(' . $fieldName . ' AS varchar)'; }
    public function getAscendingOrder() { return 'ASC NULLS FIRST'; }
    public function getDescendingOrder() { return 'DESC NULLS LAST'; }
    public function getTopSql($sql, $limit, $offset = 0)
    {
        $limit = (int)$limit; $offset = (int)$offset;
        if ($offset > 0 && $limit <= 0) throw new \Bitrix\Main\ArgumentException('Limit must be set if offset is set');
        if ($limit > 0) $sql .= "\nLIMIT " . $limit;
        if ($offset > 0) $sql .= ' OFFSET ' . $offset;
        return $sql;
    }
    public function getInsertIgnore($tableName, $fields, $sql) { return 'INSERT INTO ' . $tableName . $fields . $sql . ' ON CONFLICT DO NOTHING'; }
    /** PostgreSQL has no DELETE ... LIMIT: the primary keys of the first $limit matching rows, as the kernel does. */
    public function prepareDeleteLimit($tableName, array $primaryFields, $where, array $order, $limit)
    {
        $primary = implode(', ', array_map([$this, 'quote'], $primaryFields));
        $orderSql = [];
        foreach ($order as $column => $dir) $orderSql[] = $this->quote($column) . ' ' . $dir;
        return 'DELETE FROM ' . $this->quote($tableName) . ' WHERE (' . $primary . ') IN (SELECT ' . $primary . ' FROM ' . $this->quote($tableName)
            . ' WHERE ' . $where . ($orderSql ? ' ORDER BY ' . implode(', ', $orderSql) : '') . ' LIMIT ' . (int)$limit . ')';
    }
    public function prepareMerge($tableName, array $primaryFields, array $insertFields, array $updateFields)
    {
        [$cols, $vals] = $this->prepareInsert($tableName, $insertFields);
        [$set] = $this->prepareUpdate($tableName, $updateFields);
        if ($cols === '' || $set === '' || !$primaryFields) return [''];
        return ['INSERT INTO ' . $this->quote($tableName) . ' (' . $cols . ') VALUES (' . $vals . ') ON CONFLICT ('
            . implode(', ', array_map([$this, 'quote'], $primaryFields)) . ') DO UPDATE SET ' . $set];
    }
    /** Timestamps may carry microseconds (now()); the kernel's DateTime keeps whole seconds. */
    public function convertFromDbDateTime($value)
    {
        if ($value === null || $value === '' || strncmp($value, '0000-00-00', 10) === 0) return null;
        return new \Bitrix\Main\Type\DateTime(substr($value, 0, 19), 'Y-m-d H:i:s');
    }

    public function getColumnTypeByField(Fields\ScalarField $field)
    {
        if ($field instanceof Fields\IntegerField) {
            switch ($field->getSize()) { case 2: return 'smallint'; case 8: return 'bigint'; default: return 'integer'; }
        }
        if ($field instanceof Fields\FloatField) return 'float8';
        if ($field instanceof Fields\DatetimeField) return 'timestamp';
        if ($field instanceof Fields\DateField) return 'date';
        if ($field instanceof Fields\TextField) return 'text';
        return parent::getColumnTypeByField($field); // boolean, enum, string: char/varchar as on MySQL
    }

    /** By PostgreSQL type name (information_schema data_type or pg_field_type). */
    public function getFieldByColumnType($name, $type, array $parameters = null)
    {
        switch ($type) {
            case 'bigint': case 'int8': case 'bigserial': case 'serial8':
                $f = (new Fields\IntegerField($name))->configureSize(8); break;
            case 'integer': case 'int': case 'int4': case 'serial': case 'serial4':
                $f = (new Fields\IntegerField($name))->configureSize(4); break;
            case 'smallint': case 'int2': case 'smallserial': case 'serial2':
                $f = (new Fields\IntegerField($name))->configureSize(2); break;
            case 'double precision': case 'float4': case 'float8': case 'numeric': case 'decimal': case 'real':
                $f = new Fields\FloatField($name); break;
            case 'timestamp': case 'timestamp without time zone': case 'timestamptz': case 'timestamp with time zone':
                $f = new Fields\DatetimeField($name); break;
            case 'date':
                $f = new Fields\DateField($name); break;
            case 'text':
                $f = new Fields\TextField($name); break;
            default:
                $f = new Fields\StringField($name);
        }
        $f->setConnection($this->connection);
        return $f;
    }
}
