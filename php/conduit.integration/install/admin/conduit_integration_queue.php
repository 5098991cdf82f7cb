<?php
$conduitPage = '/modules/conduit.integration/admin/queue.php';
require is_file($_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage)
    ? $_SERVER['DOCUMENT_ROOT'] . '/local' . $conduitPage
    : $_SERVER['DOCUMENT_ROOT'] . '/bitrix' . $conduitPage;
