<?php
namespace Bitrix\Main;

class Error implements \JsonSerializable
{
    protected $message;
    protected $code;
    protected $customData;

    public function __construct($message, $code = 0, $customData = null)
    {
        $this->message = (string)$message;
        $this->code = $code;
        $this->customData = $customData;
    }
    public static function createFromThrowable(\Throwable $e) { return new static($e->getMessage(), $e->getCode()); }
    public function getCode() { return $this->code; }
    public function getMessage() { return $this->message; }
    public function getCustomData() { return $this->customData; }
    public function __toString() { return $this->message; }
    public function jsonSerialize(): array { return ['message' => $this->message, 'code' => $this->code, 'customData' => $this->customData]; }
}
