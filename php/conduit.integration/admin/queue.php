<?php
/**
 * Queue: counts per status and type, a filtered list of jobs, a job view (?id=N) with
 * its payload, attempts, last error, next run and the request-log rows of its
 * deliveries; actions retry / run now / delete for one job or the checked rows, and
 * "retry all failed of this type". Reading goes through the ORM; every change through
 * Conduit\SyncQueue, as a POST with a valid sessid by a user with right "W".
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Queue\Processor;
use Conduit\Integration\Reason;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
$right = (string) $APPLICATION->GetGroupRight('conduit.integration');
if ($right < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_QUEUE_ACCESS_DENIED'));
}
Loader::includeModule('conduit.integration');

$request = Application::getInstance()->getContext()->getRequest();
$e = [Ui::class, 'e'];
$tableId = 'conduit_queue';
$canWrite = $right >= 'W';
$errors = [];
$notes = [];
$queue = Services::queue();

// ---- actions: POST + sessid + W only -------------------------------------------------------------
// conduit_action comes from the page's own buttons (and from the list's script); the list's
// group-action form posts its select as "action" with "apply_group", which is all a browser
// without JavaScript sends: both are the same action.
// (Bitrix's own list posts action_button for some actions and names its button "apply".)
$action = $request->getPost('conduit_action');
if ($action === null) {
    foreach (['action_button', 'action'] as $name) {
        if (is_string($request->getPost($name)) && $request->getPost($name) !== '') {
            $action = $request->getPost($name);
            break;
        }
    }
    if ($action === null && ($request->getPost('apply_group') !== null || $request->getPost('apply') !== null)) {
        $action = 'none';
    }
}
// Deleting checked rows asks first: the script's confirm() sets conduit_confirmed; without
// JavaScript the page shows a confirmation form instead of deleting.
$confirmDelete = null;
if ($request->isPost() && $action !== null) {
    if (!$canWrite) {
        $errors[] = Loc::getMessage('CONDUIT_QUEUE_READ_ONLY');
    } elseif (!check_bitrix_sessid()) {
        $errors[] = Loc::getMessage('CONDUIT_QUEUE_BAD_SESSID');
    } else {
        $ids = $request->getPost('ID');
        $ids = is_array($ids) ? $ids : ($ids !== null ? [$ids] : []);
        $ids = array_values(array_unique(array_filter(array_map(static fn ($v) => is_scalar($v) && preg_match('/^[1-9][0-9]{0,17}$/', (string) $v) ? (int) $v : 0, $ids))));
        try {
            switch ((string) $action) {
                case 'none':
                    $errors[] = Loc::getMessage('CONDUIT_QUEUE_NO_ACTION');
                    break;
                case 'retry':
                case 'run':
                case 'delete':
                    if ($ids === []) {
                        $errors[] = Loc::getMessage('CONDUIT_QUEUE_NONE_CHECKED');
                        break;
                    }
                    if ($action === 'delete' && $request->getPost('conduit_confirmed') !== 'Y') {
                        $confirmDelete = array_slice($ids, 0, 500);
                        break;
                    }
                    $done = 0;
                    $types = [];
                    foreach (array_slice($ids, 0, 500) as $jobId) {
                        $job = $queue->get($jobId);
                        if ($job === null) {
                            $errors[] = Loc::getMessage('CONDUIT_QUEUE_GONE', ['#ID#' => $jobId]);
                            continue;
                        }
                        try {
                            if ($action === 'delete') {
                                $queue->delete($jobId);
                                $done++;
                            } elseif ($action === 'retry') {
                                if ($job->status !== 'failed') {
                                    $errors[] = Loc::getMessage('CONDUIT_QUEUE_NOT_FAILED', ['#ID#' => $jobId, '#STATUS#' => Loc::getMessage('CONDUIT_QUEUE_STATUS_' . strtoupper($job->status))]);
                                    continue;
                                }
                                $queue->retry($jobId);
                                $done++;
                            } else { // run now: a failed job is retried first, then one bounded pass over its type
                                if ($job->status === 'failed') {
                                    $queue->retry($jobId);
                                } elseif ($job->status !== 'pending') {
                                    $errors[] = Loc::getMessage('CONDUIT_QUEUE_CANNOT_RUN', ['#ID#' => $jobId, '#STATUS#' => Loc::getMessage('CONDUIT_QUEUE_STATUS_' . strtoupper($job->status))]);
                                    continue;
                                } elseif ($job->runAt > microtime(true) + 1) {
                                    $notes[] = Loc::getMessage('CONDUIT_QUEUE_NOT_DUE', ['#ID#' => $jobId, '#TIME#' => Ui::time((int) ($job->runAt * 1000))]);
                                }
                                $types[$job->type] = true;
                                $done++;
                            }
                        } catch (\Conduit\QueueException $ex) {
                            $errors[] = Loc::getMessage('CONDUIT_QUEUE_ACTION_FAILED', ['#ID#' => $jobId, '#REASON#' => $ex->getMessage()]);
                        }
                    }
                    if ($action === 'run' && $types !== []) {
                        $counts = (new Processor('agent'))->run(microtime(true) + (float) Settings::get('agent_time_budget_s'), max(1, $done), array_keys($types));
                        $notes[] = Loc::getMessage('CONDUIT_QUEUE_RAN', ['#N#' => Processor::processed($counts)]);
                    } elseif ($done > 0) {
                        $notes[] = Loc::getMessage($action === 'delete' ? 'CONDUIT_QUEUE_DELETED' : 'CONDUIT_QUEUE_RETRIED', ['#N#' => $done]);
                    }
                    break;
                case 'retry_type':
                    $type = (string) $request->getPost('type');
                    if (!preg_match(Settings::JOB_TYPE_PATTERN, $type)) {
                        $errors[] = Loc::getMessage('CONDUIT_QUEUE_BAD_TYPE');
                        break;
                    }
                    $n = $queue->retryFailed(['type' => $type]);
                    $notes[] = Loc::getMessage('CONDUIT_QUEUE_RETRIED_TYPE', ['#N#' => $n, '#TYPE#' => $type]);
                    break;
                default:
                    $errors[] = Loc::getMessage('CONDUIT_QUEUE_UNKNOWN_ACTION');
            }
        } catch (\Throwable $ex) {
            $errors[] = $ex->getMessage();
        }
    }
}

$statusLabel = static fn (string $s): string => (string) (Loc::getMessage('CONDUIT_QUEUE_STATUS_' . strtoupper($s)) ?: $s);
$statusCss = ['pending' => 'conduit-status-3', 'running' => 'conduit-status-2', 'done' => 'conduit-status-2', 'failed' => 'conduit-status-e'];
$showMessages = static function () use (&$errors, &$notes): void {
    foreach ($errors as $m) {
        echo Ui::message($m);
    }
    foreach ($notes as $m) {
        echo Ui::message($m, 'OK');
    }
};
$actionButton = static function (int $id, string $act, string $label, string $confirm = '') use ($e): string {
    // a confirmed click marks the post; without JavaScript the page asks on its own instead
    return '<form method="post" class="conduit-inline">' . bitrix_sessid_post() . '<input type="hidden" name="conduit_action" value="' . $e($act) . '"><input type="hidden" name="ID[]" value="' . $id . '"><input type="hidden" name="conduit_confirmed" value="">'
        . '<input type="submit" class="adm-btn' . ($act === 'delete' ? '' : ' adm-btn-save') . '" id="conduit-job-' . $e($act) . '" value="' . $e($label) . '"' . ($confirm !== '' ? ' onclick="if(!confirm(' . $e(json_encode($confirm, JSON_UNESCAPED_UNICODE)) . '))return false;this.form.elements.conduit_confirmed.value=\'Y\';"' : '') . '></form> ';
};

// the confirmation a browser without JavaScript gets for "delete" (no confirm() dialog ran)
$showConfirm = static function () use (&$confirmDelete, $e): void {
    global $APPLICATION;
    if ($confirmDelete === null) {
        return;
    }
    // the confirmation a browser without JavaScript gets for "delete" on checked rows
    echo '<form method="post" id="conduit-confirm-delete" class="adm-info-message-wrap adm-info-message-red"><div class="adm-info-message">' . bitrix_sessid_post()
        . '<input type="hidden" name="conduit_action" value="delete"><input type="hidden" name="conduit_confirmed" value="Y">';
    foreach ($confirmDelete as $jobId) {
        echo '<input type="hidden" name="ID[]" value="' . (int) $jobId . '">';
    }
    echo '<div class="adm-info-message-title">' . $e(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_N', ['#N#' => count($confirmDelete)])) . '</div>'
        . '<p>' . $e(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_IDS', ['#IDS#' => implode(', ', array_map(static fn ($i) => '#' . $i, array_slice($confirmDelete, 0, 20))) . (count($confirmDelete) > 20 ? ', …' : '')])) . '</p>'
        . '<input type="submit" class="adm-btn adm-btn-save" id="conduit-confirm-delete-yes" value="' . $e(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_YES', ['#N#' => count($confirmDelete)])) . '"> '
        . '<a class="adm-btn" href="' . $e($APPLICATION->GetCurPageParam()) . '">' . $e(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_CANCEL')) . '</a></div></form>';
};
// ---- job view -------------------------------------------------------------------------------------------
$id = (int) $request->getQuery('id');
if ($id > 0) {
    $job = QueueTable::getRowById($id);
    $APPLICATION->SetTitle(Loc::getMessage('CONDUIT_QUEUE_JOB_TITLE', ['#ID#' => $id]));
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
    echo Ui::css();
    (new CAdminContextMenu([['TEXT' => Loc::getMessage('CONDUIT_QUEUE_BACK'), 'LINK' => Ui::url('queue'), 'ICON' => 'btn_list']]))->Show();
    $showMessages();
    $showConfirm();
    if (!$job) {
        echo Ui::message(Loc::getMessage('CONDUIT_QUEUE_JOB_NOT_FOUND', ['#ID#' => $id]));
        require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
        return;
    }
    $status = (string) $job['STATUS'];
    $next = match ($status) {
        'pending' => Ui::time($job['RUN_AT']) . ((int) $job['RUN_AT'] <= (int) (microtime(true) * 1000) ? ' (' . Loc::getMessage('CONDUIT_QUEUE_DUE_NOW') . ')' : ''),
        'running' => Loc::getMessage('CONDUIT_QUEUE_RUNNING_UNTIL', ['#TIME#' => Ui::time($job['LEASE_UNTIL'])]),
        default => '—',
    };
    $kv = [
        [Loc::getMessage('CONDUIT_QUEUE_COL_TYPE'), $e($job['TYPE'])],
        [Loc::getMessage('CONDUIT_QUEUE_COL_STATUS'), '<span class="' . ($statusCss[$status] ?? '') . '" id="conduit-job-status">' . $e($statusLabel($status)) . '</span>'],
        [Loc::getMessage('CONDUIT_QUEUE_COL_ATTEMPTS'), $e($job['ATTEMPTS'] . ' / ' . $job['MAX_ATTEMPTS'])],
        [Loc::getMessage('CONDUIT_QUEUE_COL_NEXT_RUN'), $e($next)],
        [Loc::getMessage('CONDUIT_QUEUE_COL_CREATED'), $e(Ui::time($job['CREATED_AT']))],
        [Loc::getMessage('CONDUIT_QUEUE_COL_UPDATED'), $e(Ui::time($job['UPDATED_AT']))],
        [Loc::getMessage('CONDUIT_QUEUE_COL_FINISHED'), $e(Ui::time($job['FINISHED_AT'])) . ($job['PROCESSING_MS'] !== null ? ' (' . $e($job['PROCESSING_MS']) . ' ms)' : '')],
        [Loc::getMessage('CONDUIT_QUEUE_COL_PRIORITY'), $e($job['PRIORITY'])],
        [Loc::getMessage('CONDUIT_QUEUE_COL_DEDUPE'), $e($job['DEDUPE_KEY'] ?? '—')],
        [Loc::getMessage('CONDUIT_QUEUE_COL_GROUP'), $e($job['GROUP_KEY'] ?? '—')],
    ];
    echo '<table class="conduit-kv" id="conduit-job">';
    foreach ($kv as [$label, $html]) {
        echo '<tr><td><b>' . $e($label) . '</b></td><td>' . $html . '</td></tr>';
    }
    echo '</table>';
    if ($canWrite) {
        echo '<p class="conduit-actions">';
        if ($status === 'failed') {
            echo $actionButton($id, 'retry', Loc::getMessage('CONDUIT_QUEUE_ACT_RETRY'));
        }
        if ($status === 'failed' || $status === 'pending') {
            echo $actionButton($id, 'run', Loc::getMessage('CONDUIT_QUEUE_ACT_RUN'));
        }
        echo $actionButton($id, 'delete', Loc::getMessage('CONDUIT_QUEUE_ACT_DELETE'), Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_ONE', ['#ID#' => $id]));
        echo '</p>';
    }
    if ((string) $job['LAST_ERROR'] !== '') {
        // in the page's language when the error has a reason code; the stored words stay one click away
        $reason = Reason::describe((string) $job['LAST_ERROR']);
        echo '<h2>' . $e(Loc::getMessage('CONDUIT_QUEUE_LAST_ERROR')) . '</h2><pre class="conduit-pre" id="conduit-job-error">' . $e($reason['text']) . '</pre>';
        if ($reason['original'] !== null) {
            echo '<details id="conduit-job-error-original"><summary>' . $e(Loc::getMessage('CONDUIT_QUEUE_ERROR_ORIGINAL')) . '</summary><pre class="conduit-pre">' . $e($reason['original']) . '</pre></details>';
        }
    }
    echo '<h2>' . $e(Loc::getMessage('CONDUIT_QUEUE_PAYLOAD')) . '</h2><pre class="conduit-pre" id="conduit-job-payload">' . $e(Ui::pretty($job['PAYLOAD'])) . '</pre>';
    if ((string) $job['RESULT'] !== '') {
        echo '<h2>' . $e(Loc::getMessage('CONDUIT_QUEUE_RESULT')) . '</h2><pre class="conduit-pre" id="conduit-job-result">' . $e(Ui::pretty($job['RESULT'])) . '</pre>';
    }
    $attempts = RequestLogTable::getList([
        'select' => ['ID', 'CREATED_AT', 'METHOD', 'ENDPOINT', 'STATUS', 'ERROR_CLASS', 'ERROR_MESSAGE', 'ATTEMPT', 'DURATION_MS'],
        'filter' => ['=JOB_ID' => $id], 'order' => ['ID' => 'DESC'], 'limit' => 50,
    ])->fetchAll();
    echo '<h2>' . $e(Loc::getMessage('CONDUIT_QUEUE_REQUESTS')) . '</h2>';
    if ($attempts === []) {
        echo '<p>' . $e(Loc::getMessage('CONDUIT_QUEUE_NO_REQUESTS')) . '</p>';
    } else {
        echo '<table class="adm-list-table" id="conduit-job-requests"><tr class="adm-list-table-header">';
        foreach (['ID', 'CONDUIT_QUEUE_COL_CREATED', 'CONDUIT_QUEUE_REQ', 'CONDUIT_QUEUE_ANSWER', 'CONDUIT_QUEUE_COL_ATTEMPTS', 'CONDUIT_QUEUE_DURATION'] as $h) {
            echo '<td class="adm-list-table-cell">' . $e($h === 'ID' ? 'ID' : Loc::getMessage($h)) . '</td>';
        }
        echo '</tr>';
        foreach ($attempts as $a) {
            $answer = $a['STATUS'] !== null ? (string) $a['STATUS'] : Loc::getMessage('CONDUIT_QUEUE_NO_ANSWER') . ' ' . $a['ERROR_CLASS'];
            echo '<tr class="adm-list-table-row"><td class="adm-list-table-cell"><a href="' . $e(Ui::url('log', ['id' => $a['ID']])) . '">' . $e($a['ID']) . '</a></td><td class="adm-list-table-cell">' . $e(Ui::time($a['CREATED_AT'])) . '</td><td class="adm-list-table-cell">' . $e($a['METHOD'] . ' ' . $a['ENDPOINT']) . '</td><td class="adm-list-table-cell">' . $e($answer) . '</td><td class="adm-list-table-cell">' . $e($a['ATTEMPT']) . '</td><td class="adm-list-table-cell">' . $e(number_format((float) $a['DURATION_MS'], 1, '.', ' ')) . ' ms</td></tr>';
        }
        echo '</table>';
    }
    require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
    return;
}

// ---- counts per status and type (one GROUP BY over the type index) ---------------------------------------
$byType = [];
$byStatus = array_fill_keys(QueueTable::STATUSES, 0);
$res = QueueTable::getList([
    'select' => ['TYPE', 'STATUS', new \Bitrix\Main\ORM\Fields\ExpressionField('CNT', 'COUNT(*)')],
    'group' => ['TYPE', 'STATUS'],
    'order' => ['TYPE' => 'ASC'],
]);
while ($r = $res->fetch()) {
    $byType[(string) $r['TYPE']][(string) $r['STATUS']] = (int) $r['CNT'];
    $byStatus[(string) $r['STATUS']] = ($byStatus[(string) $r['STATUS']] ?? 0) + (int) $r['CNT'];
}

// ---- filter ---------------------------------------------------------------------------------------------
$q = static fn (string $name) => $request->getQuery($name);
$f = [
    'status' => Ui::choice($q('f_status'), QueueTable::STATUSES, Loc::getMessage('CONDUIT_QUEUE_F_STATUS'), $errors),
    'type' => Ui::text($q('f_type'), Loc::getMessage('CONDUIT_QUEUE_F_TYPE'), $errors, 191),
    'dedupe' => Ui::text($q('f_dedupe'), Loc::getMessage('CONDUIT_QUEUE_F_DEDUPE'), $errors, 191),
    'group' => Ui::text($q('f_group'), Loc::getMessage('CONDUIT_QUEUE_F_GROUP'), $errors, 191),
    'from' => Ui::date($q('f_from'), Loc::getMessage('CONDUIT_QUEUE_F_FROM'), $errors),
    'to' => Ui::date($q('f_to'), Loc::getMessage('CONDUIT_QUEUE_F_TO'), $errors, true),
    'error' => Ui::text($q('f_error'), Loc::getMessage('CONDUIT_QUEUE_F_ERROR'), $errors),
    'before' => Ui::id($q('f_before'), 'f_before', $errors),
];
$filter = [];
if ($f['status'] !== null) {
    $filter['=STATUS'] = $f['status'];
}
if ($f['type'] !== null) {
    $filter['=TYPE'] = $f['type'];
}
if ($f['dedupe'] !== null) {
    $filter['=DEDUPE_KEY'] = $f['dedupe'];
}
if ($f['group'] !== null) {
    $filter['=GROUP_KEY'] = $f['group'];
}
if ($f['from'] !== null) {
    $filter['>=CREATED_AT'] = $f['from'] * 1000;
    // ids grow with creation time: an id range lets the primary key serve the date filter
    $floor = Ui::idFloor(QueueTable::class, 'CREATED_AT', $f['from'] * 1000);
    if ($floor !== null) {
        $filter['>=ID'] = $floor;
    }
}
if ($f['to'] !== null) {
    $filter['<=CREATED_AT'] = $f['to'] * 1000 + 999;
}
// "error contains": an exact, case-sensitive substring of the stored text (as the extension's
// `error` filter and the column's binary collation compare), searched in steps of
// Ui::TEXT_WINDOW jobs, newest first, with a link to the next older step: no index serves
// a substring, and a step reads a bounded number of rows however large the table grows.
$errorWindow = null;
if ($f['error'] !== null) {
    $filter['=%LAST_ERROR'] = '%' . addcslashes($f['error'], '%_\\') . '%';
    $errorWindow = Ui::idWindow(QueueTable::class, $f['before'], Ui::TEXT_WINDOW);
    if ($errorWindow !== null) {
        $filter['>=ID'] = max((int) ($filter['>=ID'] ?? 0), $errorWindow['from']);
        $filter['<=ID'] = $errorWindow['to'];
    }
}
$filterParams = [];
foreach (['f_status', 'f_type', 'f_dedupe', 'f_group', 'f_from', 'f_to', 'f_error', 'f_before'] as $name) {
    $v = $q($name);
    if (is_string($v) && $v !== '' && mb_check_encoding($v, 'UTF-8') && mb_strlen($v) <= Ui::FILTER_MAX) {
        $filterParams[$name] = $v;
    }
}

$sorting = new CAdminSorting($tableId, 'ID', 'desc');
$sortable = ['ID' => 'ID', 'CREATED_AT' => 'CREATED_AT', 'RUN_AT' => 'RUN_AT', 'ATTEMPTS' => 'ATTEMPTS', 'STATUS' => 'STATUS', 'TYPE' => 'TYPE'];
$by = $sortable[strtoupper((string) $sorting->getField())] ?? 'ID';
$order = strtolower((string) $sorting->getOrder()) === 'asc' ? 'ASC' : 'DESC';
$orm = [$by => $order] + ($by !== 'ID' ? ['ID' => $order] : []);

$pageSize = in_array((int) $q('size'), [20, 50, 100], true) ? (int) $q('size') : 20;
$page = max(1, min(100000, (int) $q('page')));
[$rows, $listStopped] = Ui::bounded(static fn () => QueueTable::getList([
    'select' => ['ID', 'TYPE', 'STATUS', 'ATTEMPTS', 'MAX_ATTEMPTS', 'RUN_AT', 'CREATED_AT', 'UPDATED_AT', 'DEDUPE_KEY', 'GROUP_KEY', 'LAST_ERROR'],
    'filter' => $filter, 'order' => $orm, 'limit' => $pageSize, 'offset' => ($page - 1) * $pageSize,
])->fetchAll(), 0.07);
if ($listStopped) {
    $errors[] = Ui::listStoppedText();
    $rows = [];
}
[$count, $more] = Ui::countFor(QueueTable::class, $filter, $page, $pageSize, $listStopped ? null : $rows);

$list = new CAdminList($tableId, $sorting);
$list->AddHeaders([
    ['id' => 'ID', 'content' => 'ID', 'sort' => 'ID', 'default' => true],
    ['id' => 'TYPE', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_TYPE'), 'sort' => 'TYPE', 'default' => true],
    ['id' => 'STATUS', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_STATUS'), 'sort' => 'STATUS', 'default' => true],
    ['id' => 'ATTEMPTS', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_ATTEMPTS'), 'sort' => 'ATTEMPTS', 'default' => true, 'align' => 'right'],
    ['id' => 'CREATED_AT', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_CREATED'), 'sort' => 'CREATED_AT', 'default' => true],
    ['id' => 'RUN_AT', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_NEXT_RUN'), 'sort' => 'RUN_AT', 'default' => true],
    ['id' => 'KEYS', 'content' => Loc::getMessage('CONDUIT_QUEUE_COL_KEYS'), 'default' => true],
    ['id' => 'LAST_ERROR', 'content' => Loc::getMessage('CONDUIT_QUEUE_LAST_ERROR'), 'default' => true],
]);
foreach ($rows as $r) {
    $link = Ui::url('queue', ['id' => $r['ID']]);
    $row = &$list->AddRow($r['ID'], $r, $link);
    $row->AddViewField('ID', '<a href="' . $e($link) . '">' . $e($r['ID']) . '</a>');
    $row->AddViewField('TYPE', $e($r['TYPE']));
    $row->AddViewField('STATUS', '<span class="' . ($statusCss[$r['STATUS']] ?? '') . '">' . $e($statusLabel((string) $r['STATUS'])) . '</span>');
    $row->AddViewField('ATTEMPTS', $e($r['ATTEMPTS'] . ' / ' . $r['MAX_ATTEMPTS']));
    $row->AddViewField('CREATED_AT', $e(Ui::time($r['CREATED_AT'])));
    $row->AddViewField('RUN_AT', $r['STATUS'] === 'pending' ? $e(Ui::time($r['RUN_AT'])) : '—');
    $keys = array_filter([$r['DEDUPE_KEY'] !== null ? 'dedupe: ' . $r['DEDUPE_KEY'] : null, $r['GROUP_KEY'] !== null ? 'group: ' . $r['GROUP_KEY'] : null]);
    $row->AddViewField('KEYS', $e(implode(', ', $keys) ?: '—'));
    $row->AddViewField('LAST_ERROR', $e(mb_strimwidth(mb_scrub(Reason::text((string) $r['LAST_ERROR']), 'UTF-8'), 0, 90, '…')));
    $actions = [['TEXT' => Loc::getMessage('CONDUIT_QUEUE_OPEN'), 'LINK' => $link, 'DEFAULT' => true]];
    if ($canWrite) {
        if ($r['STATUS'] === 'failed') {
            $actions[] = ['TEXT' => Loc::getMessage('CONDUIT_QUEUE_ACT_RETRY'), 'ACTION' => 'conduitRowAction(' . (int) $r['ID'] . ",'retry')"];
        }
        $actions[] = ['TEXT' => Loc::getMessage('CONDUIT_QUEUE_ACT_DELETE'), 'ACTION' => 'if(confirm(' . json_encode(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_ONE', ['#ID#' => $r['ID']]), JSON_UNESCAPED_UNICODE | JSON_HEX_QUOT | JSON_HEX_APOS) . '))conduitRowAction(' . (int) $r['ID'] . ",'delete')"];
    }
    $row->AddActions($actions);
    unset($row);
}
if ($canWrite) {
    $list->AddGroupActionTable([
        'retry' => Loc::getMessage('CONDUIT_QUEUE_ACT_RETRY'),
        'run' => Loc::getMessage('CONDUIT_QUEUE_ACT_RUN'),
        'delete' => Loc::getMessage('CONDUIT_QUEUE_ACT_DELETE'),
    ]);
}
$pageUrl = static fn (int $p): string => Ui::url('queue', $filterParams + ['by' => $by, 'order' => strtolower($order), 'size' => $pageSize, 'page' => $p]);
$list->NavText(Ui::nav($page, $pageSize, $count, $more, $pageUrl));

$APPLICATION->SetTitle(Loc::getMessage('CONDUIT_QUEUE_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
echo Ui::css();
echo '<p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_QUEUE_HINT')) . '</p>';
$showMessages();
$showConfirm();

// status cards
echo '<div class="conduit-cards" id="conduit-queue-counts">';
foreach (QueueTable::STATUSES as $s) {
    $css = match ($s) { 'failed' => $byStatus[$s] > 0 ? 'conduit-bad' : 'conduit-ok', 'pending' => 'conduit-none', default => 'conduit-ok' };
    echo '<a class="conduit-card ' . $css . '" style="text-decoration:none;color:inherit" href="' . $e(Ui::url('queue', ['set_filter' => 'Y', 'f_status' => $s])) . '" id="conduit-count-' . $s . '"><small>' . $e($statusLabel($s)) . '</small><b>' . $e(number_format($byStatus[$s], 0, '.', ' ')) . '</b><small>' . $e(Loc::getMessage('CONDUIT_QUEUE_CARD_' . strtoupper($s))) . '</small></a>';
}
echo '</div>';

// per type, with "retry all failed"
echo '<table class="adm-list-table" id="conduit-queue-types" style="width:auto;margin-bottom:16px"><tr class="adm-list-table-header"><td class="adm-list-table-cell">' . $e(Loc::getMessage('CONDUIT_QUEUE_COL_TYPE')) . '</td>';
foreach (QueueTable::STATUSES as $s) {
    echo '<td class="adm-list-table-cell" align="right">' . $e($statusLabel($s)) . '</td>';
}
echo '<td class="adm-list-table-cell"></td></tr>';
if ($byType === []) {
    echo '<tr><td class="adm-list-table-cell" colspan="6">' . $e(Loc::getMessage('CONDUIT_QUEUE_EMPTY')) . '</td></tr>';
}
foreach ($byType as $type => $counts) {
    echo '<tr class="adm-list-table-row"><td class="adm-list-table-cell"><a href="' . $e(Ui::url('queue', ['set_filter' => 'Y', 'f_type' => $type])) . '">' . $e($type) . '</a></td>';
    foreach (QueueTable::STATUSES as $s) {
        $n = $counts[$s] ?? 0;
        echo '<td class="adm-list-table-cell" align="right">' . ($n > 0 ? '<a href="' . $e(Ui::url('queue', ['set_filter' => 'Y', 'f_type' => $type, 'f_status' => $s])) . '">' . $e(number_format($n, 0, '.', ' ')) . '</a>' : '0') . '</td>';
    }
    echo '<td class="adm-list-table-cell">';
    $failed = $counts['failed'] ?? 0;
    if ($canWrite && $failed > 0) {
        $confirm = Loc::getMessage('CONDUIT_QUEUE_CONFIRM_RETRY_TYPE', ['#N#' => $failed, '#TYPE#' => $type]);
        echo '<form method="post" class="conduit-inline">' . bitrix_sessid_post() . '<input type="hidden" name="conduit_action" value="retry_type"><input type="hidden" name="type" value="' . $e($type) . '">'
            . '<input type="submit" class="adm-btn conduit-retry-type" data-type="' . $e($type) . '" value="' . $e(Loc::getMessage('CONDUIT_QUEUE_RETRY_TYPE', ['#N#' => $failed])) . '" onclick="return confirm(' . $e(json_encode($confirm, JSON_UNESCAPED_UNICODE)) . ')"></form>';
    }
    echo '</td></tr>';
}
echo '</table>';

// filter form
$val = static fn (string $name): string => $e($filterParams[$name] ?? '');
$statusOptions = '<option value="">' . $e(Loc::getMessage('CONDUIT_QUEUE_ANY')) . '</option>';
foreach (QueueTable::STATUSES as $s) {
    $statusOptions .= '<option value="' . $s . '"' . (($filterParams['f_status'] ?? '') === $s ? ' selected' : '') . '>' . $e($statusLabel($s)) . '</option>';
}
echo '<form method="get" action="' . $e($APPLICATION->GetCurPage()) . '" id="conduit_queue_filter"><input type="hidden" name="lang" value="' . $e(LANGUAGE_ID) . '"><input type="hidden" name="set_filter" value="Y">';
$filterControl = new CAdminFilter($tableId . '_filter');
$filterControl->Begin();
$typeList = '<datalist id="conduit-types">';
foreach (array_keys($byType) as $t) {
    $typeList .= '<option value="' . $e($t) . '">';
}
$typeList .= '</datalist>';
$fields = [
    ['f_status', Loc::getMessage('CONDUIT_QUEUE_F_STATUS'), '<select name="f_status" id="f_status">' . $statusOptions . '</select>'],
    ['f_type', Loc::getMessage('CONDUIT_QUEUE_F_TYPE'), '<input type="text" name="f_type" id="f_type" list="conduit-types" size="30" value="' . $val('f_type') . '">' . $typeList],
    ['f_dedupe', Loc::getMessage('CONDUIT_QUEUE_F_DEDUPE'), '<input type="text" name="f_dedupe" id="f_dedupe" size="30" value="' . $val('f_dedupe') . '">'],
    ['f_group', Loc::getMessage('CONDUIT_QUEUE_F_GROUP'), '<input type="text" name="f_group" id="f_group" size="30" value="' . $val('f_group') . '">'],
    ['f_from', Loc::getMessage('CONDUIT_QUEUE_F_FROM'), '<input type="text" name="f_from" id="f_from" size="18" value="' . $val('f_from') . '" placeholder="' . $e(date('d.m.Y')) . '"> ' . $e(Loc::getMessage('CONDUIT_QUEUE_F_TO')) . ' <input type="text" name="f_to" id="f_to" size="18" value="' . $val('f_to') . '">'],
    ['f_error', Loc::getMessage('CONDUIT_QUEUE_F_ERROR'), '<input type="text" name="f_error" id="f_error" size="40" value="' . $val('f_error') . '">'],
];
foreach ($fields as [$name, $label, $input]) {
    echo '<tr><td class="adm-filter-item-left"><label for="' . $e($name) . '">' . $e($label) . '</label></td><td class="adm-filter-item-center">' . $input . '</td></tr>';
}
$filterControl->Buttons();
echo '<input type="submit" class="adm-btn" id="conduit_queue_find" value="' . $e(Loc::getMessage('CONDUIT_QUEUE_FIND')) . '"> <a class="adm-btn" href="' . $e(Ui::url('queue')) . '">' . $e(Loc::getMessage('CONDUIT_QUEUE_RESET')) . '</a>';
$filterControl->End();
echo '</form>';
echo '<p id="conduit-found"><b>' . $e(Ui::foundText($count, $more)) . '</b></p>';
if ($errorWindow !== null) {
    echo '<p class="conduit-hint" id="conduit-error-window">' . $e(Loc::getMessage('CONDUIT_QUEUE_ERROR_WINDOW', [
        '#N#' => number_format(Ui::TEXT_WINDOW, 0, '.', ' '), '#FROM#' => $errorWindow['from'], '#TO#' => $errorWindow['to'],
    ]));
    if ($errorWindow['older']) {
        echo ' <a href="' . $e(Ui::url('queue', ['f_before' => $errorWindow['from']] + $filterParams + ['set_filter' => 'Y'])) . '" id="conduit-error-older">' . $e(Loc::getMessage('CONDUIT_QUEUE_ERROR_OLDER', ['#N#' => number_format(Ui::TEXT_WINDOW, 0, '.', ' ')])) . '</a>';
    } else {
        echo ' ' . $e(Loc::getMessage('CONDUIT_QUEUE_ERROR_ALL'));
    }
    if ($f['before'] !== null) {
        $newest = $filterParams;
        unset($newest['f_before']);
        echo ' <a href="' . $e(Ui::url('queue', $newest + ['set_filter' => 'Y'])) . '" id="conduit-error-newest">' . $e(Loc::getMessage('CONDUIT_QUEUE_ERROR_NEWEST')) . '</a>';
    }
    echo '</p>';
}
// The list's group-action form posts conduit_action (the select is named "action" by the list).
echo '<script>function conduitRowAction(id, act){var f=document.forms["form_' . $tableId . '"];if(!f)return;var c=f.querySelectorAll(\'input[name="ID[]"]\');for(var i=0;i<c.length;i++){c[i].checked=(c[i].value==String(id));}var s=f.querySelector(\'select[name="action"]\');if(s)s.value=act;f.dataset.confirmed="1";f.requestSubmit?f.requestSubmit():f.submit();}'
    . 'document.addEventListener("submit",function(ev){var f=ev.target;if(f.name!=="form_' . $tableId . '")return;var s=f.querySelector(\'select[name="action"]\');if(!s||!s.value){ev.preventDefault();return;}var n=f.querySelectorAll(\'input[name="ID[]"]:checked\').length;if(n===0){ev.preventDefault();alert(' . json_encode(Loc::getMessage('CONDUIT_QUEUE_NONE_CHECKED'), JSON_UNESCAPED_UNICODE | JSON_HEX_TAG) . ');return;}if(s.value==="delete"&&f.dataset.confirmed!=="1"&&!confirm(' . json_encode(Loc::getMessage('CONDUIT_QUEUE_CONFIRM_DELETE_N'), JSON_UNESCAPED_UNICODE | JSON_HEX_TAG) . '.replace("#N#",n))){ev.preventDefault();return;}var h=document.createElement("input");h.type="hidden";h.name="conduit_action";h.value=s.value;f.appendChild(h);var c=document.createElement("input");c.type="hidden";c.name="conduit_confirmed";c.value="Y";f.appendChild(c);},true);</script>';
$list->DisplayList();
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
