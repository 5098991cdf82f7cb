<?php
namespace Bitrix\Main\Web;

class Uri implements \JsonSerializable
{
    protected $scheme, $host, $port, $user, $pass, $path, $query, $fragment;

    public function __construct($url)
    {
        $p = parse_url((string)$url) ?: [];
        foreach (['scheme', 'host', 'port', 'user', 'pass', 'path', 'query', 'fragment'] as $k) $this->$k = $p[$k] ?? null;
        $this->path = $this->path ?? '';
        $this->query = $this->query ?? '';
    }
    public function getUri()
    {
        $s = '';
        if ($this->host !== null) {
            $s = ($this->scheme ? $this->scheme . ':' : '') . '//' . ($this->user !== null ? $this->user . ($this->pass !== null ? ':' . $this->pass : '') . '@' : '') . $this->host . ($this->port ? ':' . $this->port : '');
        }
        return $s . $this->path . ($this->query !== '' ? '?' . $this->query : '') . ($this->fragment !== null ? '#' . $this->fragment : '');
    }
    public function getLocator() { return $this->getUri(); }
    public function getPath() { return $this->path; }
    public function setPath($p) { $this->path = $p; return $this; }
    public function getQuery() { return $this->query; }
    public function getHost() { return $this->host; }
    public function getScheme() { return $this->scheme; }
    public function getPort() { return $this->port; }
    public function getFragment() { return $this->fragment; }
    public function getPathQuery() { return $this->path . ($this->query !== '' ? '?' . $this->query : ''); }
    public function addParams(array $params, $preserveDots = false)
    {
        parse_str($this->query, $cur);
        $this->query = http_build_query(array_replace($cur, $params), '', '&', PHP_QUERY_RFC3986);
        return $this;
    }
    public function deleteParams(array $params, $preserveDots = false)
    {
        parse_str($this->query, $cur);
        foreach ($params as $p) unset($cur[$p]);
        $this->query = http_build_query($cur, '', '&', PHP_QUERY_RFC3986);
        return $this;
    }
    public function __toString() { return $this->getUri(); }
    public function jsonSerialize(): mixed { return $this->getUri(); }
}
