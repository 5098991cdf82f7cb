<?php
$MESS['CONDUIT_CLI_HELP'] = "Использование: php bin/conduit <команда> [--document-root=/путь/к/сайту] [--boot=/путь/к/boot.php]\n\nКоманды:\n  install                  установить модуль (сначала проверяет сервер; при ошибке ничего не меняется)\n  uninstall [--keep-data]  удалить модуль; с --keep-data таблицы, настройки и секреты сохраняются\n  migrate                  применить новые миграции таблиц расширения\n  check                    расширение, база данных, ключ шифрования, схема и подключения\n  secrets:rotate           перешифровать все сохранённые секреты основным ключом (после добавления ключа)\n  worker [--time-limit=S] [--memory-limit=MB] [--limit=N] [--types=a,b] [--sleep=S] [--quiet]\n                           обрабатывать очередь до остановки (SIGTERM/SIGINT сначала завершают текущее задание)\n  queue:run                один запуск агента сейчас (доставки и задания обработчиков, с ограничениями агента)\n  queue:stats [--json]     задания по статусам и типам, последний час, последний запуск агента\n  queue:retry-failed [--type=T]  вернуть упавшие задания (одного типа) в очередь\n  log:purge [--older-than=14d]   удалить записи журнала запросов и события вебхуков старше срока (по умолчанию — из настроек хранения)\n  help                     эта справка";
$MESS['CONDUIT_CLI_UNKNOWN'] = 'Неизвестная команда "#COMMAND#".';
$MESS['CONDUIT_CLI_UNKNOWN_OPTION'] = 'Неизвестный параметр "#OPTION#".';
$MESS['CONDUIT_CLI_ERROR'] = 'Ошибка (#CLASS#): #MESSAGE#';
$MESS['CONDUIT_CLI_FAILED'] = 'Операция не выполнена, сообщения об ошибке нет.';
$MESS['CONDUIT_CLI_INSTALLED'] = 'conduit.integration #VERSION# установлен (версия схемы #SCHEMA#).';
$MESS['CONDUIT_CLI_NOT_INSTALLED'] = 'conduit.integration не установлен.';
$MESS['CONDUIT_CLI_UNINSTALLED'] = 'conduit.integration удалён; его таблицы и настройки удалены.';
$MESS['CONDUIT_CLI_UNINSTALLED_KEPT'] = 'conduit.integration удалён; его таблицы, настройки и секреты сохранены.';
$MESS['CONDUIT_CLI_MIGRATED'] = 'Таблицы приведены к версии схемы #SCHEMA#.';
$MESS['CONDUIT_CLI_CHECK_REQUIREMENTS'] = 'расширение conduit #VERSION#, база данных и ключ шифрования подходят';
$MESS['CONDUIT_CLI_CHECK_KEY'] = 'секреты шифруются ключом "#PRIMARY#" (#SOURCE#); связка ключей: #IDS#';
$MESS['CONDUIT_CLI_CHECK_SCHEMA'] = 'версия схемы #VERSION# (расширение ожидает #EXPECTED#)';
$MESS['CONDUIT_CLI_CHECK_CONNECTION'] = 'подключение "#NAME#" настроено';
$MESS['CONDUIT_CLI_ROTATED'] = 'Перешифровано сохранённых секретов: #COUNT#, ключ "#PRIMARY#".';
