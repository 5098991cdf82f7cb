<?php
/**
 * Webhook events: every delivery the public endpoint received (b_conduit_webhook_event),
 * per source with its verdict (accepted, duplicate, rejected and why, unavailable), time
 * and the job it created — "did the ERP's call reach us?". Read-only: right "R".
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ORM\Fields\ExpressionField;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Settings;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
if ($APPLICATION->GetGroupRight('conduit.integration') < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_WH_ACCESS_DENIED'));
}
Loader::includeModule('conduit.integration');
$request = Application::getInstance()->getContext()->getRequest();
$e = [Ui::class, 'e'];
$tableId = 'conduit_webhook_events';
$verdicts = [WebhookEventTable::VERDICT_ACCEPTED, WebhookEventTable::VERDICT_DUPLICATE, WebhookEventTable::VERDICT_REJECTED, WebhookEventTable::VERDICT_UNAVAILABLE];
$verdictLabel = static fn (string $v): string => (string) (Loc::getMessage('CONDUIT_WH_VERDICT_' . strtoupper($v)) ?: $v);
$verdictCss = ['accepted' => 'conduit-status-2', 'duplicate' => 'conduit-status-3', 'rejected' => 'conduit-status-e', 'unavailable' => 'conduit-status-4'];
$reasonText = static function (?string $reason): string {
    if ($reason === null || $reason === '') {
        return '';
    }
    $text = Loc::getMessage('CONDUIT_WH_REASON_' . strtoupper(preg_replace('/[^a-z0-9_]/i', '_', $reason)));
    return $reason . ($text ? ' — ' . $text : '');
};

// per source, last 24 hours
$since = (int) (microtime(true) * 1000) - 86400000;
$summary = [];
foreach (Settings::webhookSources() as $s) {
    $summary[$s] = ['last' => null];
}
$res = WebhookEventTable::getList([
    'select' => ['SOURCE', 'VERDICT', 'CNT', 'LAST'],
    'filter' => ['>=CREATED_AT' => $since],
    'runtime' => [new ExpressionField('CNT', 'COUNT(*)'), new ExpressionField('LAST', 'MAX(%s)', 'CREATED_AT')],
    'group' => ['SOURCE', 'VERDICT'],
]);
while ($r = $res->fetch()) {
    $summary[$r['SOURCE']][$r['VERDICT']] = (int) $r['CNT'];
    $summary[$r['SOURCE']]['last'] = max((int) ($summary[$r['SOURCE']]['last'] ?? 0), (int) $r['LAST']);
}
foreach (array_keys($summary) as $s) {
    if ($summary[$s]['last'] === null) {
        $last = WebhookEventTable::getList(['select' => ['CREATED_AT'], 'filter' => ['=SOURCE' => $s], 'order' => ['CREATED_AT' => 'DESC'], 'limit' => 1])->fetch();
        $summary[$s]['last'] = $last ? (int) $last['CREATED_AT'] : null;
    }
}

// filter
$errors = [];
$q = static fn (string $name) => $request->getQuery($name);
$f = [
    'source' => Ui::text($q('f_source'), Loc::getMessage('CONDUIT_WH_F_SOURCE'), $errors, 64),
    'verdict' => Ui::choice($q('f_verdict'), $verdicts, Loc::getMessage('CONDUIT_WH_F_VERDICT'), $errors),
    'event' => Ui::text($q('f_event'), Loc::getMessage('CONDUIT_WH_F_EVENT'), $errors, 191),
    'from' => Ui::date($q('f_from'), Loc::getMessage('CONDUIT_WH_F_FROM'), $errors),
    'to' => Ui::date($q('f_to'), Loc::getMessage('CONDUIT_WH_F_TO'), $errors, true),
];
$filter = [];
if ($f['source'] !== null) {
    $filter['=SOURCE'] = $f['source'];
}
if ($f['verdict'] !== null) {
    $filter['=VERDICT'] = $f['verdict'];
}
if ($f['event'] !== null) {
    $filter['=EVENT_ID'] = $f['event'];
}
if ($f['from'] !== null) {
    $filter['>=CREATED_AT'] = $f['from'] * 1000;
}
if ($f['to'] !== null) {
    $filter['<=CREATED_AT'] = $f['to'] * 1000 + 999;
}
$filterParams = [];
foreach (['f_source', 'f_verdict', 'f_event', 'f_from', 'f_to'] as $name) {
    $v = $q($name);
    if (is_string($v) && $v !== '' && mb_check_encoding($v, 'UTF-8') && mb_strlen($v) <= Ui::FILTER_MAX) {
        $filterParams[$name] = $v;
    }
}
$sorting = new CAdminSorting($tableId, 'ID', 'desc');
$by = in_array(strtoupper((string) $sorting->getField()), ['ID', 'CREATED_AT', 'SOURCE', 'VERDICT', 'HTTP_STATUS'], true) ? strtoupper((string) $sorting->getField()) : 'ID';
$order = strtolower((string) $sorting->getOrder()) === 'asc' ? 'ASC' : 'DESC';
$pageSize = 20;
$page = max(1, min(100000, (int) $q('page')));
[$counted, $countStopped] = Ui::bounded(static fn () => Ui::cappedCount(WebhookEventTable::class, $filter), 0.06);
[$count, $more] = $countStopped ? [null, true] : $counted;
[$rows, $listStopped] = Ui::bounded(static fn () => WebhookEventTable::getList(['filter' => $filter, 'order' => [$by => $order] + ($by !== 'ID' ? ['ID' => $order] : []), 'limit' => $pageSize, 'offset' => ($page - 1) * $pageSize])->fetchAll(), 0.07);
if ($listStopped) {
    $errors[] = Ui::listStoppedText();
    $rows = [];
}

$list = new CAdminList($tableId, $sorting);
$list->AddHeaders([
    ['id' => 'CREATED_AT', 'content' => Loc::getMessage('CONDUIT_WH_COL_TIME'), 'sort' => 'CREATED_AT', 'default' => true],
    ['id' => 'SOURCE', 'content' => Loc::getMessage('CONDUIT_WH_COL_SOURCE'), 'sort' => 'SOURCE', 'default' => true],
    ['id' => 'VERDICT', 'content' => Loc::getMessage('CONDUIT_WH_COL_VERDICT'), 'sort' => 'VERDICT', 'default' => true],
    ['id' => 'HTTP_STATUS', 'content' => Loc::getMessage('CONDUIT_WH_COL_ANSWER'), 'sort' => 'HTTP_STATUS', 'default' => true],
    ['id' => 'EVENT', 'content' => Loc::getMessage('CONDUIT_WH_COL_EVENT'), 'default' => true],
    ['id' => 'JOB_ID', 'content' => Loc::getMessage('CONDUIT_WH_COL_JOB'), 'default' => true],
    ['id' => 'FROM', 'content' => Loc::getMessage('CONDUIT_WH_COL_FROM'), 'default' => true],
]);
foreach ($rows as $r) {
    $row = &$list->AddRow($r['ID'], $r);
    $row->AddViewField('CREATED_AT', $e(Ui::time($r['CREATED_AT'])));
    $row->AddViewField('SOURCE', $e($r['SOURCE']));
    $row->AddViewField('VERDICT', '<span class="' . ($verdictCss[$r['VERDICT']] ?? '') . '">' . $e($verdictLabel((string) $r['VERDICT'])) . '</span>' . ((string) $r['REASON'] !== '' ? '<br><small>' . $e($reasonText($r['REASON'])) . '</small>' : '') . ((string) $r['MESSAGE'] !== '' ? ((string) $r['REASON'] !== '' ? '<details class="conduit-original"><summary><small>' . $e(Loc::getMessage('CONDUIT_WH_MESSAGE_ORIGINAL')) . '</small></summary><small>' . $e($r['MESSAGE']) . '</small></details>' : '<br><small>' . $e($r['MESSAGE']) . '</small>') : ''));
    $row->AddViewField('HTTP_STATUS', $e($r['HTTP_STATUS']));
    $row->AddViewField('EVENT', $e(trim(($r['EVENT_TYPE'] ?? '') . ' ' . ($r['EVENT_ID'] !== null ? '#' . $r['EVENT_ID'] : ''))) . '<br><small>' . $e(Loc::getMessage('CONDUIT_WH_BYTES', ['#N#' => number_format((int) $r['BODY_BYTES'], 0, '.', ' ')])) . '</small>');
    $row->AddViewField('JOB_ID', $r['JOB_ID'] ? '<a href="' . $e(Ui::url('queue', ['id' => $r['JOB_ID']])) . '">#' . $e($r['JOB_ID']) . '</a>' : '—');
    $row->AddViewField('FROM', $e($r['REMOTE_ADDR'] ?? '—'));
    unset($row);
}
$list->NavText(Ui::nav($page, $pageSize, $count, $more, static fn (int $p): string => Ui::url('webhooks', $filterParams + ['by' => $by, 'order' => strtolower($order), 'page' => $p])));

$APPLICATION->SetTitle(Loc::getMessage('CONDUIT_WH_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
echo Ui::css();
echo '<p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_WH_HINT')) . '</p>';
foreach ($errors as $m) {
    echo Ui::message($m);
}
echo '<div class="conduit-cards" id="conduit-wh-sources">';
if ($summary === []) {
    echo '<p>' . $e(Loc::getMessage('CONDUIT_WH_NO_SOURCES')) . '</p>';
}
foreach ($summary as $source => $s) {
    $rejected = (int) ($s['rejected'] ?? 0) + (int) ($s['unavailable'] ?? 0);
    $accepted = (int) ($s['accepted'] ?? 0) + (int) ($s['duplicate'] ?? 0);
    $css = $rejected > 0 && $accepted === 0 ? 'conduit-bad' : ($rejected > 0 ? 'conduit-warn' : ($accepted > 0 ? 'conduit-ok' : 'conduit-none'));
    echo '<a class="conduit-card ' . $css . '" style="text-decoration:none;color:inherit" href="' . $e(Ui::url('webhooks', ['f_source' => $source])) . '"><small>' . $e(Loc::getMessage('CONDUIT_WH_SOURCE', ['#NAME#' => $source])) . '</small><b>' . $e(Loc::getMessage('CONDUIT_WH_CARD', ['#A#' => (int) ($s['accepted'] ?? 0), '#R#' => $rejected])) . '</b><small>'
        . $e(Loc::getMessage('CONDUIT_WH_CARD_NOTE', ['#D#' => (int) ($s['duplicate'] ?? 0), '#LAST#' => $s['last'] ? Ui::time($s['last']) : Loc::getMessage('CONDUIT_WH_NEVER')])) . '</small></a>';
}
echo '</div>';

$verdictOptions = '<option value="">' . $e(Loc::getMessage('CONDUIT_WH_ANY')) . '</option>';
foreach ($verdicts as $v) {
    $verdictOptions .= '<option value="' . $v . '"' . (($filterParams['f_verdict'] ?? '') === $v ? ' selected' : '') . '>' . $e($verdictLabel($v)) . '</option>';
}
$sourceOptions = '<option value="">' . $e(Loc::getMessage('CONDUIT_WH_ANY')) . '</option>';
foreach (array_keys($summary) as $s) {
    $sourceOptions .= '<option value="' . $e($s) . '"' . (($filterParams['f_source'] ?? '') === (string) $s ? ' selected' : '') . '>' . $e($s) . '</option>';
}
echo '<form method="get" action="' . $e($APPLICATION->GetCurPage()) . '" id="conduit_wh_filter"><input type="hidden" name="lang" value="' . $e(LANGUAGE_ID) . '">';
$filterControl = new CAdminFilter($tableId . '_filter');
$filterControl->Begin();
foreach ([
    ['f_source', Loc::getMessage('CONDUIT_WH_F_SOURCE'), '<select name="f_source" id="f_source">' . $sourceOptions . '</select>'],
    ['f_verdict', Loc::getMessage('CONDUIT_WH_F_VERDICT'), '<select name="f_verdict" id="f_verdict">' . $verdictOptions . '</select>'],
    ['f_event', Loc::getMessage('CONDUIT_WH_F_EVENT'), '<input type="text" name="f_event" id="f_event" size="36" value="' . $e($filterParams['f_event'] ?? '') . '">'],
    ['f_from', Loc::getMessage('CONDUIT_WH_F_FROM'), '<input type="text" name="f_from" id="f_from" size="18" value="' . $e($filterParams['f_from'] ?? '') . '" placeholder="' . $e(date('d.m.Y')) . '"> ' . $e(Loc::getMessage('CONDUIT_WH_F_TO')) . ' <input type="text" name="f_to" id="f_to" size="18" value="' . $e($filterParams['f_to'] ?? '') . '">'],
] as [$name, $label, $input]) {
    echo '<tr><td class="adm-filter-item-left"><label for="' . $e($name) . '">' . $e($label) . '</label></td><td class="adm-filter-item-center">' . $input . '</td></tr>';
}
$filterControl->Buttons();
echo '<input type="submit" class="adm-btn" value="' . $e(Loc::getMessage('CONDUIT_WH_FIND')) . '"> <a class="adm-btn" href="' . $e(Ui::url('webhooks')) . '">' . $e(Loc::getMessage('CONDUIT_WH_RESET')) . '</a>';
$filterControl->End();
echo '</form>';
echo '<p id="conduit-found"><b>' . $e(Ui::foundText($count, $more)) . '</b></p>';
$list->DisplayList();
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
