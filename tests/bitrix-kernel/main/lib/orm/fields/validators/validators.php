<?php
namespace Bitrix\Main\ORM\Fields\Validators;

interface IValidator
{
    public function validate($value, $primary, array $row, $field);
}

abstract class Validator implements IValidator
{
    protected $errorPhrase;
    public function __construct($errorPhrase = null) { $this->errorPhrase = $errorPhrase; }
    protected function message($field, $default)
    {
        return $this->errorPhrase ?? sprintf($default, $field->getTitle());
    }
}

class LengthValidator extends Validator
{
    protected $min; protected $max;
    public function __construct($min = 1, $max = null, $errorPhrase = [])
    {
        $this->min = $min; $this->max = $max;
        parent::__construct(is_array($errorPhrase) ? null : $errorPhrase);
    }
    public function getMin() { return $this->min; }
    public function getMax() { return $this->max; }
    public function validate($value, $primary, array $row, $field)
    {
        if ($value === null || $value instanceof \Bitrix\Main\DB\SqlExpression) return true;
        $len = mb_strlen((string)$value);
        if ($this->min !== null && $len < $this->min) return $this->message($field, 'The value of field "%s" is too short');
        if ($this->max !== null && $len > $this->max) return $this->message($field, 'The value of field "%s" is too long');
        return true;
    }
}

class RegExpValidator extends Validator
{
    protected $pattern;
    public function __construct($pattern, $errorPhrase = null) { $this->pattern = $pattern; parent::__construct($errorPhrase); }
    public function validate($value, $primary, array $row, $field)
    {
        if ($value === null || $value === '' || preg_match($this->pattern, (string)$value)) return true;
        return $this->message($field, 'The value of field "%s" has an invalid format');
    }
}

class RangeValidator extends Validator
{
    protected $min; protected $max; protected $equality;
    public function __construct($min = 0, $max = null, $equality = false, $errorPhrase = null)
    {
        $this->min = $min; $this->max = $max; $this->equality = $equality; parent::__construct($errorPhrase);
    }
    public function validate($value, $primary, array $row, $field)
    {
        if ($value === null) return true;
        if ($this->min !== null && ($this->equality ? $value < $this->min : $value < $this->min)) return $this->message($field, 'The value of field "%s" is out of range');
        if ($this->max !== null && $value > $this->max) return $this->message($field, 'The value of field "%s" is out of range');
        return true;
    }
}

class UniqueValidator extends Validator
{
    public function validate($value, $primary, array $row, $field)
    {
        $entity = $field->getEntity();
        $filter = ['=' . $field->getName() => $value];
        if ($primary) foreach ($primary as $k => $v) $filter['!=' . $k] = $v;
        $cls = $entity->getDataClass();
        return $cls::getCount($filter) > 0 ? $this->message($field, 'The value of field "%s" is not unique') : true;
    }
}
