<?php
$MESS['CONDUIT_DSN_NO_CONNECTION'] = 'В bitrix/.settings.php нет раздела "connections" → "default", поэтому база данных сайта неизвестна.';
$MESS['CONDUIT_DSN_NOT_MYSQL'] = 'Подключение к базе данных сайта — #CLASS#; модулю Conduit нужна MySQL 8+ или MariaDB 10.6+ (\\Bitrix\\Main\\DB\\MysqliConnection).';
$MESS['CONDUIT_DSN_NO_DATABASE'] = 'В подключении "default" в bitrix/.settings.php не указана база данных.';
