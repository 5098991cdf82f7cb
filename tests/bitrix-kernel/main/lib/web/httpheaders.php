<?php
namespace Bitrix\Main\Web;

/** Case-insensitive header bag (subset of the real Web\HttpHeaders). */
class HttpHeaders implements \IteratorAggregate
{
    protected $headers = []; // lower => ['name' => original, 'values' => [...]]

    public function __construct(array $headers = [])
    {
        foreach ($headers as $name => $value) $this->add($name, $value);
    }
    public function add($name, $value)
    {
        $k = strtolower($name);
        if (!isset($this->headers[$k])) $this->headers[$k] = ['name' => $name, 'values' => []];
        foreach ((array)$value as $v) $this->headers[$k]['values'][] = (string)$v;
        return $this;
    }
    public function set($name, $value)
    {
        $this->headers[strtolower($name)] = ['name' => $name, 'values' => array_map('strval', (array)$value)];
        return $this;
    }
    public function get($name, $returnArray = false)
    {
        $k = strtolower($name);
        if (!isset($this->headers[$k])) return $returnArray ? [] : null;
        return $returnArray ? $this->headers[$k]['values'] : implode(', ', $this->headers[$k]['values']);
    }
    public function has($name) { return isset($this->headers[strtolower($name)]); }
    public function delete($name) { unset($this->headers[strtolower($name)]); }
    public function clear() { $this->headers = []; }
    public function toArray()
    {
        $r = [];
        foreach ($this->headers as $h) $r[strtolower($h['name'])] = ['name' => $h['name'], 'values' => $h['values']];
        return $r;
    }
    public function getIterator(): \Traversable
    {
        $r = [];
        foreach ($this->headers as $h) $r[$h['name']] = $h['values'];
        return new \ArrayIterator($r);
    }
}
