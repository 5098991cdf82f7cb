<?php
namespace Bitrix\Main\Data;

use Bitrix\Main\Application;

class ConnectionPool
{
    const DEFAULT_CONNECTION_NAME = 'default';
    protected $app;
    public function __construct(Application $app) { $this->app = $app; }
    public function getConnection($name = '') { return Application::getConnection($name); }
    public function useMasterOnly($mode) {}
}
