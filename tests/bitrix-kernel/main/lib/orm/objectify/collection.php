<?php
namespace Bitrix\Main\ORM\Objectify;

use Bitrix\Main\ORM\Entity;

class Collection implements \ArrayAccess, \Iterator, \Countable
{
    protected $entity;
    protected $objects = [];

    public function __construct(Entity $entity = null) { $this->entity = $entity; }
    public function entity() { return $this->entity; }
    public function add(EntityObject $o) { $this->objects[] = $o; }
    public function getAll() { return $this->objects; }
    public function has(EntityObject $o) { return in_array($o, $this->objects, true); }
    public function isEmpty() { return !$this->objects; }
    public function remove(EntityObject $o) { $this->objects = array_values(array_filter($this->objects, fn($x) => $x !== $o)); }
    public function getByPrimary($primary)
    {
        foreach ($this->objects as $o) {
            $p = $o->getPrimary();
            if ((is_array($primary) && $p == $primary) || (!is_array($primary) && count($p) === 1 && reset($p) == $primary)) return $o;
        }
        return null;
    }
    public function getIdList()
    {
        return array_map(fn($o) => $o->get($this->entity->getPrimaryArray()[0]), $this->objects);
    }
    public function save($ignoreEvents = false)
    {
        $r = new \Bitrix\Main\ORM\Data\Result();
        foreach ($this->objects as $o) { $x = $o->save(); if (!$x->isSuccess()) $r->addErrors($x->getErrors()); }
        return $r;
    }
    public function __call($method, $args)
    {
        if (strncmp($method, 'get', 3) === 0 && substr($method, -4) === 'List') {
            $part = substr($method, 3, -4);
            return array_map(fn($o) => $o->{'get' . $part}(), $this->objects);
        }
        throw new \Bitrix\Main\SystemException(sprintf('Unknown method `%s` for collection', $method));
    }
    public function current(): mixed { return current($this->objects); }
    public function next(): void { next($this->objects); }
    public function key(): mixed { return key($this->objects); }
    public function valid(): bool { return key($this->objects) !== null; }
    public function rewind(): void { reset($this->objects); }
    public function count(): int { return count($this->objects); }
    public function offsetExists($o): bool { return isset($this->objects[$o]); }
    public function offsetGet($o): mixed { return $this->objects[$o] ?? null; }
    public function offsetSet($o, $v): void { if ($o === null) $this->objects[] = $v; else $this->objects[$o] = $v; }
    public function offsetUnset($o): void { unset($this->objects[$o]); }
}
