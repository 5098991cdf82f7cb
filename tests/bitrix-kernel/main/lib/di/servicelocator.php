<?php
namespace Bitrix\Main\DI;

use Bitrix\Main\Config\Configuration;
use Bitrix\Main\DI\Exception\ServiceNotFoundException;
use Bitrix\Main\SystemException;

/**
 * Services by code: addInstance, addInstanceLazy (['className' => ..., 'constructorParams' => [...]|callable]
 * or ['constructor' => callable]); modules' .settings.php 'services' are registered when the module is included.
 */
final class ServiceLocator
{
    private static $instance;
    private $services = [];   // code => configuration
    private $instances = [];  // code => object

    private function __construct() {}
    public static function getInstance() { return self::$instance ?? (self::$instance = new self()); }

    public function addInstance(string $code, $service): void { $this->instances[$code] = $service; }

    public function addInstanceLazy(string $code, $configuration): void
    {
        if (!is_array($configuration)) throw new \Bitrix\Main\ArgumentTypeException('configuration', 'array');
        $this->services[$code] = $configuration;
        unset($this->instances[$code]);
    }

    public function registerByModuleSettings(string $moduleName): void
    {
        $services = Configuration::getInstance($moduleName)->get('services');
        if (is_array($services)) {
            foreach ($services as $code => $config) {
                if (!isset($this->instances[$code]) && !isset($this->services[$code])) $this->addInstanceLazy($code, $config);
            }
        }
    }
    public function registerByGlobalSettings(): void
    {
        $services = Configuration::getInstance()->get('services');
        if (is_array($services)) foreach ($services as $code => $config) $this->addInstanceLazy($code, $config);
    }

    public function has(string $id): bool
    {
        return isset($this->instances[$id]) || isset($this->services[$id]);
    }

    public function get(string $id)
    {
        if (isset($this->instances[$id])) return $this->instances[$id];
        if (isset($this->services[$id])) {
            $object = $this->createItem($id, $this->services[$id]);
            $this->instances[$id] = $object;
            return $object;
        }
        if (class_exists($id)) {
            $rc = new \ReflectionClass($id);
            $ctor = $rc->getConstructor();
            if ($rc->isInstantiable() && (!$ctor || $ctor->getNumberOfRequiredParameters() === 0)) {
                return $this->instances[$id] = $rc->newInstance();
            }
        }
        throw new ServiceNotFoundException("Could not find service by code {$id}.");
    }

    private function createItem(string $id, array $config)
    {
        if (isset($config['constructor'])) {
            if (!is_callable($config['constructor'])) throw new SystemException("Could not build service {$id}: constructor is not callable.");
            return ($config['constructor'])();
        }
        if (isset($config['className'])) {
            $class = $config['className'];
            $params = $config['constructorParams'] ?? [];
            if (is_callable($params)) $params = $params();
            if (!class_exists($class)) throw new ServiceNotFoundException("Could not find service by code {$id}: class {$class} not found.");
            return new $class(...array_values((array)$params));
        }
        throw new SystemException("Could not build service {$id}: neither className nor constructor.");
    }
}
