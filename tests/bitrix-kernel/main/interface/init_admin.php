<?php
// Loaded by include/prolog_admin_before.php, as in the kernel.
require_once __DIR__ . '/admin_lib.php';
\Bitrix\Main\Localization\Loc::loadMessages(dirname(__DIR__) . '/include.php');
