<?php
namespace Bitrix\Main;

class Event
{
    protected $moduleId;
    protected $type;
    protected $parameters = [];
    protected $filter;
    protected $sender;
    protected $results = [];
    protected $exceptions = [];
    protected $debugMode = false;
    protected $debugInfo = [];

    public function __construct($moduleId, $type, $parameters = [], $filter = null)
    {
        $this->moduleId = $moduleId;
        $this->type = $type;
        $this->setParameters($parameters);
        $this->filter = $filter === null ? null : (array)$filter;
    }
    public function getModuleId() { return $this->moduleId; }
    public function getEventType() { return $this->type; }
    public function setParameters($parameters)
    {
        if (!is_array($parameters)) throw new ArgumentTypeException('parameter', 'array');
        $this->parameters = $parameters;
    }
    public function getParameters() { return $this->parameters; }
    public function setParameter($key, $value) { $this->parameters[$key] = $value; }
    public function getParameter($key) { return $this->parameters[$key] ?? null; }
    public function setFilter($filter) { $this->filter = (array)$filter; }
    public function getFilter() { return $this->filter; }
    public function getSender() { return $this->sender; }
    public function getResults() { return $this->results; }
    public function addResult(EventResult $result) { $this->results[] = $result; }
    public function send($sender = null)
    {
        $this->sender = $sender;
        EventManager::getInstance()->send($this);
    }
    public function addException(\Exception $e) { $this->exceptions[] = $e; }
    public function getExceptions() { return $this->exceptions; }
    public function turnDebugOn() { $this->debugMode = true; }
    public function isDebugOn() { return $this->debugMode; }
    public function addDebugInfo($ar) { if ($this->debugMode) $this->debugInfo[] = $ar; }
    public function getDebugInfo() { return $this->debugInfo; }
}
