<?php
namespace Bitrix\Main\ORM;

class EventResult extends \Bitrix\Main\EventResult
{
    protected $modified = [];
    protected $unset = [];
    protected $errors = [];
    public function __construct($type = self::SUCCESS, $parameters = null, $moduleId = null, $handler = null)
    {
        parent::__construct($type, $parameters, $moduleId, $handler);
    }
    public function modifyFields(array $fields) { $this->modified = $fields; }
    public function getModified() { return $this->modified; }
    public function unsetFields(array $fields) { $this->unset = $fields; }
    public function unsetField($name) { $this->unset[] = $name; }
    public function getUnset() { return $this->unset; }
    public function addError(EntityError $error) { $this->type = self::ERROR; $this->errors[] = $error; }
    public function setErrors(array $errors) { foreach ($errors as $e) $this->addError($e); }
    public function getErrors() { return $this->errors; }
}
