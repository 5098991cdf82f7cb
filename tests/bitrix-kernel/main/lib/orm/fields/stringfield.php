<?php
namespace Bitrix\Main\ORM\Fields;

class StringField extends ScalarField
{
    protected $format;
    protected $size;
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        if (!empty($parameters['format'])) $this->format = $parameters['format'];
        if (isset($parameters['size']) && (int)$parameters['size'] > 0) $this->size = (int)$parameters['size'];
    }
    public function configureFormat($format) { $this->format = $format; return $this; }
    public function getFormat() { return $this->format; }
    public function configureSize($size) { $this->size = (int)$size; return $this; }
    public function getSize() { return $this->size; }
    protected function defaultValidators(): array
    {
        $v = [];
        if ($this->format !== null) $v[] = new Validators\RegExpValidator($this->format);
        return $v;
    }
    /** As in the kernel, size truncates the value (it adds no validator). */
    public function cast($value)
    {
        if ($value === null || $value instanceof \Bitrix\Main\DB\SqlExpression) return $value;
        $value = (string)$value;
        return $this->size !== null ? mb_substr($value, 0, $this->size) : $value;
    }
    public function convertValueToDb($value)
    {
        if ($value instanceof \Bitrix\Main\DB\SqlExpression) return $value->compile();
        return $this->getConnection()->getSqlHelper()->convertToDbString($value, $this->size);
    }
}
