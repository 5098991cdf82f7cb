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
        if ($this->size !== null) $v[] = new Validators\LengthValidator(null, $this->size);
        return $v;
    }
    public function cast($value) { return $value === null || $value instanceof \Bitrix\Main\DB\SqlExpression ? $value : (string)$value; }
}
