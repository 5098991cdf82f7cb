<?php
namespace Bitrix\Main\ORM\Fields;

class FloatField extends ScalarField
{
    protected $scale;
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        if (isset($parameters['scale'])) $this->scale = (int)$parameters['scale'];
    }
    public function configureScale($scale) { $this->scale = (int)$scale; return $this; }
    public function getScale() { return $this->scale; }
    public function cast($value)
    {
        if ($value === null || $value instanceof \Bitrix\Main\DB\SqlExpression) return $value;
        $v = (float)$value;
        return $this->scale !== null ? round($v, $this->scale) : $v;
    }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        return $value === null ? 'NULL' : $this->getConnection()->getSqlHelper()->convertToDbFloat($value, $this->scale);
    }
    public function getFilterType() { return 'double'; }
}
