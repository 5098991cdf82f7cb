<?php
namespace Bitrix\Main\ORM
{
    class EntityError extends \Bitrix\Main\Error
    {
        public function __construct($message, $code = 'BX_ERROR', $customData = null) { parent::__construct($message, $code, $customData); }
    }
}
namespace Bitrix\Main\ORM\Fields
{
    class FieldError extends \Bitrix\Main\ORM\EntityError
    {
        const EMPTY_REQUIRED = 'BX_EMPTY_REQUIRED';
        const INVALID_VALUE = 'BX_INVALID_VALUE';
        protected $field;
        public function __construct(Field $field, $message, $code = 0, $customData = null)
        {
            parent::__construct($message, $code, $customData);
            $this->field = $field;
        }
        public function getField() { return $this->field; }
    }
}
