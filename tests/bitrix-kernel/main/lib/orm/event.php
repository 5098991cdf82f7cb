<?php
namespace Bitrix\Main\ORM;

/** ORM event passed to the DataManager static handlers (onBeforeAdd, onAfterAdd, ...). */
class Event extends \Bitrix\Main\Event
{
    protected $entity;
    public function __construct(Entity $entity, $type, array $parameters = [], $withNamespace = false)
    {
        $this->entity = $entity;
        parent::__construct($entity->getModule(), $entity->getName() . $type, $parameters);
    }
    public function getEntity() { return $this->entity; }
    /** Collects errors of EventResult(ERROR) into $result; true if there were none. */
    public function getErrors(\Bitrix\Main\Result $result)
    {
        $ok = true;
        foreach ($this->results as $r) {
            if ($r->getType() === EventResult::ERROR) {
                $ok = false;
                if ($r instanceof EventResult) foreach ($r->getErrors() as $e) $result->addError($e);
                else $result->addError(new EntityError('Event handler error'));
            }
        }
        return $ok;
    }
    public function mergeFields(array $data)
    {
        foreach ($this->results as $r) {
            if ($r instanceof EventResult) {
                foreach ($r->getUnset() as $k) unset($data[$k]);
                $data = array_merge($data, $r->getModified());
            }
        }
        return $data;
    }
}
