<?php
$MESS['CONDUIT_REQ_EXTENSION_MISSING'] = 'PHP-расширение "conduit" не загружено в этом PHP (#SAPI#). Скопируйте conduit.so в #EXT_DIR#, добавьте в #INI_DIR# файл со строкой "extension=conduit" (например, /etc/php/8.2/mods-available/conduit.ini, затем "phpenmod conduit"), перезапустите PHP-FPM (systemctl restart php8.2-fpm) или Apache и проверьте командой "php --ri conduit". Поддерживаются версии от #MIN# и ниже #MAX#.';
$MESS['CONDUIT_REQ_EXTENSION_VERSION'] = 'Версия PHP-расширения "conduit" — #VERSION#; модулю нужна версия от #MIN# и ниже #MAX#. Установите подходящий conduit.so (он есть в архиве модуля), перезапустите PHP-FPM и повторите установку.';
$MESS['CONDUIT_REQ_DB_TYPE'] = 'База данных сайта — "#TYPE#"; модулю Conduit нужна MySQL 8+, MariaDB 10.6+ или PostgreSQL 12+.';
$MESS['CONDUIT_REQ_PG_OLD'] = 'База данных сайта — PostgreSQL #VERSION#; модулю Conduit нужен PostgreSQL #MIN# или новее (его хранилище для PostgreSQL собрано и проверено для #MIN# и новее). Обновите сервер базы данных и повторите установку.';
$MESS['CONDUIT_REQ_PG_ENCODING'] = 'Кодировка базы данных сайта — #ENCODING#; модулю Conduit (как и Bitrix) нужна база PostgreSQL в кодировке UTF8 (CREATE DATABASE … ENCODING \'UTF8\').';
$MESS['CONDUIT_REQ_EXTENSION_ENGINE'] = 'Загруженное расширение "conduit" не может работать с базой данных сайта (#PRODUCT#): #REASON#. Установите conduit.so, собранный с поддержкой #PRODUCT# (он есть в архиве модуля), перезапустите PHP-FPM и повторите установку.';
$MESS['CONDUIT_REQ_DB_OLD'] = 'База данных сайта — #PRODUCT# #VERSION#; очереди Conduit нужна #PRODUCT# #MIN# или новее (SELECT … FOR UPDATE SKIP LOCKED). Обновите сервер базы данных и повторите установку.';
$MESS['CONDUIT_REQ_DB_VERSION_UNKNOWN'] = 'Не удалось определить версию базы данных "#VERSION#"; модулю Conduit нужна MySQL 8+, MariaDB 10.6+ или PostgreSQL 12+.';
$MESS['CONDUIT_REQ_DB_ERROR'] = 'Не удалось проверить базу данных сайта: #REASON#';
