<?php
$MESS['CONDUIT_UNSTEP2_KEPT'] = 'Модуль Conduit удалён; его таблицы и настройки сохранены.';
$MESS['CONDUIT_UNSTEP2_DELETED'] = 'Модуль Conduit удалён вместе с таблицами и настройками.';
$MESS['CONDUIT_STEP_BACK'] = 'Вернуться к списку модулей';
