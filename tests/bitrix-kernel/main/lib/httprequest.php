<?php
namespace Bitrix\Main;

use Bitrix\Main\Type\ParameterDictionary;
use Bitrix\Main\Web\HttpHeaders;

class HttpRequest extends Request
{
    protected $queryString;
    protected $postData;
    protected $files;
    protected $cookies;
    protected $headers;
    protected $jsonData;

    public function __construct(Server $server, array $queryString, array $postData, array $files, array $cookies, array $jsonData = [])
    {
        parent::__construct($server, array_merge($queryString, $postData));
        $this->queryString = new ParameterDictionary($queryString);
        $this->postData = new ParameterDictionary($postData);
        $this->files = new ParameterDictionary($files);
        $this->cookies = new ParameterDictionary($cookies);
        $this->jsonData = new ParameterDictionary($jsonData);
        $this->headers = self::buildHeaders($server->toArray());
    }

    protected static function buildHeaders(array $server): HttpHeaders
    {
        $h = new HttpHeaders();
        foreach ($server as $k => $v) {
            if (!is_string($k)) continue;
            if (strncmp($k, 'HTTP_', 5) === 0) $name = substr($k, 5);
            elseif (in_array($k, ['CONTENT_TYPE', 'CONTENT_LENGTH', 'CONTENT_MD5'], true)) $name = $k;
            else continue;
            $name = str_replace(' ', '-', ucwords(strtolower(str_replace('_', ' ', $name))));
            $h->add($name, $v);
        }
        return $h;
    }

    public function getQuery($name) { return $this->queryString->get($name); }
    public function getQueryList() { return $this->queryString; }
    public function getPost($name) { return $this->postData->get($name); }
    public function getPostList() { return $this->postData; }
    public function getFile($name) { return $this->files->get($name); }
    public function getFileList() { return $this->files; }
    public function getCookie($name) { return $this->cookies->get((defined('BX_COOKIE_PREFIX') ? BX_COOKIE_PREFIX : 'BITRIX_SM') . '_' . $name); }
    public function getCookieRaw($name) { return $this->cookies->get($name); }
    public function getCookieList() { return $this->cookies; }
    public function getCookieRawList() { return $this->cookies; }
    public function getJsonList() { return $this->jsonData; }
    public function getHeader($name) { return $this->headers->get($name); }
    public function getHeaders() { return $this->headers; }
    public function isPost() { return $this->getRequestMethod() === 'POST'; }
    public function isJson() { return stripos((string)$this->getHeader('Content-Type'), 'application/json') !== false; }
    public function isAjaxRequest()
    {
        return $this->server->get('HTTP_BX_AJAX') !== null || strtolower((string)$this->server->get('HTTP_X_REQUESTED_WITH')) === 'xmlhttprequest';
    }
    public function isHttps()
    {
        $https = strtolower((string)$this->server->get('HTTPS'));
        return $this->server->get('SERVER_PORT') == 443 || ($https !== '' && $https !== 'off');
    }
    public function getHttpHost() { return (string)$this->server->getHttpHost(); }
    public function getServerPort() { return $this->server->getServerPort(); }
    public function getRemoteAddress() { return $this->server->get('REMOTE_ADDR'); }
    public function getUserAgent() { return $this->server->get('HTTP_USER_AGENT'); }
    public function getAcceptedLanguages() { return []; }
    public function getDecodedUri() { return rawurldecode((string)$this->getRequestUri()); }
    public static function getInput() { return file_get_contents('php://input'); }
    public function getRequestedPage()
    {
        $p = parent::getRequestedPage();
        return $p;
    }
}
