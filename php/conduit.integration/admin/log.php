<?php
/**
 * Request log: every HTTP attempt the module's clients made (already redacted by the
 * extension). List with filters, sortable columns, paging with a capped total and CSV
 * export of the filtered rows; ?id=N shows one attempt. Read-only: right "R".
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Admin\Rollup;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Settings;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
if ($APPLICATION->GetGroupRight('conduit.integration') < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_LOG_ACCESS_DENIED'));
}
Loader::includeModule('conduit.integration');

$request = Application::getInstance()->getContext()->getRequest();
$e = [Ui::class, 'e'];
$tableId = 'conduit_request_log';

// ---- connections (the log has no connection column: a row belongs to the connection whose base URL starts its URL)
$connections = [];
foreach (Settings::connections() as $name) {
    try {
        $connections[$name] = rtrim((string) (Settings::connectionMasked($name)['base_url'] ?? ''), '/');
    } catch (\Throwable $ex) {
    }
}
$connectionOf = static function (string $url) use ($connections): string {
    $best = '';
    foreach ($connections as $name => $base) {
        if ($base !== '' && str_starts_with($url, $base) && strlen($base) > strlen($connections[$best] ?? '')) {
            $best = $name;
        }
    }
    return $best;
};

$statusClass = static function ($status): string {
    if ($status === null || $status === '') {
        return 'e';
    }
    return (string) intdiv((int) $status, 100);
};
$statusHtml = static function ($status, $errorClass) use ($e, $statusClass): string {
    $c = $statusClass($status);
    $text = $status === null || $status === '' ? Loc::getMessage('CONDUIT_LOG_NO_ANSWER') . ($errorClass ? ' (' . $errorClass . ')' : '') : (string) $status;
    return '<span class="conduit-status-' . $c . '">' . $e($text) . '</span>';
};

// ---- detail view --------------------------------------------------------------------------
$id = (int) $request->getQuery('id');
if ($id > 0) {
    $row = RequestLogTable::getRowById($id);
    $APPLICATION->SetTitle(Loc::getMessage('CONDUIT_LOG_DETAIL_TITLE', ['#ID#' => $id]));
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
    echo Ui::css();
    $menu = new CAdminContextMenu([['TEXT' => Loc::getMessage('CONDUIT_LOG_BACK'), 'LINK' => Ui::url('log'), 'ICON' => 'btn_list']]);
    $menu->Show();
    if (!$row) {
        echo Ui::message(Loc::getMessage('CONDUIT_LOG_NOT_FOUND', ['#ID#' => $id]));
        require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
        return;
    }
    $kv = [
        [Loc::getMessage('CONDUIT_LOG_COL_TIME'), $e(Ui::time($row['CREATED_AT']))],
        [Loc::getMessage('CONDUIT_LOG_COL_REQUEST'), $e($row['METHOD'] . ' ' . $row['URL'])],
        [Loc::getMessage('CONDUIT_LOG_COL_ENDPOINT'), $e($row['ENDPOINT'])],
        [Loc::getMessage('CONDUIT_LOG_COL_CONNECTION'), $e($connectionOf((string) $row['URL']) ?: '—')],
        [Loc::getMessage('CONDUIT_LOG_COL_STATUS'), $statusHtml($row['STATUS'], $row['ERROR_CLASS'])],
        [Loc::getMessage('CONDUIT_LOG_COL_DURATION'), $e(number_format((float) $row['DURATION_MS'], 1, '.', ' ') . ' ms')],
        [Loc::getMessage('CONDUIT_LOG_COL_ATTEMPT'), $e($row['ATTEMPT'])],
        [Loc::getMessage('CONDUIT_LOG_COL_CORRELATION'), '<a href="' . $e(Ui::url('log', ['set_filter' => 'Y', 'f_correlation' => $row['CORRELATION_ID']])) . '">' . $e($row['CORRELATION_ID']) . '</a>'],
        [Loc::getMessage('CONDUIT_LOG_COL_JOB'), $row['JOB_ID'] ? '<a href="' . $e(Ui::url('queue', ['id' => $row['JOB_ID']])) . '">#' . $e($row['JOB_ID']) . '</a>' : '—'],
    ];
    if ($row['ERROR_CLASS'] || $row['ERROR_MESSAGE']) {
        $kv[] = [Loc::getMessage('CONDUIT_LOG_COL_ERROR'), '<b>' . $e($row['ERROR_CLASS']) . '</b> ' . $e($row['ERROR_MESSAGE'])];
    }
    echo '<table class="conduit-kv" id="conduit-log-detail">';
    foreach ($kv as [$label, $html]) {
        echo '<tr><td><b>' . $e($label) . '</b></td><td>' . $html . '</td></tr>';
    }
    echo '</table>';
    echo '<p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_LOG_REDACTED_HINT')) . '</p>';
    foreach ([['REQUEST_HEADERS', 'REQUEST_BODY', 'CONDUIT_LOG_REQUEST'], ['RESPONSE_HEADERS', 'RESPONSE_BODY', 'CONDUIT_LOG_RESPONSE']] as [$h, $b, $title]) {
        echo '<h2>' . $e(Loc::getMessage($title)) . '</h2><table class="conduit-kv">';
        foreach (Ui::headers($row[$h]) as [$name, $value]) {
            echo '<tr><td><code>' . $e($name) . '</code></td><td><code>' . $e($value) . '</code></td></tr>';
        }
        echo '</table>';
        $body = Ui::pretty($row[$b]);
        echo $body === '' ? '<p>' . $e(Loc::getMessage('CONDUIT_LOG_EMPTY_BODY')) . '</p>' : '<pre class="conduit-pre" id="conduit-' . strtolower($b) . '">' . $e($body) . '</pre>';
    }
    // other attempts of the same correlation id (one logical call, its retries)
    $others = RequestLogTable::getList([
        'select' => ['ID', 'CREATED_AT', 'STATUS', 'ERROR_CLASS', 'ATTEMPT', 'DURATION_MS'],
        'filter' => ['=CORRELATION_ID' => $row['CORRELATION_ID'], '!=ID' => $id],
        'order' => ['ID' => 'ASC'],
        'limit' => 50,
    ])->fetchAll();
    echo '<h2>' . $e(Loc::getMessage('CONDUIT_LOG_OTHER_ATTEMPTS')) . '</h2>';
    if ($others === []) {
        echo '<p>' . $e(Loc::getMessage('CONDUIT_LOG_NO_OTHER_ATTEMPTS')) . '</p>';
    } else {
        echo '<table class="adm-list-table" id="conduit-log-attempts"><tr class="adm-list-table-header"><td class="adm-list-table-cell">ID</td><td class="adm-list-table-cell">' . $e(Loc::getMessage('CONDUIT_LOG_COL_TIME')) . '</td><td class="adm-list-table-cell">' . $e(Loc::getMessage('CONDUIT_LOG_COL_ATTEMPT')) . '</td><td class="adm-list-table-cell">' . $e(Loc::getMessage('CONDUIT_LOG_COL_STATUS')) . '</td><td class="adm-list-table-cell">' . $e(Loc::getMessage('CONDUIT_LOG_COL_DURATION')) . '</td></tr>';
        foreach ($others as $o) {
            echo '<tr class="adm-list-table-row"><td class="adm-list-table-cell"><a href="' . $e(Ui::url('log', ['id' => $o['ID']])) . '">' . $e($o['ID']) . '</a></td><td class="adm-list-table-cell">' . $e(Ui::time($o['CREATED_AT'])) . '</td><td class="adm-list-table-cell">' . $e($o['ATTEMPT']) . '</td><td class="adm-list-table-cell">' . $statusHtml($o['STATUS'], $o['ERROR_CLASS']) . '</td><td class="adm-list-table-cell">' . $e(number_format((float) $o['DURATION_MS'], 1, '.', ' ')) . ' ms</td></tr>';
        }
        echo '</table>';
    }
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
    return;
}

// ---- filter ---------------------------------------------------------------------------------
$errors = [];
$q = static fn (string $name) => $request->getQuery($name);
$methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
$classes = ['2xx', '3xx', '4xx', '5xx', 'error'];
$f = [
    'status_class' => Ui::choice($q('f_status_class'), $classes, Loc::getMessage('CONDUIT_LOG_F_STATUS'), $errors),
    'endpoint' => Ui::text($q('f_endpoint'), Loc::getMessage('CONDUIT_LOG_F_ENDPOINT'), $errors),
    'method' => Ui::choice($q('f_method'), $methods, Loc::getMessage('CONDUIT_LOG_F_METHOD'), $errors),
    'connection' => Ui::choice($q('f_connection'), array_map('strval', array_keys($connections)), Loc::getMessage('CONDUIT_LOG_F_CONNECTION'), $errors),
    'from' => Ui::date($q('f_from'), Loc::getMessage('CONDUIT_LOG_F_FROM'), $errors),
    'to' => Ui::date($q('f_to'), Loc::getMessage('CONDUIT_LOG_F_TO'), $errors, true),
    'correlation' => Ui::text($q('f_correlation'), Loc::getMessage('CONDUIT_LOG_F_CORRELATION'), $errors, 64),
    'job' => Ui::id($q('f_job'), Loc::getMessage('CONDUIT_LOG_F_JOB'), $errors),
];
$filter = [];
switch ($f['status_class']) {
    case '2xx': case '3xx': case '4xx': case '5xx':
        $base = (int) $f['status_class'][0] * 100;
        $filter['>=STATUS'] = $base;
        $filter['<STATUS'] = $base + 100;
        break;
    case 'error':
        $filter['==STATUS'] = null;
        break;
}
// "endpoint contains": the matching endpoints come from the module's list of the log's
// endpoints (a few hundred rows), then only their rows are read through the endpoint index,
// so a text that matches nothing answers at once. While that list is still catching up
// with older rows (after an upgrade), or when very many endpoints match, the log itself is
// searched, within the statement time limit.
$endpointSearch = null;
$nothingMatches = false;
if ($f['endpoint'] !== null) {
    try {
        $endpointSearch = Rollup::endpointsContaining($f['endpoint']);
    } catch (\Throwable $ex) {
        $endpointSearch = null;
    }
    if ($endpointSearch !== null && $endpointSearch['complete'] && !$endpointSearch['more']) {
        if ($endpointSearch['endpoints'] === []) {
            $nothingMatches = true;
        } else {
            $filter['=ENDPOINT'] = $endpointSearch['endpoints'];
        }
    } else {
        $filter['%ENDPOINT'] = $f['endpoint'];
    }
}
if ($f['method'] !== null) {
    $filter['=METHOD'] = $f['method'];
}
if ($f['connection'] !== null && ($connections[$f['connection']] ?? '') !== '') {
    $filter['=%URL'] = addcslashes($connections[$f['connection']], '%_\\') . '%';
}
if ($f['from'] !== null) {
    $filter['>=CREATED_AT'] = $f['from'] * 1000;
}
if ($f['to'] !== null) {
    $filter['<=CREATED_AT'] = $f['to'] * 1000 + 999;
}
if ($f['correlation'] !== null) {
    $filter['=CORRELATION_ID'] = $f['correlation'];
}
if ($f['job'] !== null) {
    $filter['=JOB_ID'] = $f['job'];
}
$filterParams = [];
foreach (['f_status_class', 'f_endpoint', 'f_method', 'f_connection', 'f_from', 'f_to', 'f_correlation', 'f_job'] as $name) {
    $v = $q($name);
    if (is_string($v) && $v !== '' && mb_check_encoding($v, 'UTF-8') && mb_strlen($v) <= Ui::FILTER_MAX) {
        $filterParams[$name] = $v;
    }
}

// ---- sorting ----------------------------------------------------------------------------------
$sortable = ['ID' => 'ID', 'CREATED_AT' => 'CREATED_AT', 'STATUS' => 'STATUS', 'DURATION_MS' => 'DURATION_MS'];
$sorting = new CAdminSorting($tableId, 'ID', 'desc');
$by = $sortable[strtoupper((string) $sorting->getField())] ?? 'ID';
$order = strtolower((string) $sorting->getOrder()) === 'asc' ? 'ASC' : 'DESC';
$orm = [$by => $order];
if ($by !== 'ID') {
    $orm['ID'] = $order;
}

// ---- CSV export of the filtered rows (before any output) --------------------------------------------
if ($q('export') === 'csv') {
    $APPLICATION->RestartBuffer();
    header('Content-Type: text/csv; charset=UTF-8');
    header('Content-Disposition: attachment; filename="conduit-request-log-' . date('Ymd-His') . '.csv"');
    $out = fopen('php://output', 'w');
    fwrite($out, "\xEF\xBB\xBF");
    $cell = static function ($v): string {
        $v = mb_scrub((string) $v, 'UTF-8');
        return preg_match('/^[=+\-@\t\r]/', $v) ? "'" . $v : $v; // no formulas in a spreadsheet
    };
    fputcsv($out, ['ID', 'TIME', 'METHOD', 'URL', 'ENDPOINT', 'CONNECTION', 'STATUS', 'DURATION_MS', 'ATTEMPT', 'CORRELATION_ID', 'JOB_ID', 'ERROR_CLASS', 'ERROR_MESSAGE']);
    $limit = 100000;
    $written = 0;
    $offset = 0;
    do {
        $chunk = RequestLogTable::getList([
            'select' => ['ID', 'CREATED_AT', 'METHOD', 'URL', 'ENDPOINT', 'STATUS', 'DURATION_MS', 'ATTEMPT', 'CORRELATION_ID', 'JOB_ID', 'ERROR_CLASS', 'ERROR_MESSAGE'],
            'filter' => $filter, 'order' => $orm, 'limit' => 1000, 'offset' => $offset,
        ])->fetchAll();
        foreach ($chunk as $r) {
            fputcsv($out, array_map($cell, [$r['ID'], Ui::time($r['CREATED_AT']), $r['METHOD'], $r['URL'], $r['ENDPOINT'], $connectionOf((string) $r['URL']), $r['STATUS'] ?? '', $r['DURATION_MS'], $r['ATTEMPT'], $r['CORRELATION_ID'], $r['JOB_ID'] ?? '', $r['ERROR_CLASS'] ?? '', $r['ERROR_MESSAGE'] ?? '']));
            $written++;
        }
        $offset += 1000;
    } while (count($chunk) === 1000 && $written < $limit);
    fclose($out);
    die();
}

// ---- the page -------------------------------------------------------------------------------------
$pageSize = in_array((int) $q('size'), [20, 50, 100], true) ? (int) $q('size') : 20;
$page = max(1, min(100000, (int) $q('page')));
if ($nothingMatches) {
    [$rows, $count, $more] = [[], 0, false];
} else {
    [$rows, $listStopped] = Ui::bounded(static fn () => RequestLogTable::getList([
        'select' => ['ID', 'CREATED_AT', 'METHOD', 'URL', 'ENDPOINT', 'STATUS', 'DURATION_MS', 'ATTEMPT', 'CORRELATION_ID', 'JOB_ID', 'ERROR_CLASS', 'ERROR_MESSAGE'],
        'filter' => $filter,
        'order' => $orm,
        'limit' => $pageSize,
        'offset' => ($page - 1) * $pageSize,
    ])->fetchAll(), 0.07);
    if ($listStopped) {
        $errors[] = Ui::listStoppedText();
        $rows = [];
    }
    [$count, $more] = Ui::countFor(RequestLogTable::class, $filter, $page, $pageSize, $listStopped ? null : $rows);
}

$list = new CAdminList($tableId, $sorting);
$list->AddHeaders([
    ['id' => 'ID', 'content' => 'ID', 'sort' => 'ID', 'default' => true],
    ['id' => 'CREATED_AT', 'content' => Loc::getMessage('CONDUIT_LOG_COL_TIME'), 'sort' => 'CREATED_AT', 'default' => true],
    ['id' => 'REQUEST', 'content' => Loc::getMessage('CONDUIT_LOG_COL_REQUEST'), 'default' => true],
    ['id' => 'CONNECTION', 'content' => Loc::getMessage('CONDUIT_LOG_COL_CONNECTION'), 'default' => true],
    ['id' => 'STATUS', 'content' => Loc::getMessage('CONDUIT_LOG_COL_STATUS'), 'sort' => 'STATUS', 'default' => true],
    ['id' => 'DURATION_MS', 'content' => Loc::getMessage('CONDUIT_LOG_COL_DURATION'), 'sort' => 'DURATION_MS', 'default' => true, 'align' => 'right'],
    ['id' => 'ATTEMPT', 'content' => Loc::getMessage('CONDUIT_LOG_COL_ATTEMPT'), 'default' => true, 'align' => 'right'],
    ['id' => 'JOB_ID', 'content' => Loc::getMessage('CONDUIT_LOG_COL_JOB'), 'default' => true],
    ['id' => 'ERROR', 'content' => Loc::getMessage('CONDUIT_LOG_COL_ERROR'), 'default' => true],
]);
foreach ($rows as $r) {
    $link = Ui::url('log', ['id' => $r['ID']]);
    $row = &$list->AddRow($r['ID'], $r, $link);
    $row->AddViewField('ID', '<a href="' . $e($link) . '">' . $e($r['ID']) . '</a>');
    $row->AddViewField('CREATED_AT', $e(Ui::time($r['CREATED_AT'])));
    $row->AddViewField('REQUEST', '<b>' . $e($r['METHOD']) . '</b> ' . $e(mb_strimwidth(mb_scrub((string) $r['ENDPOINT'], 'UTF-8'), 0, 90, '…')));
    $row->AddViewField('CONNECTION', $e($connectionOf((string) $r['URL']) ?: '—'));
    $row->AddViewField('STATUS', $statusHtml($r['STATUS'], $r['ERROR_CLASS']));
    $row->AddViewField('DURATION_MS', $e(number_format((float) $r['DURATION_MS'], 1, '.', ' ')));
    $row->AddViewField('JOB_ID', $r['JOB_ID'] ? '<a href="' . $e(Ui::url('queue', ['id' => $r['JOB_ID']])) . '">#' . $e($r['JOB_ID']) . '</a>' : '—');
    $row->AddViewField('ERROR', $e(mb_strimwidth(mb_scrub((string) $r['ERROR_MESSAGE'], 'UTF-8'), 0, 80, '…')));
    $row->AddActions([['TEXT' => Loc::getMessage('CONDUIT_LOG_OPEN'), 'LINK' => $link, 'DEFAULT' => true]]);
    unset($row);
}
$pageUrl = static fn (int $p): string => Ui::url('log', $filterParams + ['by' => $by, 'order' => strtolower($order), 'size' => $pageSize, 'page' => $p]);
$list->NavText(Ui::nav($page, $pageSize, $count, $more, $pageUrl));

$APPLICATION->SetTitle(Loc::getMessage('CONDUIT_LOG_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
echo Ui::css();
echo '<p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_LOG_HINT')) . '</p>';
foreach ($errors as $message) {
    echo Ui::message($message);
}

// filter form (GET: a bookmarkable, shareable URL)
$val = static fn (string $name): string => $e($filterParams[$name] ?? '');
$select = static function (string $name, array $options) use ($e, $filterParams): string {
    $s = '<select name="' . $e($name) . '" id="' . $e($name) . '"><option value="">' . $e(Loc::getMessage('CONDUIT_LOG_ANY')) . '</option>';
    foreach ($options as $value => $label) {
        $s .= '<option value="' . $e($value) . '"' . ((string) ($filterParams[$name] ?? '') === (string) $value ? ' selected' : '') . '>' . $e($label) . '</option>';
    }
    return $s . '</select>';
};
$classLabels = [];
foreach ($classes as $c) {
    $classLabels[$c] = Loc::getMessage('CONDUIT_LOG_CLASS_' . strtoupper($c));
}
echo '<form method="get" action="' . $e($APPLICATION->GetCurPage()) . '" name="conduit_log_filter" id="conduit_log_filter">';
echo '<input type="hidden" name="lang" value="' . $e(LANGUAGE_ID) . '"><input type="hidden" name="set_filter" value="Y">';
$filterControl = new CAdminFilter($tableId . '_filter');
$filterControl->Begin();
$fields = [
    ['f_status_class', Loc::getMessage('CONDUIT_LOG_F_STATUS'), $select('f_status_class', $classLabels)],
    ['f_endpoint', Loc::getMessage('CONDUIT_LOG_F_ENDPOINT'), '<input type="text" name="f_endpoint" id="f_endpoint" size="30" maxlength="' . Ui::FILTER_MAX . '" value="' . $val('f_endpoint') . '" placeholder="/orders">'],
    ['f_method', Loc::getMessage('CONDUIT_LOG_F_METHOD'), $select('f_method', array_combine($methods, $methods))],
    ['f_connection', Loc::getMessage('CONDUIT_LOG_F_CONNECTION'), $select('f_connection', array_combine(array_keys($connections), array_keys($connections)) ?: [])],
    ['f_from', Loc::getMessage('CONDUIT_LOG_F_FROM'), '<input type="text" name="f_from" id="f_from" size="18" value="' . $val('f_from') . '" placeholder="' . $e(date('d.m.Y')) . '"> ' . $e(Loc::getMessage('CONDUIT_LOG_F_TO')) . ' <input type="text" name="f_to" id="f_to" size="18" value="' . $val('f_to') . '" placeholder="' . $e(date('d.m.Y H:i')) . '">'],
    ['f_correlation', Loc::getMessage('CONDUIT_LOG_F_CORRELATION'), '<input type="text" name="f_correlation" id="f_correlation" size="36" maxlength="64" value="' . $val('f_correlation') . '">'],
    ['f_job', Loc::getMessage('CONDUIT_LOG_F_JOB'), '<input type="text" name="f_job" id="f_job" size="10" value="' . $val('f_job') . '">'],
];
foreach ($fields as [$name, $label, $input]) {
    echo '<tr><td class="adm-filter-item-left"><label for="' . $e($name) . '">' . $e($label) . '</label></td><td class="adm-filter-item-center">' . $input . '</td></tr>';
}
$filterControl->Buttons();
echo '<input type="submit" class="adm-btn" id="conduit_log_find" value="' . $e(Loc::getMessage('CONDUIT_LOG_FIND')) . '"> ';
echo '<a class="adm-btn" id="conduit_log_reset" href="' . $e(Ui::url('log')) . '">' . $e(Loc::getMessage('CONDUIT_LOG_RESET')) . '</a> ';
echo '<a class="adm-btn" id="conduit_log_csv" href="' . $e(Ui::url('log', $filterParams + ['by' => $by, 'order' => strtolower($order), 'export' => 'csv'])) . '">' . $e(Loc::getMessage('CONDUIT_LOG_CSV')) . '</a>';
$filterControl->End();
echo '</form>';
echo '<p id="conduit-found"><b>' . $e(Ui::foundText($count, $more)) . '</b></p>';
if ($f['endpoint'] !== null) {
    if ($endpointSearch !== null && $endpointSearch['complete'] && !$endpointSearch['more']) {
        $shown = array_map(static fn (string $ep): string => mb_strimwidth($ep, 0, 60, '…'), array_slice($endpointSearch['endpoints'], 0, 5));
        $note = $endpointSearch['endpoints'] === []
            ? Loc::getMessage('CONDUIT_LOG_ENDPOINT_NONE', ['#TEXT#' => $f['endpoint']])
            : Loc::getMessage('CONDUIT_LOG_ENDPOINT_MATCHED', ['#N#' => count($endpointSearch['endpoints']), '#TEXT#' => $f['endpoint'], '#LIST#' => implode(', ', $shown) . (count($endpointSearch['endpoints']) > 5 ? ', …' : '')]);
    } else {
        $note = Loc::getMessage($endpointSearch !== null && $endpointSearch['more'] ? 'CONDUIT_LOG_ENDPOINT_MANY' : 'CONDUIT_LOG_ENDPOINT_CATCHING_UP');
    }
    echo '<p class="conduit-hint" id="conduit-endpoint-note">' . $e($note) . '</p>';
}
$list->DisplayList();
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
