<?php
namespace Bitrix\Main\ORM\Fields;

class EnumField extends ScalarField
{
    protected $values = [];
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        if (isset($parameters['values'])) $this->values = array_values($parameters['values']);
    }
    public function configureValues(array $values) { $this->values = array_values($values); return $this; }
    public function getValues() { return $this->values; }
    protected function defaultValidators(): array
    {
        $values = $this->values;
        $title = $this->getTitle();
        return [function ($value) use ($values, $title) {
            if ($value === null || $value === '' || $value instanceof \Bitrix\Main\DB\SqlExpression) return true;
            return in_array((string)$value, array_map('strval', $values), true) ? true : sprintf('Value of field "%s" should be one of: %s', $title, implode(', ', $values));
        }];
    }
    public function cast($value) { return $value === null ? null : (string)$value; }
}
