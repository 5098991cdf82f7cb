<?php
$MESS['CONDUIT_WEBHOOK_UNKNOWN_SOURCE'] = 'Источник вебхуков "#SOURCE#" на этом сайте не настроен.';
$MESS['CONDUIT_WEBHOOK_TOO_LARGE'] = 'Тело запроса больше #LIMIT# байт — предела этого адреса.';
$MESS['CONDUIT_WEBHOOK_UNAVAILABLE'] = 'Сайт сейчас не может сохранить событие; повторите позже.';
$MESS['CONDUIT_WEBHOOK_METHOD'] = 'Метод #METHOD# не поддерживается: вебхуки доставляются методом POST.';
