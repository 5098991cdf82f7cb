<?php
namespace Bitrix\Main;

class ErrorCollection extends Type\Dictionary
{
    public function __construct(array $values = null)
    {
        parent::__construct();
        if ($values) $this->add($values);
    }
    public function add(array $errors) { foreach ($errors as $e) $this->setError($e); }
    public function setError(Error $error, $offset = null) { parent::offsetSet($offset, $error); }
    public function getErrorByCode($code) { foreach ($this->values as $e) if ($e->getCode() === $code) return $e; return null; }
    public function getValues() { return array_values($this->values); }
    public function offsetSet($offset, $value): void { $this->setError($value, $offset); }
}
