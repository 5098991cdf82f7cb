<?php
require_once dirname(__DIR__) . '/include/prolog_admin_before.php';
$APPLICATION->SetTitle(GetMessage('MAIN_ADMIN_HOME') ?: 'Desktop');
require $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/prolog_admin_after.php';
echo '<p class="adm-desktop">Bitrix test kernel.</p>';
require $_SERVER['DOCUMENT_ROOT'] . BX_ROOT . '/modules/main/include/epilog_admin.php';
