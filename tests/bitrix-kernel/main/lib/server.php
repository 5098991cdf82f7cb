<?php
namespace Bitrix\Main;

class Server extends Type\ParameterDictionary
{
    public function getDocumentRoot() { return $this->get('DOCUMENT_ROOT'); }
    public function getPersonalRoot() { return Loader::getPersonalRoot(); }
    public function getHttpHost() { return $this->get('HTTP_HOST'); }
    public function getServerName() { return $this->get('SERVER_NAME'); }
    public function getServerAddr() { return $this->get('SERVER_ADDR'); }
    public function getServerPort() { return $this->get('SERVER_PORT'); }
    public function getRequestUri() { return $this->get('REQUEST_URI'); }
    public function getRequestMethod() { return $this->get('REQUEST_METHOD'); }
    public function getPhpSelf() { return $this->get('PHP_SELF'); }
    public function getScriptName() { return $this->get('SCRIPT_NAME'); }
    public function getRemoteAddr() { return $this->get('REMOTE_ADDR'); }
    public function getUserAgent() { return $this->get('HTTP_USER_AGENT'); }
    public function rewriteUri($url, $queryString, $redirectStatus = null) {}
}
