<?php
$MESS['CONDUIT_CLI_Q_UNKNOWN_OPTION'] = 'Неизвестный параметр "#OPTION#".';
$MESS['CONDUIT_CLI_BAD_VALUE'] = 'У параметра --#OPTION# недопустимое значение "#VALUE#".';
$MESS['CONDUIT_CLI_QUEUE_RUN'] = 'запуск агента: доставлено #DELIVERED#, отложено #RETRIED#, окончательно не доставлено #FAILED#; обработано #HANDLED#, ошибок обработчиков #HFAILED#; #SECONDS# с';
$MESS['CONDUIT_CLI_STATS_STATUS'] = 'задания: ожидают #PENDING#, выполняются #RUNNING#, выполнены #DONE#, не выполнены #FAILED#';
$MESS['CONDUIT_CLI_STATS_HOUR'] = 'за час: выполнено #DONE#, не выполнено #FAILED#; самое старое ожидающее задание ждёт #OLDEST#; p95 обработки #P95#';
$MESS['CONDUIT_CLI_STATS_LOG'] = 'журнал запросов за час: #REQUESTS# запросов, #ERRORS# ошибок, p95 #P95# мс';
$MESS['CONDUIT_CLI_STATS_NO_AGENT'] = 'агент ещё не запускался';
$MESS['CONDUIT_CLI_STATS_AGENT'] = 'последний запуск агента: #AT# (#MODE#), доставлено #DELIVERED#, обработано #HANDLED#';
$MESS['CONDUIT_CLI_RETRIED'] = '#COUNT# упавших заданий (тип #TYPE#) снова в очереди';
$MESS['CONDUIT_CLI_PURGED'] = 'удалено записей журнала запросов: #LOG#, событий вебхуков: #EVENTS#';
$MESS['CONDUIT_CLI_CHECK_REACHABLE'] = 'подключение "#NAME#" отвечает (HTTP #STATUS#, #MS# мс)';
$MESS['CONDUIT_CLI_CHECK_UNREACHABLE'] = 'подключение "#NAME#" недоступно: #REASON#';
