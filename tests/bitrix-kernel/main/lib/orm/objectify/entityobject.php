<?php
namespace Bitrix\Main\ORM\Objectify;

use Bitrix\Main\ORM\Entity;
use Bitrix\Main\ORM\Fields;
use Bitrix\Main\SystemException;

/**
 * Generic entity object (the real kernel generates EO_<Entity> classes): typed getters/setters
 * by camel-cased field name (getDurationMs() → DURATION_MS), get/set/has, save(), delete().
 */
class EntityObject implements \ArrayAccess
{
    const STATE_NEW = 1;
    const STATE_ACTUAL = 2;
    const STATE_CHANGED = 3;
    const STATE_DELETED = 4;

    protected $entity;
    protected $actual = [];
    protected $current = [];
    protected $runtime = [];
    protected $state = self::STATE_NEW;
    protected static $camelMaps = [];

    public function __construct($entityOrDefaults = true, $setDefaultValues = true)
    {
        if ($entityOrDefaults instanceof Entity) $this->entity = $entityOrDefaults;
        else throw new SystemException('Bitrix test kernel: create objects with Table::createObject()');
        if ($setDefaultValues) {
            foreach ($this->entity->getScalarFields() as $name => $f) {
                if ($f->hasDefaultValue()) $this->current[$name] = $f->cast($f->getDefaultValue());
            }
        }
    }
    public function entity() { return $this->entity; }
    public function state() { return $this->state; }
    /** @internal */
    public function wakeUpValues(array $values, array $runtime = [])
    {
        foreach ($values as $k => $v) {
            $f = $this->entity->hasField($k) ? $this->entity->getField($k) : null;
            $this->actual[$k] = ($f instanceof Fields\ScalarField && !($v instanceof \Bitrix\Main\Type\Date) && $v !== null) ? $f->cast($v) : $v;
        }
        $this->runtime = $runtime + $this->runtime;
        $this->current = [];
        $this->state = self::STATE_ACTUAL;
        return $this;
    }
    public function get($name)
    {
        if (array_key_exists($name, $this->current)) return $this->current[$name];
        if (array_key_exists($name, $this->actual)) return $this->actual[$name];
        if (array_key_exists($name, $this->runtime)) return $this->runtime[$name];
        if (!$this->entity->hasField($name)) throw new \Bitrix\Main\ArgumentException(sprintf('%s Entity has no `%s` field.', $this->entity->getName(), $name));
        return null;
    }
    public function set($name, $value)
    {
        $f = $this->entity->getField($name);
        if ($f instanceof Fields\ScalarField && $f->isPrimary() && $this->state !== self::STATE_NEW) throw new SystemException(sprintf('Setting value for Primary `%s` in `%s` is not allowed, it is read-only field', $name, $this->entity->getName()));
        $this->current[$name] = $f instanceof Fields\ScalarField ? $f->cast($value) : $value;
        if ($this->state === self::STATE_ACTUAL) $this->state = self::STATE_CHANGED;
        return $this;
    }
    public function has($name) { return array_key_exists($name, $this->current) || array_key_exists($name, $this->actual); }
    public function isChanged($name) { return array_key_exists($name, $this->current); }
    public function reset($name) { unset($this->current[$name]); return $this; }
    public function unset($name) { unset($this->current[$name], $this->actual[$name]); return $this; }
    public function sysGetRuntime($name) { return $this->runtime[$name] ?? null; }
    public function customData() { return $this->runtime; }
    public function collectValues($valuesType = 'all')
    {
        if ($valuesType === 'current') return $this->current;
        if ($valuesType === 'actual') return $this->actual;
        return array_merge($this->actual, $this->current);
    }
    public function toArray() { return $this->collectValues(); }
    public function getPrimary()
    {
        $r = [];
        foreach ($this->entity->getPrimaryArray() as $p) $r[$p] = $this->get($p);
        return $r;
    }
    public function primary() { return $this->getPrimary(); }

    protected function fieldByMethodPart($part)
    {
        $cls = $this->entity->getDataClass();
        if (!isset(self::$camelMaps[$cls])) {
            $map = [];
            foreach ($this->entity->getFields() as $n => $f) {
                $camel = str_replace(' ', '', ucwords(strtolower(str_replace('_', ' ', $n))));
                $map[strtolower($camel)] = $n;
                $map[strtolower($n)] = $map[strtolower($n)] ?? $n;
            }
            self::$camelMaps[$cls] = $map;
        }
        $k = strtolower($part);
        if (isset(self::$camelMaps[$cls][$k])) return self::$camelMaps[$cls][$k];
        foreach (array_keys($this->runtime) as $n) {
            if (strtolower(str_replace('_', '', $n)) === $k) return $n;
        }
        return null;
    }

    public function __call($method, $args)
    {
        foreach (['get', 'set', 'has', 'isFilled', 'isChanged', 'reset', 'unset', 'require', 'remind', 'fill', 'is'] as $prefix) {
            if (strncmp($method, $prefix, strlen($prefix)) !== 0) continue;
            $name = $this->fieldByMethodPart(substr($method, strlen($prefix)));
            if ($name === null) continue;
            switch ($prefix) {
                case 'get': case 'require': case 'remind': case 'fill': return $this->get($name);
                case 'set': return $this->set($name, $args[0] ?? null);
                case 'has': case 'isFilled': return $this->has($name);
                case 'isChanged': return $this->isChanged($name);
                case 'reset': return $this->reset($name);
                case 'unset': return $this->unset($name);
                case 'is': return (bool)$this->get($name);
            }
        }
        throw new SystemException(sprintf('Unknown method `%s` for object `%s`', $method, static::class));
    }

    public function save()
    {
        $cls = $this->entity->getDataClass();
        if ($this->state === self::STATE_NEW) {
            $data = $this->collectValues();
            $r = $cls::add($data);
            if ($r->isSuccess()) {
                $primary = $r->getPrimary() ?: [];
                $this->wakeUpValues(array_merge($data, (array)$primary));
            }
            return $r;
        }
        if ($this->state === self::STATE_CHANGED) {
            $r = $cls::update($this->getPrimary(), $this->current);
            if ($r->isSuccess()) $this->wakeUpValues(array_merge($this->actual, $this->current));
            return $r;
        }
        return new \Bitrix\Main\ORM\Data\UpdateResult();
    }
    public function delete()
    {
        $cls = $this->entity->getDataClass();
        $r = $cls::delete($this->getPrimary());
        if ($r->isSuccess()) $this->state = self::STATE_DELETED;
        return $r;
    }
    public function offsetExists($o): bool { return $this->has($o) || array_key_exists($o, $this->runtime); }
    public function offsetGet($o): mixed { return $this->get($o); }
    public function offsetSet($o, $v): void { $this->set($o, $v); }
    public function offsetUnset($o): void { $this->unset($o); }
}
