<?php
namespace Bitrix\Main;

class HttpResponse
{
    protected $headers;
    protected $content = '';
    protected $status;

    public function __construct() { $this->headers = new Web\HttpHeaders(); }
    public function addHeader($name, $value = '') { $this->headers->add($name, $value); return $this; }
    public function getHeaders() { return $this->headers; }
    public function setStatus($status) { $this->status = $status; return $this; }
    public function getStatus() { return $this->status; }
    public function setContent($content) { $this->content = (string)$content; return $this; }
    public function getContent() { return $this->content; }
    public function flush($text = '')
    {
        if (!headers_sent()) {
            if (is_int($this->status) || ctype_digit((string)$this->status)) http_response_code((int)$this->status);
            elseif ($this->status) header('HTTP/1.1 ' . $this->status);
            foreach ($this->headers as $name => $values) foreach ($values as $v) header("$name: $v", false);
        }
        echo $text !== '' ? $text : $this->content;
    }
}
