<?php
namespace Bitrix\Main\ORM\Fields;

use Bitrix\Main\Type;

class DateField extends ScalarField
{
    protected function defaultValidators(): array
    {
        $title = $this->getTitle();
        return [function ($value) use ($title) {
            if ($value === null || $value === '' || $value instanceof Type\Date || $value instanceof \Bitrix\Main\DB\SqlExpression) return true;
            return sprintf('Incorrect date value in field "%s"', $title);
        }];
    }
    public function cast($value)
    {
        if ($value === null || $value instanceof Type\Date) return $value;
        if (is_string($value) && $value !== '') { try { return new Type\Date($value); } catch (\Throwable $e) { return $value; } }
        return $value;
    }
    public function convertValueFromDb($value) { return $this->getConnection()->getSqlHelper()->convertFromDbDate($value); }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        if (is_string($value) && $value !== '') $value = $this->cast($value);
        return $this->getConnection()->getSqlHelper()->convertToDbDate($value);
    }
    public function getFilterType() { return 'date'; }
}
