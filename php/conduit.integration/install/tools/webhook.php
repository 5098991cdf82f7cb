<?php
// conduit.integration: the public webhook URL, copied to
// /bitrix/tools/conduit.integration/webhook.php by the module's InstallFiles.
// https://<site>/bitrix/tools/conduit.integration/webhook.php?source=<source name>
// The logic is Conduit\Integration\Webhook\Endpoint::handle() (docs/admin-guide.md, "Webhooks").
define('NO_KEEP_STATISTIC', true);
define('NO_AGENT_STATISTIC', true);
define('NO_AGENT_CHECK', true);
define('NOT_CHECK_PERMISSIONS', true);
define('STOP_STATISTICS', true);
define('DisableEventsCheck', true);
define('BX_SECURITY_SESSION_VIRTUAL', true);
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';

use Conduit\Integration\Webhook\Endpoint;

$source = (string) ($_GET['source'] ?? '');
if (!\Bitrix\Main\Loader::includeModule('conduit.integration')) {
    http_response_code(503);
    header('Retry-After: 60');
    exit;
}
Endpoint::send(($_SERVER['REQUEST_METHOD'] ?? '') === 'POST'
    ? Endpoint::handle($source, (string) file_get_contents('php://input'), Endpoint::requestHeaders())
    : (new Endpoint())->methodNotAllowed($source, (string) ($_SERVER['REQUEST_METHOD'] ?? '')));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_after.php';
