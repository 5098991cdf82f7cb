<?php
/**
 * Dashboard: charts for the last hour / 24 h / 7 days (requests per minute, error rate,
 * average latency, queue depth), p50/p95 latency per endpoint (the engine's
 * RequestLog::stats()) and per connection, health cards (connections, agent, workers,
 * log writer) and "Run sync now" for the job types a site registered as manual
 * (Handlers::register(..., ['manual' => true])), with progress until the job ends.
 *
 * ?ajax=job&id=N (GET, right R): the job's state as JSON, for the progress box.
 * POST ajax=step (right W, sessid): when no worker is alive, runs one bounded queue pass
 * for that job's type — what the agent would do on the next hit — so a manual sync
 * progresses while the administrator watches.
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ORM\Fields\ExpressionField;
use Conduit\Integration\Admin\Chart;
use Conduit\Integration\Admin\Rollup;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Agent;
use Conduit\Integration\Handlers;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Orm\WorkerTable;
use Conduit\Integration\Queue\Processor;
use Conduit\Integration\Reason;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_before.php';
Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION, $USER;
$right = (string) $APPLICATION->GetGroupRight('conduit.integration');
if ($right < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_DASH_ACCESS_DENIED'));
}
Loader::includeModule('conduit.integration');
$request = Application::getInstance()->getContext()->getRequest();
$e = [Ui::class, 'e'];
$canWrite = $right >= 'W';
$nowMs = (int) (microtime(true) * 1000);

$liveWorkers = static function () use ($nowMs): int {
    return (int) WorkerTable::getCount(['=STATUS' => 'running', '>=HEARTBEAT_AT' => $nowMs - 60000]);
};
$jobState = static function (int $id): array {
    $job = QueueTable::getList(['select' => ['ID', 'TYPE', 'STATUS', 'ATTEMPTS', 'MAX_ATTEMPTS', 'CREATED_AT', 'STARTED_AT', 'FINISHED_AT', 'LAST_ERROR', 'RESULT'], 'filter' => ['=ID' => $id]])->fetch();
    if (!$job) {
        return ['id' => $id, 'status' => 'gone'];
    }
    $end = $job['FINISHED_AT'] !== null ? (int) $job['FINISHED_AT'] : (int) (microtime(true) * 1000);
    return [
        'id' => (int) $job['ID'], 'type' => (string) $job['TYPE'], 'status' => (string) $job['STATUS'],
        'status_text' => (string) Loc::getMessage('CONDUIT_DASH_JOB_' . strtoupper((string) $job['STATUS'])),
        'attempts' => (int) $job['ATTEMPTS'], 'max_attempts' => (int) $job['MAX_ATTEMPTS'],
        'elapsed_s' => round(($end - (int) $job['CREATED_AT']) / 1000, 1),
        'last_error' => $job['LAST_ERROR'] !== null ? mb_strimwidth(mb_scrub(Reason::text((string) $job['LAST_ERROR']), 'UTF-8'), 0, 300, '…') : null,
        'result' => $job['RESULT'] !== null ? mb_strimwidth(mb_scrub((string) $job['RESULT'], 'UTF-8'), 0, 300, '…') : null,
        'final' => in_array($job['STATUS'], ['done', 'failed'], true),
    ];
};

// ---- JSON endpoints --------------------------------------------------------------------------------
if ($request->getQuery('ajax') === 'job') {
    Ui::json($jobState((int) $request->getQuery('id')));
}
if ($request->isPost() && $request->getPost('ajax') === 'step') {
    if (!$canWrite || !check_bitrix_sessid()) {
        Ui::json(['error' => Loc::getMessage($canWrite ? 'CONDUIT_DASH_BAD_SESSID' : 'CONDUIT_DASH_READ_ONLY')], 403);
    }
    $state = $jobState((int) $request->getPost('id'));
    if ($state['status'] === 'pending' && $liveWorkers() === 0) {
        try {
            (new Processor('agent'))->run(microtime(true) + (float) Settings::get('agent_time_budget_s'), 1, [$state['type']]);
        } catch (\Throwable $ex) {
            Ui::json(['error' => $ex->getMessage()] + $jobState($state['id']), 500);
        }
        $state = $jobState($state['id']);
    }
    Ui::json($state);
}

// ---- Run sync now (POST, W, sessid) → redirect to the progress view -----------------------------------------
$manual = Handlers::manual();
$errors = [];
if ($request->isPost() && $request->getPost('run_manual') !== null) {
    $type = (string) $request->getPost('run_manual');
    if (!$canWrite) {
        $errors[] = Loc::getMessage('CONDUIT_DASH_READ_ONLY');
    } elseif (!check_bitrix_sessid()) {
        $errors[] = Loc::getMessage('CONDUIT_DASH_BAD_SESSID');
    } elseif (!isset($manual[$type])) {
        $errors[] = Loc::getMessage('CONDUIT_DASH_NOT_MANUAL');
    } else {
        try {
            $jobId = Services::queue()->push($type, ['manual' => true, 'requested_by' => is_object($USER) ? (int) $USER->GetID() : 0], ['dedupe_key' => 'manual:' . $type, 'max_attempts' => 1]);
            LocalRedirect(Ui::url('dashboard', ['range' => (string) $request->getQuery('range') ?: '1h', 'job' => $jobId]));
        } catch (\Throwable $ex) {
            $errors[] = $ex->getMessage();
        }
    }
}

// ---- data -------------------------------------------------------------------------------------------------
$ranges = ['1h' => [3600, 60], '24h' => [86400, 900], '7d' => [604800, 7200]];
$range = isset($ranges[(string) $request->getQuery('range')]) ? (string) $request->getQuery('range') : '1h';
[$window, $bucketS] = $ranges[$range];
$bucketMs = $bucketS * 1000;
$fromMs = intdiv($nowMs - $window * 1000, $bucketMs) * $bucketMs + $bucketMs;
$buckets = intdiv($nowMs - $fromMs, $bucketMs) + 1;
$labels = [];
for ($i = 0; $i < $buckets; $i++) {
    $t = intdiv($fromMs + $i * $bucketMs, 1000);
    $labels[] = date($window > 86400 ? 'd.m H:i' : 'H:i', $t);
}
$series = ['cnt' => array_fill(0, $buckets, 0), 'err' => array_fill(0, $buckets, 0), 'dur' => array_fill(0, $buckets, 0.0)];
// the charts read the per-minute rollup, brought up to date first (bounded: see Admin\Rollup)
// (the agent advances them on every run; this load adds only what arrived since)
$rollup = ['added' => 0, 'behind' => 0, 'last_id' => 0];
try {
    $rollup = Rollup::advance(Rollup::PAGE_LOAD_ROWS);
    $queueRollup = Rollup::advanceQueue(Rollup::PAGE_LOAD_ROWS);
    $rollup['behind'] += $queueRollup['behind'];
} catch (\Throwable $ex) {
    $errors[] = $ex->getMessage();
}
foreach (Rollup::series($fromMs, $bucketMs) as $i => [$cnt, $err, $dur]) {
    if ($i >= 0 && $i < $buckets) {
        $series['cnt'][$i] = $cnt;
        $series['err'][$i] = $err;
        $series['dur'][$i] = $dur;
    }
}
$perMinute = array_map(static fn ($c) => round($c / ($bucketS / 60), 2), $series['cnt']);
$errorRate = array_map(static fn ($c, $er) => $c > 0 ? round(100 * $er / $c, 1) : null, $series['cnt'], $series['err']);
$avgLatency = array_map(static fn ($c, $d) => $c > 0 ? round($d / $c, 1) : null, $series['cnt'], $series['dur']);
$total = array_sum($series['cnt']);
$totalErr = array_sum($series['err']);

// queue depth over time, rebuilt from the queue rollup's jobs created and finished per
// minute / hour: depth(t) = depth(now) − created after t + finished after t
$depthNow = (int) QueueTable::getCount(['@STATUS' => ['pending', 'running']]);
$created = array_fill(0, $buckets, 0);
$finished = array_fill(0, $buckets, 0);
foreach (Rollup::queueSeries($fromMs, $bucketMs) as $i => [$c, $fin]) {
    if ($i >= 0 && $i < $buckets) {
        $created[$i] = $c;
        $finished[$i] = $fin;
    }
}
$depth = array_fill(0, $buckets, 0);
$d = $depthNow;
for ($i = $buckets - 1; $i >= 0; $i--) {
    $depth[$i] = max(0, $d);
    $d = $d - $created[$i] + $finished[$i];
}
$oldest = QueueTable::getList(['select' => ['RUN_AT'], 'filter' => ['=STATUS' => 'pending', '<=RUN_AT' => $nowMs], 'order' => ['RUN_AT' => 'ASC'], 'limit' => 1])->fetch();
$oldestAge = $oldest ? ($nowMs - (int) $oldest['RUN_AT']) / 1000 : null;
$failedTotal = (int) QueueTable::getCount(['=STATUS' => 'failed']);

// per endpoint and per connection: from the rollup's latency histograms
$byEndpoint = Rollup::breakdown('ENDPOINT', $fromMs, 20);
$byConnection = Rollup::breakdown('CONNECTION', $fromMs, 50);
// health per connection: the last five minutes of the log itself (an indexed range)
$connections = [];
foreach (Settings::connections() as $name) {
    try {
        $base = rtrim((string) (Settings::connectionMasked($name)['base_url'] ?? ''), '/');
    } catch (\Throwable $ex) {
        continue;
    }
    $recent = RequestLogTable::getList([
        'select' => ['CNT', 'ERR'],
        'filter' => ['>=CREATED_AT' => $nowMs - 300000, '=%URL' => addcslashes($base, '%_\\') . '%'],
        'runtime' => [new ExpressionField('CNT', 'COUNT(*)'), new ExpressionField('ERR', 'SUM(CASE WHEN %s IS NULL OR %s >= 500 THEN 1 ELSE 0 END)', ['STATUS', 'STATUS'])],
    ])->fetch();
    $circuit = null;
    try {
        $circuit = Services::client($name)->getCircuitState();
    } catch (\Throwable $ex) {
    }
    $c = $byConnection[$name] ?? ['requests' => 0, 'errors' => 0, 'p50' => null, 'p95' => null];
    $connections[$name] = $c + ['base' => $base, 'recent' => (int) ($recent['CNT'] ?? 0), 'recent_err' => (int) ($recent['ERR'] ?? 0), 'circuit' => $circuit];
}
$lastRun = Agent::lastRun();
$workers = WorkerTable::getList(['select' => ['ID', 'HOST', 'PID', 'STATUS', 'STOP_REASON', 'HEARTBEAT_AT', 'JOBS_DONE', 'JOBS_FAILED', 'LAST_ERROR'], 'order' => ['HEARTBEAT_AT' => 'DESC'], 'limit' => 20])->fetchAll();
$writer = Services::requestLog()->writerStats();

// ---- page ---------------------------------------------------------------------------------------------------
$APPLICATION->SetTitle(Loc::getMessage('CONDUIT_DASH_TITLE'));
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
echo Ui::css();
foreach ($errors as $m) {
    echo Ui::message($m);
}
echo '<p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_DASH_HINT')) . '</p>';

// health cards
$card = static function (string $css, string $title, string $value, string $note, string $id) use ($e): string {
    return '<div class="conduit-card ' . $css . '" id="' . $e($id) . '"><small>' . $e($title) . '</small><b>' . $e($value) . '</b><small>' . $e($note) . '</small></div>';
};
echo '<h2>' . $e(Loc::getMessage('CONDUIT_DASH_HEALTH')) . '</h2><div class="conduit-cards">';
foreach ($connections as $name => $c) {
    $ratio = $c['recent'] > 0 ? $c['recent_err'] / $c['recent'] : 0.0;
    if ($c['circuit'] === 'open') {
        $css = 'conduit-bad';
        $value = Loc::getMessage('CONDUIT_DASH_CIRCUIT_OPEN');
    } elseif ($c['recent'] === 0) {
        $css = 'conduit-none';
        $value = Loc::getMessage('CONDUIT_DASH_CONN_IDLE');
    } else {
        $css = $ratio >= 0.5 ? 'conduit-bad' : ($ratio > 0.05 ? 'conduit-warn' : 'conduit-ok');
        $value = Loc::getMessage($ratio >= 0.5 ? 'CONDUIT_DASH_CONN_FAILING' : ($ratio > 0.05 ? 'CONDUIT_DASH_CONN_DEGRADED' : 'CONDUIT_DASH_CONN_OK'));
    }
    $note = Loc::getMessage('CONDUIT_DASH_CONN_NOTE', ['#N#' => $c['recent'], '#E#' => $c['recent_err']]) . ' ' . Loc::getMessage($c['circuit'] === null ? 'CONDUIT_DASH_CIRCUIT_NONE' : 'CONDUIT_DASH_CIRCUIT_DERIVED', ['#STATE#' => (string) $c['circuit']]);
    echo $card($css, Loc::getMessage('CONDUIT_DASH_CONNECTION', ['#NAME#' => $name]), $value, $note, 'conduit-card-conn-' . preg_replace('/[^a-z0-9_]/', '_', $name));
}
if ($lastRun === null) {
    echo $card('conduit-warn', Loc::getMessage('CONDUIT_DASH_AGENT'), Loc::getMessage('CONDUIT_DASH_AGENT_NEVER'), Loc::getMessage('CONDUIT_DASH_AGENT_NEVER_NOTE'), 'conduit-card-agent');
} else {
    $age = microtime(true) - (float) ($lastRun['finished_at'] ?? $lastRun['started_at'] ?? 0);
    $late = $age > 3 * (int) Settings::get('agent_interval_s') + 60;
    $css = !empty($lastRun['error']) ? 'conduit-bad' : ($late ? 'conduit-warn' : 'conduit-ok');
    $note = !empty($lastRun['error']) ? (string) $lastRun['error'] : Loc::getMessage('CONDUIT_DASH_AGENT_NOTE', ['#MODE#' => $lastRun['mode'] ?? '', '#S#' => $lastRun['duration_s'] ?? '', '#N#' => Processor::processed($lastRun + Processor::emptyCounts())]);
    echo $card($css, Loc::getMessage('CONDUIT_DASH_AGENT'), Loc::getMessage('CONDUIT_DASH_AGO', ['#AGE#' => Ui::age($age)]), mb_strimwidth($note, 0, 160, '…'), 'conduit-card-agent');
}
$alive = 0;
$dead = 0;
foreach ($workers as $w) {
    if ($w['STATUS'] === 'running') {
        ((int) $w['HEARTBEAT_AT'] >= $nowMs - 60000) ? $alive++ : $dead++;
    }
}
$latest = $workers[0] ?? null;
echo $card($dead > 0 ? 'conduit-bad' : ($alive > 0 ? 'conduit-ok' : 'conduit-none'), Loc::getMessage('CONDUIT_DASH_WORKERS'),
    Loc::getMessage('CONDUIT_DASH_WORKERS_VALUE', ['#N#' => $alive]),
    $dead > 0 ? Loc::getMessage('CONDUIT_DASH_WORKERS_DEAD', ['#N#' => $dead]) : ($latest ? Loc::getMessage('CONDUIT_DASH_WORKERS_BEAT', ['#AGE#' => Ui::age(($nowMs - (int) $latest['HEARTBEAT_AT']) / 1000)]) : Loc::getMessage('CONDUIT_DASH_WORKERS_NONE')), 'conduit-card-workers');
echo $card((int) $writer['dropped'] > 0 || $writer['unreachable_since'] !== null ? 'conduit-bad' : 'conduit-ok', Loc::getMessage('CONDUIT_DASH_WRITER'),
    Loc::getMessage('CONDUIT_DASH_WRITER_VALUE', ['#N#' => (int) $writer['dropped']]), Loc::getMessage('CONDUIT_DASH_WRITER_NOTE', ['#W#' => (int) $writer['written'], '#E#' => (int) $writer['write_errors']]), 'conduit-card-writer');
echo $card($failedTotal > 0 ? 'conduit-bad' : 'conduit-ok', Loc::getMessage('CONDUIT_DASH_FAILED'), number_format($failedTotal, 0, '.', ' '), Loc::getMessage($failedTotal > 0 ? 'CONDUIT_DASH_FAILED_NOTE' : 'CONDUIT_DASH_FAILED_NONE'), 'conduit-card-failed');
echo $card($oldestAge !== null && $oldestAge > 600 ? 'conduit-bad' : ($oldestAge !== null && $oldestAge > 120 ? 'conduit-warn' : 'conduit-ok'), Loc::getMessage('CONDUIT_DASH_BACKLOG'),
    number_format($depthNow, 0, '.', ' '), $oldestAge === null ? Loc::getMessage('CONDUIT_DASH_NONE_OVERDUE') : Loc::getMessage('CONDUIT_DASH_OLDEST', ['#AGE#' => Ui::age($oldestAge)]), 'conduit-card-backlog');
echo '</div>';

// manual sync
if ($manual !== []) {
    echo '<h2>' . $e(Loc::getMessage('CONDUIT_DASH_MANUAL')) . '</h2><p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_DASH_MANUAL_HINT')) . '</p>';
    echo '<form method="post" action="' . $e(Ui::url('dashboard', ['range' => $range])) . '">' . bitrix_sessid_post();
    foreach ($manual as $type => $title) {
        echo '<button type="submit" class="adm-btn adm-btn-save" name="run_manual" value="' . $e($type) . '" data-type="' . $e($type) . '"' . ($canWrite ? '' : ' disabled title="' . $e(Loc::getMessage('CONDUIT_DASH_READ_ONLY')) . '"') . '>' . $e(Loc::getMessage('CONDUIT_DASH_RUN', ['#TITLE#' => $title])) . '</button> ';
    }
    echo '</form>';
    $jobId = (int) $request->getQuery('job');
    if ($jobId > 0) {
        $state = $jobState($jobId);
        echo '<div class="adm-info-message-wrap adm-info-message-gray" id="conduit-progress" data-job="' . $jobId . '"><div class="adm-info-message">'
            . '<div class="adm-info-message-title">' . $e(Loc::getMessage('CONDUIT_DASH_PROGRESS', ['#ID#' => $jobId, '#TYPE#' => $state['type'] ?? ''])) . '</div>'
            . '<span id="conduit-progress-status">' . $e($state['status_text'] ?? $state['status']) . '</span> · <span id="conduit-progress-elapsed">' . $e(($state['elapsed_s'] ?? 0) . ' s') . '</span>'
            . ' · <a href="' . $e(Ui::url('queue', ['id' => $jobId])) . '">' . $e(Loc::getMessage('CONDUIT_DASH_OPEN_JOB')) . '</a>'
            . '<div id="conduit-progress-detail"></div></div></div>';
        $step = $canWrite ? 'true' : 'false';
        echo '<script>(function(){var box=document.getElementById("conduit-progress"),id=box.getAttribute("data-job"),sessid=' . json_encode(bitrix_sessid()) . ',step=' . $step . ',url=' . json_encode(Ui::url('dashboard')) . ';'
            . 'function show(s){document.getElementById("conduit-progress-status").textContent=s.status_text||s.status;document.getElementById("conduit-progress-elapsed").textContent=(s.elapsed_s||0)+" s";'
            . 'var d=document.getElementById("conduit-progress-detail");d.textContent=s.final?(s.status==="done"?(s.result?' . json_encode(Loc::getMessage('CONDUIT_DASH_RESULT')) . '+s.result:""):(s.last_error||"")):"";'
            . 'if(s.final){box.className="adm-info-message-wrap "+(s.status==="done"?"adm-info-message-green":"adm-info-message-red");box.setAttribute("data-final",s.status);}}'
            . 'function tick(){var req;if(step){var b=new URLSearchParams();b.set("ajax","step");b.set("id",id);b.set("sessid",sessid);req=fetch(url,{method:"POST",body:b,credentials:"same-origin"});}else{req=fetch(url+"&ajax=job&id="+encodeURIComponent(id),{credentials:"same-origin"});}'
            . 'req.then(function(r){return r.json();}).then(function(s){show(s);if(!s.final&&s.status!=="gone")setTimeout(tick,1000);}).catch(function(){setTimeout(tick,3000);});}'
            . 'if(box.getAttribute("data-final")===null)setTimeout(tick,300);})();</script>';
    }
}

// range switch + charts
echo '<h2>' . $e(Loc::getMessage('CONDUIT_DASH_TRAFFIC')) . '</h2><div class="adm-list-table-top">';
foreach (array_keys($ranges) as $r) {
    echo $r === $range ? '<span class="adm-btn adm-btn-active" style="font-weight:bold">' . $e(Loc::getMessage('CONDUIT_DASH_RANGE_' . strtoupper($r))) . '</span> ' : '<a class="adm-btn" href="' . $e(Ui::url('dashboard', ['range' => $r])) . '" id="conduit-range-' . $r . '">' . $e(Loc::getMessage('CONDUIT_DASH_RANGE_' . strtoupper($r))) . '</a> ';
}
echo '</div><p id="conduit-totals"><b>' . $e(Loc::getMessage('CONDUIT_DASH_TOTALS', ['#N#' => number_format($total, 0, '.', ' '), '#E#' => number_format($totalErr, 0, '.', ' '), '#R#' => $total > 0 ? round(100 * $totalErr / $total, 1) : 0, '#B#' => Ui::age($bucketS)])) . '</b></p>';
if ($rollup['behind'] > 0) {
    echo '<p class="conduit-hint" id="conduit-rollup-behind">' . $e(Loc::getMessage('CONDUIT_DASH_ROLLUP_BEHIND', ['#N#' => number_format($rollup['behind'], 0, '.', ' ')])) . '</p>';
}
echo Chart::render('conduit-chart-rpm', Loc::getMessage('CONDUIT_DASH_CHART_RPM'), $labels, $perMinute, Loc::getMessage('CONDUIT_DASH_UNIT_RPM'));
echo Chart::render('conduit-chart-errors', Loc::getMessage('CONDUIT_DASH_CHART_ERRORS'), $labels, $errorRate, '%', 'line', '#d03030', 100.0);
echo Chart::render('conduit-chart-latency', Loc::getMessage('CONDUIT_DASH_CHART_LATENCY'), $labels, $avgLatency, 'ms', 'line', '#7b4fd0');
echo Chart::render('conduit-chart-depth', Loc::getMessage('CONDUIT_DASH_CHART_DEPTH'), $labels, $depth, Loc::getMessage('CONDUIT_DASH_UNIT_JOBS'), 'line', '#e08000');

// latency tables
$fmtMs = static fn ($v) => $v === null ? '—' : number_format((float) $v, 1, '.', ' ');
echo '<h2>' . $e(Loc::getMessage('CONDUIT_DASH_BY_CONNECTION')) . '</h2><table class="adm-list-table" id="conduit-by-connection" style="width:auto"><tr class="adm-list-table-header">';
foreach (['CONDUIT_DASH_COL_CONNECTION', 'CONDUIT_DASH_COL_REQUESTS', 'CONDUIT_DASH_COL_ERRORS', 'CONDUIT_DASH_COL_P50', 'CONDUIT_DASH_COL_P95'] as $h) {
    echo '<td class="adm-list-table-cell">' . $e(Loc::getMessage($h)) . '</td>';
}
echo '</tr>';
foreach ($connections as $name => $c) {
    echo '<tr class="adm-list-table-row"><td class="adm-list-table-cell"><a href="' . $e(Ui::url('log', ['set_filter' => 'Y', 'f_connection' => $name])) . '">' . $e($name) . '</a></td><td class="adm-list-table-cell" align="right">' . $e($c['requests']) . '</td><td class="adm-list-table-cell" align="right">' . $e($c['errors']) . ($c['requests'] > 0 ? ' (' . round(100 * $c['errors'] / $c['requests'], 1) . '%)' : '') . '</td><td class="adm-list-table-cell" align="right">' . $e($fmtMs($c['p50'])) . '</td><td class="adm-list-table-cell" align="right">' . $e($fmtMs($c['p95'])) . '</td></tr>';
}
echo '</table><p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_DASH_BY_CONNECTION_NOTE')) . '</p>';
echo '<h2>' . $e(Loc::getMessage('CONDUIT_DASH_BY_ENDPOINT')) . '</h2><table class="adm-list-table" id="conduit-by-endpoint" style="width:auto"><tr class="adm-list-table-header">';
foreach (['CONDUIT_DASH_COL_ENDPOINT', 'CONDUIT_DASH_COL_REQUESTS', 'CONDUIT_DASH_COL_ERRORS', 'CONDUIT_DASH_COL_P50', 'CONDUIT_DASH_COL_P95'] as $h) {
    echo '<td class="adm-list-table-cell">' . $e(Loc::getMessage($h)) . '</td>';
}
echo '</tr>';
$endpoints = $byEndpoint;
if ($endpoints === []) {
    echo '<tr><td class="adm-list-table-cell" colspan="5">' . $e(Loc::getMessage('CONDUIT_DASH_NO_TRAFFIC')) . '</td></tr>';
}
foreach ($endpoints as $key => $ep) {
    $name = (string) $key;
    $req = $ep['requests'];
    $err = $ep['errors'];
    echo '<tr class="adm-list-table-row"><td class="adm-list-table-cell"><a href="' . $e(Ui::url('log', ['set_filter' => 'Y', 'f_endpoint' => $name])) . '">' . $e(mb_strimwidth(mb_scrub($name, 'UTF-8'), 0, 80, '…')) . '</a></td><td class="adm-list-table-cell" align="right">' . $e($req) . '</td><td class="adm-list-table-cell" align="right">' . $e($err) . ($req > 0 ? ' (' . round(100 * $err / $req, 1) . '%)' : '') . '</td><td class="adm-list-table-cell" align="right">' . $e($fmtMs($ep['p50'])) . '</td><td class="adm-list-table-cell" align="right">' . $e($fmtMs($ep['p95'])) . '</td></tr>';
}
echo '</table>';
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
