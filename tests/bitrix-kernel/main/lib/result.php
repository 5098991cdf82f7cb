<?php
namespace Bitrix\Main;

class Result
{
    protected $isSuccess = true;
    protected $errors;
    protected $data = [];

    public function __construct() { $this->errors = new ErrorCollection(); }
    public function __clone() { $this->errors = clone $this->errors; }
    public function isSuccess() { return $this->isSuccess; }
    public function addError(Error $error) { $this->isSuccess = false; $this->errors[] = $error; return $this; }
    public function addErrors(array $errors) { foreach ($errors as $e) $this->addError($e); return $this; }
    public function getErrors() { return $this->errors->toArray(); }
    public function getErrorCollection() { return $this->errors; }
    public function getError() { $a = $this->errors->getValues(); return $a[0] ?? null; }
    public function getErrorMessages() { return array_map(fn($e) => $e->getMessage(), $this->errors->getValues()); }
    public function setData(array $data) { $this->data = $data; return $this; }
    public function getData() { return $this->data; }
}
