<?php
namespace Bitrix\Main;

abstract class Request extends Type\ParameterDictionary
{
    protected $server;
    public function __construct(Server $server, array $request = [])
    {
        parent::__construct($request);
        $this->server = $server;
    }
    public function getServer() { return $this->server; }
    public function getRequestUri() { return $this->server->getRequestUri(); }
    public function getRequestMethod() { return $this->server->getRequestMethod(); }
    public function getPhpSelf() { return $this->server->getPhpSelf(); }
    public function getScriptName() { return $this->server->getScriptName(); }
    public function isAdminSection()
    {
        $p = (string)$this->getRequestedPage();
        return strpos($p, '/bitrix/admin/') === 0 || (defined('ADMIN_SECTION') && ADMIN_SECTION === true);
    }
    public function getRequestedPage()
    {
        $uri = (string)$this->getRequestUri();
        $path = parse_url($uri, PHP_URL_PATH) ?: '/';
        if (substr($path, -1) === '/') $path .= 'index.php';
        return $path;
    }
    public function getRequestedPageDirectory() { return rtrim(dirname($this->getRequestedPage()), '/'); }
}
