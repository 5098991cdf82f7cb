<?php
$MESS['CONDUIT_MENU_TEXT'] = 'Conduit';
$MESS['CONDUIT_MENU_TITLE'] = 'Интеграции с внешними API';
$MESS['CONDUIT_MENU_STATUS'] = 'Состояние';
$MESS['CONDUIT_MENU_STATUS_TITLE'] = 'Расширение, база данных, ключ шифрования и подключения';
$MESS['CONDUIT_MENU_SETTINGS'] = 'Настройки';
$MESS['CONDUIT_MENU_SETTINGS_TITLE'] = 'Подключения и настройки модуля';
$MESS['CONDUIT_MENU_DASHBOARD'] = 'Обзор';
$MESS['CONDUIT_MENU_DASHBOARD_TITLE'] = 'Трафик, ошибки, задержки, очередь и состояние; ручная синхронизация';
$MESS['CONDUIT_MENU_LOG'] = 'Журнал запросов';
$MESS['CONDUIT_MENU_LOG_TITLE'] = 'Все HTTP-попытки к внешним системам';
$MESS['CONDUIT_MENU_QUEUE'] = 'Очередь';
$MESS['CONDUIT_MENU_QUEUE_TITLE'] = 'Задания в ожидании, в работе, выполненные и с ошибкой; повтор и удаление';
$MESS['CONDUIT_MENU_WEBHOOKS'] = 'Входящие вебхуки';
$MESS['CONDUIT_MENU_WEBHOOKS_TITLE'] = 'Вызовы внешних систем к этому сайту';
