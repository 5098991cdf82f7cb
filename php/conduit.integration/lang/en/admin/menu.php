<?php
$MESS['CONDUIT_MENU_TEXT'] = 'Conduit';
$MESS['CONDUIT_MENU_TITLE'] = 'Integrations with external APIs';
$MESS['CONDUIT_MENU_STATUS'] = 'Status';
$MESS['CONDUIT_MENU_STATUS_TITLE'] = 'Extension, database, encryption key and connections';
$MESS['CONDUIT_MENU_SETTINGS'] = 'Settings';
$MESS['CONDUIT_MENU_SETTINGS_TITLE'] = 'Connections and module settings';
$MESS['CONDUIT_MENU_DASHBOARD'] = 'Dashboard';
$MESS['CONDUIT_MENU_DASHBOARD_TITLE'] = 'Traffic, errors, latency, queue and health at a glance; manual sync';
$MESS['CONDUIT_MENU_LOG'] = 'Request log';
$MESS['CONDUIT_MENU_LOG_TITLE'] = 'Every HTTP attempt to external systems';
$MESS['CONDUIT_MENU_QUEUE'] = 'Queue';
$MESS['CONDUIT_MENU_QUEUE_TITLE'] = 'Jobs waiting, running, done and failed; retry and delete';
$MESS['CONDUIT_MENU_WEBHOOKS'] = 'Webhook events';
$MESS['CONDUIT_MENU_WEBHOOKS_TITLE'] = 'Calls external systems made to this site';
