<?php
$MESS['CONDUIT_REQ_EXTENSION_MISSING'] = 'The PHP extension "conduit" is not loaded in this PHP (#SAPI#). Copy conduit.so into #EXT_DIR#, add a file with the line "extension=conduit" to #INI_DIR# (for example /etc/php/8.2/mods-available/conduit.ini, then "phpenmod conduit"), restart PHP-FPM (systemctl restart php8.2-fpm) or Apache, and check with "php --ri conduit". Supported versions: #MIN# and later, below #MAX#.';
$MESS['CONDUIT_REQ_EXTENSION_VERSION'] = 'The PHP extension "conduit" is version #VERSION#; this module needs #MIN# or later and below #MAX#. Install a matching conduit.so (it ships in the module archive), restart PHP-FPM and install again.';
$MESS['CONDUIT_REQ_DB_TYPE'] = 'The site database is "#TYPE#"; the Conduit module needs MySQL 8+, MariaDB 10.6+ or PostgreSQL 12+.';
$MESS['CONDUIT_REQ_PG_OLD'] = 'The site database is PostgreSQL #VERSION#; the Conduit module needs PostgreSQL #MIN# or later (its PostgreSQL store is built and tested for #MIN# and later). Upgrade the database server, then install again.';
$MESS['CONDUIT_REQ_PG_ENCODING'] = 'The site database has the encoding #ENCODING#; the Conduit module (like Bitrix) needs a UTF8 PostgreSQL database (CREATE DATABASE … ENCODING \'UTF8\').';
$MESS['CONDUIT_REQ_EXTENSION_ENGINE'] = 'The loaded "conduit" extension cannot use the site database (#PRODUCT#): #REASON#. Install a conduit.so built with #PRODUCT# support (the one in the module archive), restart PHP-FPM and install again.';
$MESS['CONDUIT_REQ_DB_OLD'] = 'The site database is #PRODUCT# #VERSION#; the Conduit queue needs #PRODUCT# #MIN# or later (SELECT … FOR UPDATE SKIP LOCKED). Upgrade the database server, then install again.';
$MESS['CONDUIT_REQ_DB_VERSION_UNKNOWN'] = 'The database version "#VERSION#" could not be read; the Conduit module needs MySQL 8+, MariaDB 10.6+ or PostgreSQL 12+.';
$MESS['CONDUIT_REQ_DB_ERROR'] = 'The site database could not be checked: #REASON#';
