<?php
namespace Bitrix\Main\ORM\Fields;

class BooleanField extends ScalarField
{
    protected $values = [false, true];
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        if (isset($parameters['values']) && is_array($parameters['values']) && count($parameters['values']) === 2) {
            $this->values = array_values($parameters['values']);
        }
    }
    public function configureStorageValues($falseValue, $trueValue) { $this->values = [$falseValue, $trueValue]; return $this; }
    public function configureValues($falseValue, $trueValue) { return $this->configureStorageValues($falseValue, $trueValue); }
    public function getValues() { return $this->values; }
    /** true/false (or storage values) → storage value */
    public function normalizeValue($value)
    {
        if ($value === true || $value === false) return $this->values[(int)$value];
        if ($value === (string)$this->values[0] || $value === $this->values[0]) return $this->values[0];
        if ($value === (string)$this->values[1] || $value === $this->values[1]) return $this->values[1];
        if (is_int($value) || (is_string($value) && is_numeric($value))) {
            // numeric storage values compare loosely
            if ((string)$value === (string)$this->values[0]) return $this->values[0];
            if ((string)$value === (string)$this->values[1]) return $this->values[1];
        }
        return $value;
    }
    protected function defaultValidators(): array
    {
        $values = $this->values;
        $title = $this->getTitle();
        return [function ($value) use ($values, $title) {
            if ($value === null || $value instanceof \Bitrix\Main\DB\SqlExpression) return true;
            foreach ($values as $x) if ((string)$x === (string)$value || $x === $value) return true;
            return sprintf('Value of field "%s" should be one of: %s', $title, implode(', ', array_map(fn($x) => var_export($x, true), $values)));
        }];
    }
    public function cast($value)
    {
        if ($value === null || is_bool($value)) return $value;
        return (string)$this->normalizeValue($value) === (string)$this->values[1];
    }
    public function booleanizeValue($value) { return $this->cast($value); }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        if ($value === null) return 'NULL';
        $v = $this->normalizeValue($value);
        if (is_int($v)) return (string)$v;
        return $this->getConnection()->getSqlHelper()->convertToDbString($v);
    }
    public function getFilterType()
    {
        return (is_numeric($this->values[0]) && is_numeric($this->values[1])) ? 'int' : 'string';
    }
}
