<?php
namespace Bitrix\Main\ORM\Fields;

class TextField extends StringField
{
    protected $long = false;
    public function __construct($name, $parameters = [])
    {
        parent::__construct($name, $parameters);
        $this->long = !empty($parameters['long']);
    }
    public function configureLong($v = true) { $this->long = (bool)$v; return $this; }
    public function isLong() { return $this->long; }
    public function getDataType() { return 'text'; }
}
