<?php
$MESS['CONDUIT_DSN_NO_CONNECTION'] = 'bitrix/.settings.php has no "connections" → "default" entry, so the site database is unknown.';
$MESS['CONDUIT_DSN_NOT_SUPPORTED'] = 'The site database connection is #CLASS#; the Conduit module works with \\Bitrix\\Main\\DB\\MysqliConnection (MySQL 8+, MariaDB 10.6+) and \\Bitrix\\Main\\DB\\PgsqlConnection (PostgreSQL 12+).';
$MESS['CONDUIT_DSN_NO_DATABASE'] = 'The "default" connection in bitrix/.settings.php names no database.';
