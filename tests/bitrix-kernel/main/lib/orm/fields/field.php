<?php
namespace Bitrix\Main\ORM\Fields;

use Bitrix\Main\ORM\Entity;

abstract class Field
{
    protected $name;
    protected $title;
    protected $entity;
    protected $initialParameters = [];
    protected $validation;
    protected $validators;
    protected $additionalValidators = [];
    protected $fetchDataModification;
    protected $fetchDataModifiers;
    protected $additionalFetchDataModifiers = [];
    protected $saveDataModification;
    protected $saveDataModifiers;
    protected $additionalSaveDataModifiers = [];
    protected $isSerialized = false;
    protected $parentField;
    protected $connection;
    protected $isPrivate = false;

    public function __construct($name, $parameters = [])
    {
        if ($name === '' || $name === null) throw new \Bitrix\Main\SystemException('Field name required');
        $this->name = $name;
        $this->initialParameters = $parameters;
        $this->title = $parameters['title'] ?? null;
        if (isset($parameters['validation'])) $this->validation = $parameters['validation'];
        if (isset($parameters['fetch_data_modification'])) $this->fetchDataModification = $parameters['fetch_data_modification'];
        if (isset($parameters['save_data_modification'])) $this->saveDataModification = $parameters['save_data_modification'];
        if (!empty($parameters['serialized'])) $this->isSerialized = true;
        if (!empty($parameters['private'])) $this->isPrivate = true;
    }
    public function postInitialize() {}
    public function getName() { return $this->name; }
    public function setName($name) { $this->name = $name; }
    public function getTitle() { return $this->title ?? $this->name; }
    public function configureTitle($title) { $this->title = $title; return $this; }
    public function getEntity() { return $this->entity; }
    public function setEntity(Entity $entity) { $this->entity = $entity; }
    public function resetEntity() { $this->entity = null; }
    public function getParameter($name) { return $this->initialParameters[$name] ?? null; }
    public function setParameter($name, $value) { $this->initialParameters[$name] = $value; return $this; }
    public function hasParameter($name) { return array_key_exists($name, $this->initialParameters); }
    public function isSerialized() { return $this->isSerialized; }
    public function configureSerialized() { $this->isSerialized = true; return $this; }
    public function setConnection($c) { $this->connection = $c; }
    public function getConnection() { return $this->connection ?? ($this->entity ? $this->entity->getConnection() : \Bitrix\Main\Application::getConnection()); }
    public function configurePrivate($v = true) { $this->isPrivate = (bool)$v; return $this; }
    public function isPrivate() { return $this->isPrivate; }

    public function getDataType()
    {
        $short = strtolower((new \ReflectionClass($this))->getShortName());
        return substr($short, -5) === 'field' ? substr($short, 0, -5) : $short;
    }

    // ---- validators
    public function getValidators()
    {
        if ($this->validators === null) {
            $this->validators = [];
            if ($this->validation !== null) {
                $v = call_user_func($this->validation);
                if (!is_array($v)) throw new \Bitrix\Main\SystemException(sprintf('Validation for %s field of %s entity should return array of validators', $this->name, $this->entity ? $this->entity->getDataClass() : ''));
                foreach ($v as $one) $this->appendValidator($one);
            }
            foreach ($this->additionalValidators as $one) $this->appendValidator($one);
            foreach ($this->defaultValidators() as $one) $this->appendValidator($one);
        }
        return $this->validators;
    }
    protected function appendValidator($v)
    {
        if (!($v instanceof Validators\IValidator) && !is_callable($v)) throw new \Bitrix\Main\ArgumentException('Validators should be an instance of IValidator or callable');
        $this->validators[] = $v;
    }
    /** Validators a field type always has (format, size, allowed values). */
    protected function defaultValidators(): array { return []; }
    public function addValidator($validator) { $this->additionalValidators[] = $validator; $this->validators = null; return $this; }
    public function configureValidation($callback) { $this->validation = $callback; $this->validators = null; return $this; }

    /** Runs validators; returns list of error messages. */
    public function validateValue($value, $primary, $row, \Bitrix\Main\ORM\Data\Result $result)
    {
        foreach ($this->getValidators() as $validator) {
            if ($validator instanceof Validators\IValidator) $r = $validator->validate($value, $primary, $row, $this);
            else $r = call_user_func($validator, $value, $primary, $row, $this);
            if ($r !== true) {
                if ($r instanceof \Bitrix\Main\Error) $result->addError(new FieldError($this, $r->getMessage(), $r->getCode()));
                else $result->addError(new FieldError($this, is_string($r) ? $r : sprintf('Incorrect value of field "%s"', $this->getTitle()), FieldError::INVALID_VALUE));
            }
        }
    }

    // ---- data modifiers
    public function getFetchDataModifiers()
    {
        if ($this->fetchDataModifiers === null) {
            $this->fetchDataModifiers = [];
            if ($this->fetchDataModification !== null) foreach ((array)call_user_func($this->fetchDataModification) as $m) $this->fetchDataModifiers[] = $m;
            foreach ($this->additionalFetchDataModifiers as $m) $this->fetchDataModifiers[] = $m;
        }
        return $this->fetchDataModifiers;
    }
    public function addFetchDataModifier($m) { $this->additionalFetchDataModifiers[] = $m; $this->fetchDataModifiers = null; return $this; }
    public function getSaveDataModifiers()
    {
        if ($this->saveDataModifiers === null) {
            $this->saveDataModifiers = [];
            if ($this->saveDataModification !== null) foreach ((array)call_user_func($this->saveDataModification) as $m) $this->saveDataModifiers[] = $m;
            foreach ($this->additionalSaveDataModifiers as $m) $this->saveDataModifiers[] = $m;
        }
        return $this->saveDataModifiers;
    }
    public function addSaveDataModifier($m) { $this->additionalSaveDataModifiers[] = $m; $this->saveDataModifiers = null; return $this; }
}
