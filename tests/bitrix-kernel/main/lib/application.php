<?php
namespace Bitrix\Main;

/** Test-kernel Application: context, connection pool (connections from bitrix/.settings.php). */
class Application
{
    protected static $instance;
    protected $context;
    protected $connections = [];
    protected $exceptionHandler;
    protected $session;

    public static function getInstance()
    {
        if (self::$instance === null) {
            self::$instance = new static();
            self::$instance->initializeContext();
        }
        return self::$instance;
    }
    public static function hasInstance() { return self::$instance !== null; }

    protected function initializeContext()
    {
        $server = new Server($_SERVER);
        $request = new HttpRequest($server, $_GET, $_POST, $_FILES, $_COOKIE);
        $ctx = new Context();
        $ctx->initialize($request, new HttpResponse(), $server, ['env' => getenv()]);
        $this->context = $ctx;
    }
    public function getContext() { return $this->context; }
    public function setContext(Context $context) { $this->context = $context; }

    public static function getConnection($name = '')
    {
        $app = static::getInstance();
        $name = $name === '' || $name === null ? 'default' : $name;
        if (!isset($app->connections[$name])) {
            $all = Config\Configuration::getValue('connections') ?? [];
            if (!isset($all[$name])) throw new Config\ConfigurationException(sprintf('Connection "%s" is not configured', $name));
            $cfg = $all[$name];
            $class = ltrim($cfg['className'] ?? DB\MysqliConnection::class, '\\');
            $app->connections[$name] = new $class($cfg);
        }
        return $app->connections[$name];
    }
    public function getConnectionPool() { return new Data\ConnectionPool($this); }
    /** @internal */
    public function getConnectionsArray() { return $this->connections; }
    public static function getDocumentRoot() { return Loader::getDocumentRoot(); }
    public static function getPersonalRoot() { return Loader::getPersonalRoot(); }
    public static function isUtfMode() { return true; }
    public function isInitialized() { return true; }
    public function getExceptionHandler()
    {
        return $this->exceptionHandler ?? ($this->exceptionHandler = new Diag\ExceptionHandler());
    }
    public function terminate($status = 0) { exit($status); }
    /** Flushes $response (if given), runs the end-of-page actions and exits, as the kernel does. */
    public function end($status = 0, HttpResponse $response = null)
    {
        if ($response !== null) $response->flush();
        global $APPLICATION;
        if (is_object($APPLICATION) && method_exists($APPLICATION, 'FinalActions')) $APPLICATION->FinalActions();
        $this->terminate($status);
    }
    public function getSession() { return $this->session ?? ($this->session = new Session\Session()); }
    public function getKernelSession() { return $this->getSession(); }
    public static function getUserTypeManager() { return $GLOBALS['USER_FIELD_MANAGER'] ?? null; }
}
