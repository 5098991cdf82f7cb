<?php
$MESS['CONDUIT_CONSOLE_WORKER'] = 'Обрабатывать очередь conduit.integration до остановки (SIGTERM/SIGINT сначала завершают текущее задание)';
$MESS['CONDUIT_CONSOLE_QUEUE_RUN'] = 'Один запуск агента очереди conduit.integration сейчас';
$MESS['CONDUIT_CONSOLE_QUEUE_STATS'] = 'Задания conduit.integration по статусам и типам, последний час, последний запуск агента';
$MESS['CONDUIT_CONSOLE_QUEUE_RETRY_FAILED'] = 'Вернуть упавшие задания conduit.integration (одного типа) в очередь';
$MESS['CONDUIT_CONSOLE_LOG_PURGE'] = 'Удалить записи журнала запросов и события вебхуков conduit.integration старше срока';
$MESS['CONDUIT_CONSOLE_CHECK'] = 'Проверить расширение conduit, базу данных, ключ, схему и все подключения';
$MESS['CONDUIT_CONSOLE_UNINSTALL'] = 'Удалить conduit.integration (--keep-data сохраняет таблицы, настройки и секреты)';
