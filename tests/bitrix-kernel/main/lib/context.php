<?php
namespace Bitrix\Main;

class Context
{
    protected $request;
    protected $response;
    protected $server;
    protected $language;
    protected $site;
    protected $culture;
    protected $params = [];

    public function initialize(HttpRequest $request, HttpResponse $response, Server $server, array $params = [])
    {
        $this->request = $request;
        $this->response = $response;
        $this->server = $server;
        $this->params = $params;
    }
    public static function getCurrent() { return Application::getInstance()->getContext(); }
    public function getRequest() { return $this->request; }
    public function getResponse() { return $this->response; }
    public function setResponse(HttpResponse $r) { $this->response = $r; return $this; }
    public function getServer() { return $this->server; }
    public function getLanguage() { return $this->language ?? (defined('LANGUAGE_ID') ? LANGUAGE_ID : 'ru'); }
    public function setLanguage($language) { $this->language = $language; }
    public function getSite() { return $this->site ?? (defined('SITE_ID') ? SITE_ID : 's1'); }
    public function setSite($site) { $this->site = $site; }
    public function getCulture() { return $this->culture ?? ($this->culture = new Context\Culture()); }
    public function getEnvironment() { return new Environment($_ENV ?: getenv()); }
}
