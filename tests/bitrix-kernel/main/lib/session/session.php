<?php
namespace Bitrix\Main\Session;

/** Application::getInstance()->getSession(): the PHP session ($_SESSION in CLI) behind an array-like object. */
class Session implements \ArrayAccess
{
    public function isActive() { return PHP_SAPI === 'cli' || session_status() === PHP_SESSION_ACTIVE; }
    public function isStarted() { return $this->isActive(); }
    public function start() { if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_NONE && !headers_sent()) session_start(); return $this->isActive(); }
    public function getId() { return session_id(); }
    public function getName() { return session_name(); }
    public function regenerateId() { if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_ACTIVE) session_regenerate_id(true); return true; }
    public function has($name) { return isset($_SESSION[$name]) || (is_array($_SESSION) && array_key_exists($name, $_SESSION)); }
    public function get($name) { return $_SESSION[$name] ?? null; }
    public function set($name, $value) { $_SESSION[$name] = $value; }
    public function remove($name) { unset($_SESSION[$name]); }
    public function delete($name) { $this->remove($name); }
    public function clear() { $_SESSION = []; }
    public function save() { if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_ACTIVE) session_write_close(); }
    public function offsetExists($o): bool { return $this->has($o); }
    public function offsetGet($o): mixed { return $this->get($o); }
    public function offsetSet($o, $v): void { $this->set($o, $v); }
    public function offsetUnset($o): void { $this->remove($o); }
}
