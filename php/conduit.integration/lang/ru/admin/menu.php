<?php
$MESS['CONDUIT_MENU_TEXT'] = 'Conduit';
$MESS['CONDUIT_MENU_TITLE'] = 'Интеграции с внешними API';
$MESS['CONDUIT_MENU_STATUS'] = 'Состояние';
$MESS['CONDUIT_MENU_STATUS_TITLE'] = 'Расширение, база данных, ключ шифрования и подключения';
$MESS['CONDUIT_MENU_SETTINGS'] = 'Настройки';
$MESS['CONDUIT_MENU_SETTINGS_TITLE'] = 'Подключения и настройки модуля';
