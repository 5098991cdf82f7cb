<?php
class CApplicationException
{
    public $msg;
    public $id;
    public function __construct($msg, $id = false) { $this->msg = $msg; $this->id = $id; }
    public function GetString() { return $this->msg; }
    public function GetID() { return $this->id; }
    public function __toString() { return (string)$this->msg; }
}

class CAdminException extends CApplicationException
{
    protected $messages;
    public function __construct($messages, $id = false)
    {
        $this->messages = $messages;
        $s = '';
        foreach ($messages as $m) $s .= ($m['text'] ?? '') . "<br>";
        parent::__construct($s, $id);
    }
    public function GetMessages() { return $this->messages; }
    public function AddMessage($message) { $this->messages[] = $message; $this->msg .= ($message['text'] ?? '') . "<br>"; }
}
