<?php
$MESS['CONDUIT_STATUS_TITLE'] = 'Conduit: состояние';
$MESS['CONDUIT_STATUS_ACCESS_DENIED'] = 'У вас нет доступа к модулю Conduit.';
$MESS['CONDUIT_STATUS_EXTENSION'] = 'Версия расширения conduit';
$MESS['CONDUIT_STATUS_MISSING'] = 'не загружено';
$MESS['CONDUIT_STATUS_KEY'] = 'Ключ шифрования сохранённых секретов';
$MESS['CONDUIT_STATUS_CONNECTIONS'] = 'Подключения';
$MESS['CONDUIT_STATUS_JOBS'] = 'Заданий в очереди';
$MESS['CONDUIT_STATUS_FAILED_JOBS'] = 'Заданий с ошибкой';
$MESS['CONDUIT_STATUS_LOG_ROWS'] = 'Записей в журнале запросов';
