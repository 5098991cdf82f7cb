<?php
namespace Bitrix\Main;

/**
 * Test-kernel Loader: module inclusion (b_module check), namespace autoload
 * (lowercase path first, then original case), classmap for legacy classes.
 */
class Loader
{
    const BITRIX_HOLDER = 'bitrix';
    const LOCAL_HOLDER = 'local';

    protected static $loadedModules = ['main' => true];
    protected static $modulePaths = [];
    protected static $namespaces = [];
    protected static $classMap = [];
    protected static $registered = false;

    public static function registerKernelAutoload(): void
    {
        if (self::$registered) return;
        self::$registered = true;
        $main = dirname(__DIR__);
        self::$namespaces['Bitrix\\Main\\'] = [['module' => 'main', 'path' => $main . '/lib/']];
        self::$modulePaths['main'] = $main;
        self::$classMap = require $main . '/include/autoload.php';
        spl_autoload_register([self::class, 'autoLoad'], true, true);
    }

    public static function getDocumentRoot(): string
    {
        return rtrim($_SERVER['DOCUMENT_ROOT'] ?? '', '/');
    }

    public static function getPersonalRoot(): string
    {
        return defined('BX_PERSONAL_ROOT') ? BX_PERSONAL_ROOT : '/bitrix';
    }

    /** Full path of "$root/local/$path", else "$root/bitrix/$path", else false. */
    public static function getLocal($path, $root = null)
    {
        $root = $root ?? self::getDocumentRoot();
        $path = ltrim($path, '/');
        if (file_exists($root . '/local/' . $path)) return $root . '/local/' . $path;
        if (file_exists($root . self::getPersonalRoot() . '/' . $path)) return $root . self::getPersonalRoot() . '/' . $path;
        return false;
    }

    protected static function moduleDir(string $moduleName)
    {
        if ($moduleName === 'main') return self::$modulePaths['main'];
        $root = self::getDocumentRoot();
        foreach (['/local/modules/', '/bitrix/modules/'] as $holder) {
            if (is_dir($root . $holder . $moduleName)) return $root . $holder . $moduleName;
        }
        return false;
    }

    public static function includeModule($moduleName)
    {
        if (!is_string($moduleName) || $moduleName === '') throw new LoaderException('Empty module name');
        if (preg_match('#[^a-zA-Z0-9._]#', $moduleName)) throw new LoaderException(sprintf("Module name '%s' is not correct", $moduleName));
        $moduleName = strtolower($moduleName);
        if (isset(self::$loadedModules[$moduleName])) return self::$loadedModules[$moduleName];
        // as in the kernel, a negative answer is remembered until ModuleManager (un)registers the module
        if (!ModuleManager::isModuleInstalled($moduleName)) return self::$loadedModules[$moduleName] = false;
        $dir = self::moduleDir($moduleName);
        if ($dir === false) return self::$loadedModules[$moduleName] = false;
        self::$modulePaths[$moduleName] = $dir;
        self::registerNamespace(self::moduleNamespace($moduleName), $dir . '/lib');
        self::$loadedModules[$moduleName] = true;
        if (is_file($dir . '/include.php')) {
            $res = self::includeFileIsolated($dir . '/include.php');
            if ($res === false) {
                self::$loadedModules[$moduleName] = false;
                return false;
            }
        }
        Config\Configuration::wipeCache($moduleName); // the module's .settings.php is read afresh on (re)inclusion
        DI\ServiceLocator::getInstance()->registerByModuleSettings($moduleName);
        return true;
    }

    private static function includeFileIsolated(string $file)
    {
        global $DB, $APPLICATION, $USER, $MESS, $DBType;
        return include_once $file;
    }

    public static function includeSharewareModule($moduleName)
    {
        return self::includeModule($moduleName) ? 1 : 0; // MODULE_INSTALLED
    }

    public static function requireModule($moduleName)
    {
        if (!self::includeModule($moduleName)) throw new LoaderException(sprintf("Module '%s' is not installed", $moduleName));
        return true;
    }

    public static function getLoadedModules(): array
    {
        return array_keys(array_filter(self::$loadedModules));
    }

    /** Forget included state of a module (used after unRegisterModule). */
    public static function clearModuleCache($moduleName): void
    {
        unset(self::$loadedModules[strtolower($moduleName)]);
    }

    public static function moduleNamespace(string $moduleName): string
    {
        if ($moduleName === 'main') return 'Bitrix\\Main';
        if (strpos($moduleName, '.') === false) return 'Bitrix\\' . ucfirst($moduleName);
        return implode('\\', array_map('ucfirst', explode('.', $moduleName)));
    }

    public static function registerNamespace($namespace, $path): void
    {
        $namespace = trim($namespace, '\\') . '\\';
        $path = rtrim($path, '/\\') . '/';
        foreach (self::$namespaces[$namespace] ?? [] as $p) if ($p['path'] === $path) return;
        self::$namespaces[$namespace][] = ['module' => null, 'path' => $path];
    }

    /** registerAutoLoadClasses($module, ['Class' => 'relative/path.php']) */
    public static function registerAutoLoadClasses($moduleName, array $classes): void
    {
        $base = $moduleName === null || $moduleName === '' ? self::getDocumentRoot() : self::moduleDir(strtolower($moduleName));
        foreach ($classes as $class => $file) {
            self::$classMap[strtolower(ltrim($class, '\\'))] = rtrim((string)$base, '/') . '/' . ltrim($file, '/');
        }
    }

    public static function autoLoad($className): void
    {
        $className = ltrim($className, '\\');
        $lower = strtolower($className);
        if (isset(self::$classMap[$lower])) {
            $f = self::$classMap[$lower];
            if ($f[0] !== '/') $f = self::$modulePaths['main'] . '/' . $f;
            if (is_file($f)) { require_once $f; return; }
        }
        // longest matching namespace first
        $best = null;
        foreach (self::$namespaces as $ns => $paths) {
            if (strncasecmp($className, $ns, strlen($ns)) === 0 && ($best === null || strlen($ns) > strlen($best))) $best = $ns;
        }
        if ($best === null) return;
        $rel = substr($className, strlen($best));
        foreach (self::$namespaces[$best] as $p) {
            $lowerPath = $p['path'] . str_replace('\\', '/', strtolower($rel)) . '.php';
            if (is_file($lowerPath)) { require_once $lowerPath; return; }
            $origPath = $p['path'] . str_replace('\\', '/', $rel) . '.php';
            if (is_file($origPath)) { require_once $origPath; return; }
        }
    }
}
