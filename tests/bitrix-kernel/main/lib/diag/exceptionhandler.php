<?php
namespace Bitrix\Main\Diag;

class ExceptionHandler
{
    public $logged = [];
    public function writeToLog($exception, $logType = null)
    {
        $this->logged[] = $exception;
        $msg = $exception instanceof \Throwable ? get_class($exception) . ': ' . $exception->getMessage() : (string)$exception;
        if ($exception instanceof \Throwable && $exception->getPrevious()) $msg .= ' <- ' . get_class($exception->getPrevious()) . ': ' . $exception->getPrevious()->getMessage();
        error_log('[bitrix-kernel] ' . $msg);
    }
}
