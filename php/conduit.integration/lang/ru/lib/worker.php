<?php
$MESS['CONDUIT_WORKER_STARTED'] = 'обработчик очереди #ID# запущен; типы заданий: #TYPES#';
$MESS['CONDUIT_WORKER_PASS'] = 'доставлено #DELIVERED#, отложено #RETRIED#, окончательно не доставлено #FAILED#; обработано #HANDLED#, ошибок обработчиков с повтором #HRETRIED#, окончательно #HFAILED# (нет обработчика: #NOHANDLER#)';
$MESS['CONDUIT_WORKER_QUEUE_ERROR'] = 'ошибка очереди: #ERROR#';
$MESS['CONDUIT_WORKER_STOPPED'] = 'обработчик очереди #ID# остановлен (#REASON#) после #COUNT# заданий';
$MESS['CONDUIT_WORKER_NO_PCNTL'] = 'pcntl недоступен: SIGTERM остановит обработчик сразу (текущее задание вернётся в очередь по истечении аренды)';
