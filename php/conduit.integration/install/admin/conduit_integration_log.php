<?php
$conduitPage = '/modules/conduit.integration/admin/log.php';
require is_file($_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage)
    ? $_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage
    : $_SERVER['DOCUMENT_ROOT'] . '/bitrix' . $conduitPage;
