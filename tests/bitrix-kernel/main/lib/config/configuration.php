<?php
namespace Bitrix\Main\Config;

use Bitrix\Main\Loader;

/**
 * bitrix/.settings.php (+ .settings_extra.php) and modules' .settings.php: ['key' => ['value' => ..., 'readonly' => ...]].
 */
class Configuration implements \ArrayAccess, \Iterator, \Countable
{
    protected static $instances = [];
    protected $moduleId;
    protected $data = null;
    protected $isLoaded = false;

    protected function __construct($moduleId = null) { $this->moduleId = $moduleId; }

    public static function getInstance($moduleId = null)
    {
        $k = $moduleId ?? '';
        return self::$instances[$k] ?? (self::$instances[$k] = new static($moduleId));
    }
    public static function getValue($name)
    {
        return static::getInstance()->get($name);
    }
    public static function setValue($name, $value)
    {
        static::getInstance()->add($name, $value);
    }
    protected function path()
    {
        $root = Loader::getDocumentRoot();
        if ($this->moduleId === null) return $root . '/bitrix/.settings.php';
        $p = Loader::getLocal('modules/' . $this->moduleId . '/.settings.php');
        return $p ?: null;
    }
    protected function load()
    {
        if ($this->isLoaded) return;
        $this->isLoaded = true;
        $this->data = [];
        $p = $this->path();
        if ($p && is_file($p)) {
            $d = include $p;
            if (is_array($d)) $this->data = $d;
            $extra = substr($p, 0, -strlen('.settings.php')) . '.settings_extra.php';
            if (is_file($extra)) {
                $e = include $extra;
                if (is_array($e)) $this->data = array_replace($this->data, $e);
            }
        }
    }
    public function get($name)
    {
        $this->load();
        if (!isset($this->data[$name])) return null;
        $d = $this->data[$name];
        return is_array($d) && array_key_exists('value', $d) ? $d['value'] : null;
    }
    public function add($name, $value)
    {
        $this->load();
        $this->data[$name] = ['value' => $value, 'readonly' => false];
    }
    public function delete($name) { $this->load(); unset($this->data[$name]); }
    public function saveConfiguration()
    {
        $p = $this->path();
        if (!$p) throw new ConfigurationException('No configuration file');
        file_put_contents($p, "<?php\nreturn " . var_export($this->data, true) . ";\n");
    }
    /** @internal reset caches (tests). */
    public static function wipeCache($moduleId = false)
    {
        if ($moduleId === false) self::$instances = [];
        else unset(self::$instances[$moduleId ?? '']);
    }
    public function offsetExists($o): bool { $this->load(); return isset($this->data[$o]); }
    public function offsetGet($o): mixed { return $this->get($o); }
    public function offsetSet($o, $v): void { $this->add($o, $v); }
    public function offsetUnset($o): void { $this->delete($o); }
    public function current(): mixed { $this->load(); $c = current($this->data); return $c['value'] ?? null; }
    public function next(): void { $this->load(); next($this->data); }
    public function key(): mixed { $this->load(); return key($this->data); }
    public function valid(): bool { $this->load(); return key($this->data) !== null; }
    public function rewind(): void { $this->load(); reset($this->data); }
    public function count(): int { $this->load(); return count($this->data); }
}
