<?php
namespace Bitrix\Main\DB;

/** DB result: fetch() applies converters and fetch data modifiers; raw values are whatever the driver gives (strings for mysqli). */
abstract class Result implements \IteratorAggregate
{
    protected $resource;
    protected $connection;
    protected $converters = [];
    protected $fetchDataModifiers = [];
    protected $serializedFields = [];
    protected $replacedAliases = [];
    protected $count;
    protected $trackerQuery;

    public function __construct($result, Connection $dbConnection = null, $trackerQuery = null)
    {
        $this->resource = $result;
        $this->connection = $dbConnection;
    }
    public function getResource() { return $this->resource; }
    public function setReplacedAliases(array $a) { $this->replacedAliases = $a; }
    public function addReplacedAliases(array $a) { $this->replacedAliases = array_merge($this->replacedAliases, $a); }
    public function setSerializedFields(array $f) { $this->serializedFields = $f; }
    public function setConverters($c) { $this->converters = $c; }
    public function getConverters() { return $this->converters; }
    public function addFetchDataModifier($m)
    {
        if (!is_callable($m)) throw new \Bitrix\Main\ArgumentException('Data Modifier should be a callback');
        $this->fetchDataModifiers[] = $m;
    }
    abstract protected function fetchRowInternal();
    abstract public function getSelectedRowsCount();
    abstract public function getFields();

    public function fetchRaw() { return $this->fetchRowInternal(); }

    public function fetch(\Bitrix\Main\Text\Converter $converter = null)
    {
        $row = $this->fetchRowInternal();
        if (!$row) return false;
        foreach ($this->replacedAliases as $from => $to) {
            if (array_key_exists($from, $row)) { $row[$to] = $row[$from]; unset($row[$from]); }
        }
        foreach ($this->converters as $field => $conv) {
            if (array_key_exists($field, $row)) $row[$field] = $conv($row[$field]);
        }
        foreach ($this->serializedFields as $f) {
            if (isset($row[$f])) $row[$f] = unserialize($row[$f], ['allowed_classes' => false]);
        }
        foreach ($this->fetchDataModifiers as $m) {
            $r = call_user_func_array($m, [&$row]);
            if (is_array($r)) $row = $r;
        }
        return $row;
    }
    public function fetchAll(\Bitrix\Main\Text\Converter $converter = null)
    {
        $res = [];
        while ($row = $this->fetch($converter)) $res[] = $row;
        return $res;
    }
    public function setCount($n) { $this->count = (int)$n; }
    public function getCount()
    {
        if ($this->count !== null) return $this->count;
        throw new \Bitrix\Main\ObjectPropertyException('count');
    }
    public function getTrackerQuery() { return $this->trackerQuery; }
    public function getIterator(): \Traversable
    {
        return (function () { while ($r = $this->fetch()) yield $r; })();
    }
}
