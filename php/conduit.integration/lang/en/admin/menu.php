<?php
$MESS['CONDUIT_MENU_TEXT'] = 'Conduit';
$MESS['CONDUIT_MENU_TITLE'] = 'Integrations with external APIs';
$MESS['CONDUIT_MENU_STATUS'] = 'Status';
$MESS['CONDUIT_MENU_STATUS_TITLE'] = 'Extension, database, encryption key and connections';
$MESS['CONDUIT_MENU_SETTINGS'] = 'Settings';
$MESS['CONDUIT_MENU_SETTINGS_TITLE'] = 'Connections and module settings';
