<?php
$MESS['CONDUIT_MODULE_NAME'] = 'Conduit: интеграции с внешними API';
$MESS['CONDUIT_MODULE_DESCRIPTION'] = 'Надёжный HTTP-клиент, очередь с повторами, журнал запросов, проверка подписей вебхуков и зашифрованные настройки на основе PHP-расширения conduit.';
$MESS['CONDUIT_PARTNER_NAME'] = 'Conduit';
$MESS['CONDUIT_PARTNER_URI'] = 'https://github.com/conduit-php/conduit';
$MESS['CONDUIT_INSTALL_TITLE'] = 'Установка модуля Conduit';
$MESS['CONDUIT_UNINSTALL_TITLE'] = 'Удаление модуля Conduit';
$MESS['CONDUIT_INSTALL_REFUSED'] = 'Модуль Conduit не установлен, ничего не изменено. Исправьте следующее и повторите установку:';
$MESS['CONDUIT_INSTALL_FAILED'] = 'Модуль Conduit не установлен: #REASON# — уже выполненные шаги отменены; устраните причину и повторите установку.';
$MESS['CONDUIT_UNINSTALL_FAILED'] = 'Не удалось удалить модуль Conduit: #REASON#';
$MESS['CONDUIT_RIGHT_DENIED'] = 'доступ закрыт';
$MESS['CONDUIT_RIGHT_READ'] = 'просмотр журнала запросов, очереди и настроек';
$MESS['CONDUIT_RIGHT_WRITE'] = 'изменение настроек и действия с заданиями';
$MESS['CONDUIT_INSTALL_COPY_FAILED'] = 'не удалось записать #FILE#: у пользователя веб-сервера должно быть право записи в /bitrix/admin и /bitrix/tools';
