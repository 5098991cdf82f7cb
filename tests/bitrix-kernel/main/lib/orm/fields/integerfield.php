<?php
namespace Bitrix\Main\ORM\Fields;

class IntegerField extends ScalarField
{
    protected $size = 4;
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        if (isset($parameters['size']) && (int)$parameters['size'] > 0) $this->size = (int)$parameters['size'];
    }
    public function configureSize($size) { $this->size = (int)$size; return $this; }
    public function getSize() { return $this->size; }
    public function cast($value) { return $value === null || $value instanceof \Bitrix\Main\DB\SqlExpression ? $value : (int)$value; }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        return $value === null ? 'NULL' : (string)(int)$value;
    }
    public function getFilterType() { return 'int'; }
    public function getDataType() { return 'integer'; }
}
