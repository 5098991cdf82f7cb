<?php
/**
 * Status page: is everything the module needs in place? Extension, schema, encryption
 * key, connections, queue and request-log counts. Read-only (right "R").
 */

use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Install\Requirements;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Settings;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';

Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
if ($APPLICATION->GetGroupRight('conduit.integration') < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_STATUS_ACCESS_DENIED'));
}
Loader::includeModule('conduit.integration');

$e = static fn ($v): string => htmlspecialcharsbx((string) $v);
$rows = [];
$problems = Requirements::problems();
$rows[] = [Loc::getMessage('CONDUIT_STATUS_EXTENSION'), extension_loaded('conduit') ? (string) phpversion('conduit') : Loc::getMessage('CONDUIT_STATUS_MISSING')];
try {
    $key = KeyRing::describe();
    $rows[] = [Loc::getMessage('CONDUIT_STATUS_KEY'), $key['primary'] . ' (' . $key['source'] . ')'];
} catch (\Throwable $ex) {
    $rows[] = [Loc::getMessage('CONDUIT_STATUS_KEY'), $ex->getMessage()];
}
$rows[] = [Loc::getMessage('CONDUIT_STATUS_CONNECTIONS'), implode(', ', Settings::connections()) ?: '—'];
try {
    $rows[] = [Loc::getMessage('CONDUIT_STATUS_JOBS'), (string) QueueTable::getCount()];
    $rows[] = [Loc::getMessage('CONDUIT_STATUS_FAILED_JOBS'), (string) QueueTable::getCount(['=STATUS' => 'failed'])];
    $rows[] = [Loc::getMessage('CONDUIT_STATUS_LOG_ROWS'), (string) RequestLogTable::getCount()];
} catch (\Throwable $ex) {
    $problems[] = $ex->getMessage();
}

$APPLICATION->SetTitle(Loc::getMessage('CONDUIT_STATUS_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';

foreach ($problems as $problem) {
    echo '<div class="adm-info-message-wrap adm-info-message-red"><div class="adm-info-message">' . nl2br($e($problem)) . '</div></div>';
}
echo '<table class="adm-detail-content-table edit-table">';
foreach ($rows as [$label, $value]) {
    echo '<tr><td class="adm-detail-content-cell-l" width="40%">' . $e($label) . '</td><td class="adm-detail-content-cell-r">' . $e($value) . '</td></tr>';
}
echo '</table>';

require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
