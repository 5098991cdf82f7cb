<?php
$MESS['CONDUIT_DELIVERIES_UNKNOWN_OPTION'] = 'Deliveries::push(): неизвестный параметр "#KEY#"; допустимые параметры: #LIST#.';
$MESS['CONDUIT_DELIVERIES_BAD_METHOD'] = 'Deliveries::push(): "#METHOD#" — не HTTP-метод (GET, POST, PUT, PATCH, DELETE …).';
$MESS['CONDUIT_DELIVERIES_BAD_PATH'] = 'Deliveries::push(): путь должен быть непустым путём относительно базового адреса подключения, без управляющих символов, обратных слэшей и схемы; передано "#PATH#".';
$MESS['CONDUIT_DELIVERIES_BODIES'] = 'Deliveries::push(): параметры "json", "form" и "body" взаимоисключающие: укажите один.';
$MESS['CONDUIT_DELIVERIES_BODY_TYPE'] = 'Deliveries::push(): параметр "body" должен быть строкой (для массивов используйте "json").';
$MESS['CONDUIT_DELIVERIES_BAD_KEY'] = 'Deliveries::push(): "idempotency_key" должен быть непустой строкой без управляющих символов.';
$MESS['CONDUIT_DELIVERIES_BAD_TIMEOUT'] = 'Deliveries::push(): "timeout" должен быть положительным числом секунд.';
$MESS['CONDUIT_DELIVERIES_MAP'] = 'Deliveries::push(): параметр "#KEY#" должен быть массивом имя => скалярное значение.';
$MESS['CONDUIT_DELIVERIES_BAD_HEADER'] = 'Deliveries::push(): у заголовка "#NAME#" недопустимое имя или перевод строки в значении.';
