<?php
namespace Bitrix\Main\ORM\Fields;

use Bitrix\Main\Type;

class DatetimeField extends DateField
{
    protected $useTimezone = true;
    public function configureUseTimezone($v = true) { $this->useTimezone = (bool)$v; return $this; }
    public function cast($value)
    {
        if ($value === null || $value instanceof Type\DateTime) return $value;
        if ($value instanceof Type\Date) return Type\DateTime::createFromTimestamp($value->getTimestamp());
        if (is_string($value) && $value !== '') {
            try { return new Type\DateTime($value); } catch (\Throwable $e) {}
            try { return new Type\DateTime($value, 'Y-m-d H:i:s'); } catch (\Throwable $e) { return $value; }
        }
        return $value;
    }
    public function convertValueFromDb($value) { return $this->getConnection()->getSqlHelper()->convertFromDbDateTime($value); }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        if (is_string($value) && $value !== '') $value = $this->cast($value);
        return $this->getConnection()->getSqlHelper()->convertToDbDateTime($value);
    }
    public function getFilterType() { return 'datetime'; }
}
