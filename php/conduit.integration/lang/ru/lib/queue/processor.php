<?php
$MESS['CONDUIT_PROCESSOR_NO_HANDLER'] = 'no handler for type "#TYPE#" — нет обработчика: ни один модуль и ни init.php его не зарегистрировали (Conduit\\Integration\\Handlers::register). Зарегистрируйте его и повторите задание.';
$MESS['CONDUIT_PROCESSOR_NO_CONNECTION'] = 'no connection "#NAME#" — нет подключения для доставок типа "#TYPE#" (#REASON#). Добавьте подключение в настройках модуля и повторите задание.';
$MESS['CONDUIT_PROCESSOR_JOB_FAILED'] = 'задание #ID# (#TYPE#) не выполнено: #REASON#';
