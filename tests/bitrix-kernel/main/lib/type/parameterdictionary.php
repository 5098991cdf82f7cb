<?php
namespace Bitrix\Main\Type;

class ParameterDictionary implements \ArrayAccess, \Iterator, \Countable
{
    protected $values = [];
    protected $arRawValues = null;

    public function __construct(array $values = null)
    {
        $this->values = $values ?? [];
    }
    public function set($name, $value = null)
    {
        if (is_array($name)) $this->values = $name; else $this->values[$name] = $value;
    }
    public function get($name) { return $this->values[$name] ?? null; }
    public function getRaw($name) { return $this->arRawValues === null ? $this->get($name) : ($this->arRawValues[$name] ?? null); }
    public function toArray() { return $this->values; }
    public function getValues() { return $this->values; }
    public function isEmpty() { return empty($this->values); }
    public function clear() { $this->values = []; }
    public function current(): mixed { return current($this->values); }
    public function next(): void { next($this->values); }
    public function key(): mixed { return key($this->values); }
    public function valid(): bool { return key($this->values) !== null; }
    public function rewind(): void { reset($this->values); }
    public function offsetExists($offset): bool { return isset($this->values[$offset]) || array_key_exists($offset, $this->values); }
    public function offsetGet($offset): mixed { return $this->values[$offset] ?? null; }
    public function offsetSet($offset, $value): void { if ($offset === null) $this->values[] = $value; else $this->values[$offset] = $value; }
    public function offsetUnset($offset): void { unset($this->values[$offset]); }
    public function count(): int { return count($this->values); }
}
