<?php
$conduitPage = '/modules/conduit.integration/admin/webhooks.php';
require is_file($_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage)
    ? $_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage
    : $_SERVER['DOCUMENT_ROOT'] . '/bitrix' . $conduitPage;
