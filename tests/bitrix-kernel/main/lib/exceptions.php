<?php
namespace Bitrix\Main
{
    class SystemException extends \Exception
    {
        public function __construct($message = '', $code = 0, $file = '', $line = 0, ?\Throwable $previous = null)
        {
            parent::__construct((string)$message, (int)$code, $previous);
            if ($file !== '') $this->file = $file;
            if ($line) $this->line = $line;
        }
    }
    class ArgumentException extends SystemException
    {
        protected $parameter;
        public function __construct($message = '', $parameter = '', ?\Throwable $previous = null)
        {
            parent::__construct($message, 100, '', 0, $previous);
            $this->parameter = $parameter;
        }
        public function getParameter() { return $this->parameter; }
    }
    class ArgumentNullException extends ArgumentException
    {
        public function __construct($parameter, ?\Throwable $previous = null)
        {
            parent::__construct(sprintf('Argument "%s" is null or empty', $parameter), $parameter, $previous);
        }
    }
    class ArgumentOutOfRangeException extends ArgumentException
    {
        public function __construct($parameter, $lowerLimit = null, $upperLimit = null, ?\Throwable $previous = null)
        {
            parent::__construct(sprintf('The value of an argument "%s" is outside the allowable range of values', $parameter), $parameter, $previous);
        }
    }
    class ArgumentTypeException extends ArgumentException
    {
        public function __construct($parameter, $requiredType = '', ?\Throwable $previous = null)
        {
            $msg = $requiredType ? sprintf('The value of an argument "%s" must be of type %s', $parameter, $requiredType) : sprintf('The value of an argument "%s" has an invalid type', $parameter);
            parent::__construct($msg, $parameter, $previous);
        }
    }
    class ObjectException extends SystemException {}
    class ObjectNotFoundException extends SystemException {}
    class ObjectPropertyException extends ArgumentException
    {
        public function __construct($parameter = '', ?\Throwable $previous = null)
        {
            parent::__construct(sprintf('Object property "%s" not found.', $parameter), $parameter, $previous);
        }
    }
    class NotImplementedException extends SystemException {}
    class NotSupportedException extends SystemException {}
    class InvalidOperationException extends SystemException {}
    class AccessDeniedException extends SystemException {}
    class LoaderException extends SystemException {}
}
namespace Bitrix\Main\IO
{
    class FileNotFoundException extends \Bitrix\Main\SystemException {}
}
namespace Bitrix\Main\DB
{
    class SqlException extends \Bitrix\Main\SystemException
    {
        protected $databaseMessage;
        public function __construct($message = '', $databaseMessage = '', ?\Throwable $previous = null)
        {
            if ($message !== '' && $databaseMessage !== '') $message .= ': ' . $databaseMessage;
            elseif ($message === '') $message = $databaseMessage;
            parent::__construct($message, 400, '', 0, $previous);
            $this->databaseMessage = $databaseMessage;
        }
        public function getDatabaseMessage() { return $this->databaseMessage; }
    }
    class SqlQueryException extends SqlException
    {
        protected $query;
        public function __construct($message = '', $databaseMessage = '', $query = '', ?\Throwable $previous = null)
        {
            parent::__construct($message, $databaseMessage, $previous);
            $this->query = $query;
        }
        public function getQuery() { return $this->query; }
    }
    class ConnectionException extends SqlException {}
    class TransactionException extends SqlException {}
}
namespace Bitrix\Main\DI\Exception
{
    class ServiceNotFoundException extends \Bitrix\Main\ObjectNotFoundException {}
}
namespace Bitrix\Main\Security
{
    class SecurityException extends \Bitrix\Main\SystemException {}
}
