<?php
namespace Bitrix\Main\ORM\Fields;

abstract class ScalarField extends Field implements IReadable
{
    protected $is_primary = false;
    protected $is_unique = false;
    protected $is_required = false;
    protected $is_autocomplete = false;
    protected $is_nullable = false;
    protected $column_name = '';
    protected $default_value;

    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        $this->is_primary = !empty($parameters['primary']);
        $this->is_unique = !empty($parameters['unique']);
        $this->is_required = !empty($parameters['required']);
        $this->is_autocomplete = !empty($parameters['autocomplete']);
        $this->is_nullable = !empty($parameters['nullable']);
        $this->column_name = $parameters['column_name'] ?? $this->name;
        $this->default_value = $parameters['default_value'] ?? ($parameters['default'] ?? null);
    }
    public function configurePrimary($value = true) { $this->is_primary = (bool)$value; return $this; }
    public function configureRequired($value = true) { $this->is_required = (bool)$value; return $this; }
    public function configureUnique($value = true) { $this->is_unique = (bool)$value; return $this; }
    public function configureAutocomplete($value = true) { $this->is_autocomplete = (bool)$value; return $this; }
    public function configureNullable($value = true) { $this->is_nullable = (bool)$value; return $this; }
    public function configureColumnName($name) { $this->column_name = $name; return $this; }
    public function configureDefaultValue($value) { $this->default_value = $value; return $this; }
    public function isPrimary() { return $this->is_primary; }
    public function isRequired() { return $this->is_required; }
    public function isUnique() { return $this->is_unique; }
    public function isAutocomplete() { return $this->is_autocomplete; }
    public function isNullable() { return $this->is_nullable; }
    public function getColumnName() { return $this->column_name; }
    public function setColumnName($name) { $this->column_name = $name; }
    public function isValueEmpty($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) $value = $value->compile();
        if (is_array($value)) return !$value;
        return (string)$value === '';
    }
    public function getDefaultValue($row = null)
    {
        $v = $this->default_value;
        if ($v instanceof \Closure || (is_array($v) && is_callable($v))) return call_user_func($v, $row);
        return $v;
    }
    public function hasDefaultValue() { return $this->default_value !== null; }

    /** PHP value for objects (typed). */
    public function cast($value) { return $value; }
    /** DB raw → fetch() value (array results): raw strings except where a type needs converting. */
    public function convertValueFromDb($value) { return $value; }
    /** PHP value → SQL literal */
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        return $this->getConnection()->getSqlHelper()->convertToDbString($value);
    }
    /** Filter type for the CSQLWhere-like filter compiler: int, double, string, datetime, date */
    public function getFilterType() { return 'string'; }
}
