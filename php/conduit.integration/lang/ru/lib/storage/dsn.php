<?php
$MESS['CONDUIT_DSN_NO_CONNECTION'] = 'В bitrix/.settings.php нет раздела "connections" → "default", поэтому база данных сайта неизвестна.';
$MESS['CONDUIT_DSN_NOT_SUPPORTED'] = 'Подключение к базе данных сайта — #CLASS#; модуль Conduit работает с \\Bitrix\\Main\\DB\\MysqliConnection (MySQL 8+, MariaDB 10.6+) и \\Bitrix\\Main\\DB\\PgsqlConnection (PostgreSQL 12+).';
$MESS['CONDUIT_DSN_NO_DATABASE'] = 'В подключении "default" в bitrix/.settings.php не указана база данных.';
