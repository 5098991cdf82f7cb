<?php
namespace Bitrix\Main\ORM\Data;

class Result extends \Bitrix\Main\Result
{
    protected $wereErrorsChecked = false;
    public function isSuccess($internalCall = false) { return parent::isSuccess(); }
}

class AddResult extends Result
{
    protected $primary;
    protected $object;
    public function setId($id) { $this->primary = ['ID' => $id]; }
    /** int for a single auto-increment primary, the primary array otherwise */
    public function getId()
    {
        if (is_array($this->primary) && count($this->primary) === 1) return reset($this->primary);
        return $this->primary;
    }
    public function setPrimary($primary) { $this->primary = $primary; }
    public function getPrimary() { return $this->primary; }
    public function setObject($o) { $this->object = $o; }
    public function getObject() { return $this->object; }
}

class UpdateResult extends Result
{
    protected $affectedRowsCount;
    protected $primary;
    protected $object;
    public function setAffectedRowsCount($c) { $this->affectedRowsCount = (int)$c; }
    public function getAffectedRowsCount() { return $this->affectedRowsCount; }
    public function setPrimary($primary) { $this->primary = $primary; }
    public function getPrimary() { return $this->primary; }
    public function getId() { return is_array($this->primary) && count($this->primary) === 1 ? reset($this->primary) : $this->primary; }
    public function setObject($o) { $this->object = $o; }
    public function getObject() { return $this->object; }
}

class DeleteResult extends Result
{
    protected $object;
    public function setObject($o) { $this->object = $o; }
    public function getObject() { return $this->object; }
}
