<?php
$MESS['CONDUIT_DSN_NO_CONNECTION'] = 'bitrix/.settings.php has no "connections" → "default" entry, so the site database is unknown.';
$MESS['CONDUIT_DSN_NOT_MYSQL'] = 'The site database connection is #CLASS#; the Conduit module needs MySQL 8+ or MariaDB 10.6+ (\\Bitrix\\Main\\DB\\MysqliConnection).';
$MESS['CONDUIT_DSN_NO_DATABASE'] = 'The "default" connection in bitrix/.settings.php names no database.';
