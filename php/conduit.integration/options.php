<?php
/**
 * Settings page: /bitrix/admin/settings.php?mid=conduit.integration
 *
 * Tabs: connections (add, edit, remove, test), queue and agents (with the cron line),
 * webhooks (sources and their public URLs), logging, access rights (Bitrix's standard
 * group_rights.php). Needs right "R" to see, "W" to change or test. Every change is a POST
 * checked with check_bitrix_sessid(); every value shown is escaped; secrets are
 * write-only (the page shows when one was set, never the value). Validation is
 * Conduit\Integration\Settings'.
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Admin\ConnectionForm;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Exception\ModuleException;
use Conduit\Integration\Security\Secret;
use Conduit\Integration\Settings;

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

/** @var CMain $APPLICATION */
global $APPLICATION;

Loc::loadMessages(__FILE__);

$module_id = 'conduit.integration';
$RIGHT = $APPLICATION->GetGroupRight($module_id);
if ($RIGHT < 'R') {
    $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_OPT_ACCESS_DENIED'));
    return;
}
if (!Loader::includeModule($module_id)) {
    echo '<p>' . htmlspecialcharsbx(Loc::getMessage('CONDUIT_OPT_NOT_INSTALLED')) . '</p>';
    return;
}

$request = Application::getInstance()->getContext()->getRequest();
$e = [Ui::class, 'e'];
$errors = [];
$notes = [];
$probe = null;
$editConnection = null;   // name whose editor is open (prefilled)
$postedConnection = null; // posted editor values to show again after a refused save (never secrets)
$editWebhook = null;
$postedWebhook = null;
$canWrite = $RIGHT >= 'W';

if ($request->isPost() && $canWrite && check_bitrix_sessid()) {
    try {
        // The tab control's footer Save (`Update`, the Bitrix convention) saves every
        // setting of every tab; the standard rights tab saves its rights on the same
        // POST. The connection and webhook editors have buttons of their own.
        if ($request->getPost('Update') !== null) {
            $values = [];
            foreach (Settings::DEFINITIONS as $name => $definition) {
                $posted = $request->getPost('opt_' . $name);
                if ($definition['type'] === Settings::TYPE_BOOL) {
                    $values[$name] = $posted === 'Y' ? 'Y' : 'N';
                } elseif ($posted !== null) {
                    $values[$name] = (string) $posted;
                }
            }
            Settings::setMany($values);
            $notes[] = Loc::getMessage('CONDUIT_OPT_SAVED');
        } elseif ($request->getPost('save_connection') !== null) {
            $name = trim((string) $request->getPost('conn_name'));
            $editConnection = $name;
            $postedConnection = [];
            foreach (array_merge(['conn_base_url', 'conn_auth_type', 'conn_auth_name', 'conn_headers', 'conn_ca_file'], ConnectionForm::numberFields()) as $field) {
                $postedConnection[$field] = (string) $request->getPost($field);
            }
            $postedConnection['conn_verify_tls'] = $request->getPost('conn_verify_tls') === 'Y' ? 'Y' : 'N';
            $existing = Settings::hasConnection($name) ? Settings::connectionMasked($name) : [];
            Settings::saveConnection($name, ConnectionForm::fromPost($request, $existing));
            $notes[] = Loc::getMessage('CONDUIT_OPT_CONNECTION_SAVED', ['#NAME#' => $name]);
            $editConnection = null;
            $postedConnection = null;
        } elseif ($request->getPost('delete_connection') !== null) {
            $name = (string) $request->getPost('delete_connection');
            Settings::deleteConnection($name);
            $notes[] = Loc::getMessage('CONDUIT_OPT_CONNECTION_DELETED', ['#NAME#' => $name]);
        } elseif ($request->getPost('test_connection') !== null) {
            $name = (string) $request->getPost('test_connection');
            $path = trim((string) $request->getPost('probe_path_' . preg_replace('/[^a-z0-9_]/', '_', $name)));
            $probe = ['name' => $name] + ConnectionForm::probe($name, $path !== '' ? $path : '/');
        } elseif ($request->getPost('save_webhook') !== null) {
            $name = trim((string) $request->getPost('wh_name'));
            $editWebhook = $name;
            $postedWebhook = ['wh_scheme' => (string) $request->getPost('wh_scheme'), 'wh_tolerance_s' => (string) $request->getPost('wh_tolerance_s'), 'wh_job_type' => (string) $request->getPost('wh_job_type')];
            $config = ['scheme' => (string) $request->getPost('wh_scheme')];
            $secret = trim((string) $request->getPost('wh_secret'));
            $config['secrets'] = $secret !== '' ? array_values(array_filter(array_map('trim', preg_split('/\R/', $secret) ?: []), 'strlen')) : (Settings::hasWebhookSource($name) ? Secret::Keep : []);
            $tolerance = trim((string) $request->getPost('wh_tolerance_s'));
            if ($tolerance !== '') {
                $config['tolerance_s'] = ctype_digit($tolerance) ? (int) $tolerance : $tolerance;
            }
            $jobType = trim((string) $request->getPost('wh_job_type'));
            if ($jobType !== '') {
                $config['job_type'] = $jobType;
            }
            Settings::saveWebhookSource($name, $config);
            $notes[] = Loc::getMessage('CONDUIT_OPT_WEBHOOK_SAVED', ['#NAME#' => $name]);
            $editWebhook = null;
            $postedWebhook = null;
        } elseif ($request->getPost('delete_webhook') !== null) {
            $name = (string) $request->getPost('delete_webhook');
            Settings::deleteWebhookSource($name);
            $notes[] = Loc::getMessage('CONDUIT_OPT_WEBHOOK_DELETED', ['#NAME#' => $name]);
        }
    } catch (ModuleException $ex) {
        $errors[] = $ex->getMessage();
    } catch (\Conduit\ConfigException $ex) {
        $errors[] = $ex->getMessage();
    }
} elseif ($request->isPost()) {
    $errors[] = Loc::getMessage($canWrite ? 'CONDUIT_OPT_BAD_SESSID' : 'CONDUIT_OPT_READ_ONLY');
}
if ($editConnection === null && is_string($request->getQuery('edit_connection')) && Settings::hasConnection($request->getQuery('edit_connection'))) {
    $editConnection = $request->getQuery('edit_connection');
}
if ($editWebhook === null && is_string($request->getQuery('edit_webhook')) && Settings::hasWebhookSource($request->getQuery('edit_webhook'))) {
    $editWebhook = $request->getQuery('edit_webhook');
}

$tabs = [
    ['DIV' => 'conduit_connections', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_CONNECTIONS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_CONNECTIONS_TITLE')],
    ['DIV' => 'conduit_queue', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_QUEUE'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_QUEUE_TITLE')],
    ['DIV' => 'conduit_webhooks', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_WEBHOOKS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_WEBHOOKS_TITLE')],
    ['DIV' => 'conduit_logging', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_LOGGING'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_LOGGING_TITLE')],
];
$rightsFile = $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/group_rights.php';
if (is_file($rightsFile)) {
    $tabs[] = ['DIV' => 'conduit_rights', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_RIGHTS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_RIGHTS_TITLE')];
}
$tabControl = new CAdminTabControl('conduit_options', $tabs);
$action = $APPLICATION->GetCurPage() . '?mid=' . urlencode($module_id) . '&lang=' . urlencode(LANGUAGE_ID);
$disabled = $canWrite ? '' : ' disabled';

echo Ui::css();
foreach ($errors as $message) {
    echo '<div class="adm-info-message-wrap adm-info-message-red"><div class="adm-info-message">' . nl2br($e($message)) . '</div></div>';
}
foreach ($notes as $message) {
    echo '<div class="adm-info-message-wrap adm-info-message-green"><div class="adm-info-message">' . $e($message) . '</div></div>';
}
if ($probe !== null) {
    $ok = $probe['ok'];
    echo '<div class="adm-info-message-wrap ' . ($ok ? 'adm-info-message-green' : 'adm-info-message-red') . '" id="conduit-probe"><div class="adm-info-message">'
        . '<div class="adm-info-message-title">' . $e(Loc::getMessage($ok ? 'CONDUIT_OPT_PROBE_OK' : 'CONDUIT_OPT_PROBE_FAILED', ['#NAME#' => $probe['name']])) . '</div>'
        . '<table class="conduit-kv">'
        . '<tr><td>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_URL')) . '</td><td>GET ' . $e($probe['url']) . '</td></tr>'
        . '<tr><td>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_STATUS')) . '</td><td id="conduit-probe-status">' . $e($probe['status'] ?? Loc::getMessage('CONDUIT_OPT_PROBE_NO_ANSWER')) . '</td></tr>'
        . '<tr><td>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_LATENCY')) . '</td><td>' . $e($probe['latency_ms']) . ' ms</td></tr>'
        . '<tr><td>TLS</td><td>' . $e($probe['tls']) . '</td></tr>'
        . ($probe['error'] !== null ? '<tr><td>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_ERROR')) . '</td><td><code>' . $e($probe['error']) . '</code></td></tr>' : '')
        . '<tr><td>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_MEANING')) . '</td><td id="conduit-probe-meaning"><b>' . $e($probe['meaning']) . '</b></td></tr>'
        . '</table></div></div>';
}
$defaults = Settings::defaults();
$values = Settings::all();

$settingRows = static function (array $names) use ($e, $values, $defaults, $disabled): void {
    foreach ($names as $name) {
        $definition = Settings::DEFINITIONS[$name];
        $value = $values[$name];
        $field = 'opt_' . $name;
        $hint = match ($definition['type']) {
            Settings::TYPE_INT, Settings::TYPE_FLOAT => Loc::getMessage('CONDUIT_OPT_RANGE', ['#MIN#' => $definition['min'], '#MAX#' => $definition['max'], '#DEFAULT#' => $defaults[$name] ?? '']),
            default => Loc::getMessage('CONDUIT_OPT_DEFAULT', ['#DEFAULT#' => ($defaults[$name] ?? '') === '' ? '—' : $defaults[$name]]),
        };
        echo '<tr><td width="40%" class="adm-detail-content-cell-l"><label for="' . $e($field) . '">' . $e(Loc::getMessage('CONDUIT_OPT_' . strtoupper($name)) ?? $name) . '</label><br><small>' . $e($hint) . '</small></td><td width="60%" class="adm-detail-content-cell-r">';
        switch ($definition['type']) {
            case Settings::TYPE_BOOL:
                echo '<input type="checkbox" id="' . $e($field) . '" name="' . $e($field) . '" value="Y"' . ($value ? ' checked' : '') . $disabled . '>';
                break;
            case Settings::TYPE_ENUM:
                echo '<select id="' . $e($field) . '" name="' . $e($field) . '"' . $disabled . '>';
                foreach ($definition['values'] as $option) {
                    echo '<option value="' . $e($option) . '"' . ($option === $value ? ' selected' : '') . '>' . $e(Loc::getMessage('CONDUIT_OPT_' . strtoupper($name) . '_' . strtoupper($option)) ?? $option) . '</option>';
                }
                echo '</select>';
                break;
            case Settings::TYPE_LIST:
                echo '<input type="text" size="50" id="' . $e($field) . '" name="' . $e($field) . '" value="' . $e(implode(', ', $value)) . '"' . $disabled . '>';
                break;
            default:
                echo '<input type="text" size="' . ($definition['type'] === Settings::TYPE_STRING ? 50 : 10) . '" id="' . $e($field) . '" name="' . $e($field) . '" value="' . $e(is_float($value) ? rtrim(rtrim(sprintf('%.3F', $value), '0'), '.') : $value) . '"' . $disabled . '>';
        }
        echo '</td></tr>';
    }
};
$row = static function (string $label, string $input, string $hint = '') use ($e): void {
    echo '<tr><td width="40%" class="adm-detail-content-cell-l">' . $e($label) . ($hint !== '' ? '<br><small>' . $e($hint) . '</small>' : '') . '</td><td width="60%" class="adm-detail-content-cell-r">' . $input . '</td></tr>';
};
$webhookUrl = static function (string $source) use ($values): string {
    $base = rtrim((string) $values['public_base_url'], '/');
    if ($base === '') {
        $server = Application::getInstance()->getContext()->getServer();
        $host = (string) $server->getHttpHost();
        $base = ($host !== '' ? (Application::getInstance()->getContext()->getRequest()->isHttps() ? 'https://' : 'http://') . $host : 'https://<your site>');
    }
    return $base . '/bitrix/tools/conduit.integration/webhook.php?source=' . rawurlencode($source);
};
?>
<form method="post" action="<?= $e($action) ?>" name="conduit_options_form">
<?= bitrix_sessid_post() ?>
<?php
$tabControl->Begin();

// ---- connections ---------------------------------------------------------------------------------
$tabControl->BeginNextTab();
$connections = Settings::connections();
echo '<tr><td colspan="2"><p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTIONS_HINT')) . '</p></td></tr>';
echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTIONS_LIST')) . '</td></tr>';
if ($connections === []) {
    echo '<tr><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTIONS_NONE')) . '</td></tr>';
}
foreach ($connections as $name) {
    $slug = preg_replace('/[^a-z0-9_]/', '_', $name);
    try {
        $masked = Settings::connectionMasked($name);
        $secretText = [];
        foreach (Settings::connectionSecrets($name) as $path => $setAt) {
            $secretText[] = Loc::getMessage('CONDUIT_OPT_SECRET_SET', ['#FIELD#' => $path, '#DATE#' => $setAt->toString()]);
        }
        echo '<tr id="conduit-connection-' . $e($slug) . '"><td class="adm-detail-content-cell-l"><b>' . $e($name) . '</b></td><td class="adm-detail-content-cell-r">' . $e($masked['base_url'] ?? '') . ' · ' . $e(Loc::getMessage('CONDUIT_OPT_AUTH_' . strtoupper((string) ($masked['auth']['type'] ?? 'none'))) ?? ($masked['auth']['type'] ?? ''))
            . ($secretText ? '<br><small>' . $e(implode('; ', $secretText)) . '</small>' : '');
        if ($canWrite) {
            echo '<br><a class="adm-btn" href="' . $e($action . '&edit_connection=' . rawurlencode($name) . '&conduit_options_active_tab=conduit_connections') . '">' . $e(Loc::getMessage('CONDUIT_OPT_EDIT')) . '</a> ';
            echo '<button type="submit" class="adm-btn" name="test_connection" value="' . $e($name) . '" id="conduit-test-' . $e($slug) . '">' . $e(Loc::getMessage('CONDUIT_OPT_TEST')) . '</button> ';
            echo '<label><small>' . $e(Loc::getMessage('CONDUIT_OPT_PROBE_PATH')) . '</small> <input type="text" name="probe_path_' . $e($slug) . '" value="/" size="12"></label> ';
            echo '<button type="submit" class="adm-btn" name="delete_connection" value="' . $e($name) . '" onclick="return confirm(' . $e(json_encode(Loc::getMessage('CONDUIT_OPT_CONFIRM_DELETE_CONNECTION', ['#NAME#' => $name]), JSON_UNESCAPED_UNICODE)) . ')">' . $e(Loc::getMessage('CONDUIT_OPT_DELETE')) . '</button>';
        }
        echo '</td></tr>';
    } catch (ModuleException $ex) {
        echo '<tr><td><b>' . $e($name) . '</b></td><td>' . $e($ex->getMessage()) . '</td></tr>';
    }
}
if ($canWrite) {
    $masked = $editConnection !== null && Settings::hasConnection($editConnection) ? Settings::connectionMasked($editConnection) : [];
    $secrets = $editConnection !== null && Settings::hasConnection($editConnection) ? Settings::connectionSecrets($editConnection) : [];
    $v = $postedConnection ?? ConnectionForm::values($masked);
    $v += ['conn_auth_type' => 'none', 'conn_verify_tls' => 'Y'];
    $val = static fn (string $k): string => $e($v[$k] ?? '');
    echo '<tr class="heading"><td colspan="2" id="conduit-connection-editor">' . $e($editConnection !== null ? Loc::getMessage('CONDUIT_OPT_CONNECTION_EDITING', ['#NAME#' => $editConnection]) : Loc::getMessage('CONDUIT_OPT_CONNECTION_EDIT')) . '</td></tr>';
    $row(Loc::getMessage('CONDUIT_OPT_CONN_NAME'), '<input type="text" name="conn_name" value="' . $e($editConnection ?? ($connections === [] ? 'default' : '')) . '" size="30" maxlength="40">', Loc::getMessage('CONDUIT_OPT_CONN_NAME_HINT'));
    $row(Loc::getMessage('CONDUIT_OPT_CONN_BASE_URL'), '<input type="text" name="conn_base_url" value="' . $val('conn_base_url') . '" size="50" placeholder="https://erp.example.com/api/v2">');
    $types = '';
    foreach (['none', 'bearer', 'basic', 'header', 'query'] as $type) {
        $types .= '<option value="' . $e($type) . '"' . ($v['conn_auth_type'] === $type ? ' selected' : '') . '>' . $e(Loc::getMessage('CONDUIT_OPT_AUTH_' . strtoupper($type))) . '</option>';
    }
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_TYPE'), '<select name="conn_auth_type">' . $types . '</select>');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_NAME'), '<input type="text" name="conn_auth_name" value="' . $val('conn_auth_name') . '" size="30">');
    $authSet = $secrets['auth/token'] ?? $secrets['auth/password'] ?? $secrets['auth/value'] ?? null;
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_SECRET'), ($authSet ? '<div id="conduit-secret-set">' . $e(Loc::getMessage('CONDUIT_OPT_SECRET_SET_ON', ['#DATE#' => $authSet->toString()])) . '</div>' : '')
        . '<input type="password" name="conn_auth_secret" value="" size="30" autocomplete="new-password" placeholder="' . $e(Loc::getMessage($authSet ? 'CONDUIT_OPT_SECRET_REPLACE' : 'CONDUIT_OPT_SECRET_ENTER')) . '">');
    echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONN_RELIABILITY')) . '</td></tr>';
    $num = static fn (string $field, string $placeholder): string => '<input type="text" name="' . $field . '" value="' . $val($field) . '" size="8" placeholder="' . $e($placeholder) . '">';
    $row(Loc::getMessage('CONDUIT_OPT_CONN_TIMEOUT'), $num('conn_timeout', '30') . ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_CONNECT_TIMEOUT')) . ' ' . $num('conn_connect_timeout', '10'));
    $row(Loc::getMessage('CONDUIT_OPT_CONN_MAX_ATTEMPTS'), $num('conn_max_attempts', '3') . ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_DELAYS')) . ' ' . $num('conn_base_delay_ms', '200') . ' – ' . $num('conn_max_delay_ms', '30000') . ' ms');
    $scope = static function (string $field) use ($e, $v): string {
        $html = ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_SCOPE')) . ' <select name="' . $field . '">';
        foreach (['process', 'host', 'store'] as $s) {
            $html .= '<option value="' . $s . '"' . (($v[$field] ?? 'process') === $s ? ' selected' : '') . '>' . $e(Loc::getMessage('CONDUIT_OPT_CONN_SCOPE_' . strtoupper($s))) . '</option>';
        }
        return $html . '</select>';
    };
    $row(Loc::getMessage('CONDUIT_OPT_CONN_RATE'), $num('conn_rate_per_second', '—') . ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_BURST')) . ' ' . $num('conn_rate_burst', '1') . $scope('conn_rate_scope'), Loc::getMessage('CONDUIT_OPT_CONN_RATE_HINT') . '. ' . Loc::getMessage('CONDUIT_OPT_CONN_SCOPE_HINT'));
    $row(Loc::getMessage('CONDUIT_OPT_CONN_BREAKER'), $e(Loc::getMessage('CONDUIT_OPT_CONN_CB_RATIO')) . ' ' . $num('conn_cb_failure_ratio', '0.5') . ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_CB_MIN')) . ' ' . $num('conn_cb_min_calls', '20') . '<br>' . $e(Loc::getMessage('CONDUIT_OPT_CONN_CB_WINDOW')) . ' ' . $num('conn_cb_window_s', '60') . ' ' . $e(Loc::getMessage('CONDUIT_OPT_CONN_CB_OPEN')) . ' ' . $num('conn_cb_open_s', '30') . $scope('conn_cb_scope'), Loc::getMessage('CONDUIT_OPT_CONN_BREAKER_HINT'));
    echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONN_TRANSPORT')) . '</td></tr>';
    $row(Loc::getMessage('CONDUIT_OPT_CONN_HEADERS'), '<textarea name="conn_headers" rows="3" cols="50" placeholder="X-Shop-Id: 42">' . $val('conn_headers') . '</textarea>', Loc::getMessage('CONDUIT_OPT_CONN_HEADERS_HINT', ['#KEEP#' => ConnectionForm::KEEP]));
    $row(Loc::getMessage('CONDUIT_OPT_CONN_VERIFY_TLS'), '<input type="hidden" name="conn_verify_tls_shown" value="Y"><input type="checkbox" name="conn_verify_tls" value="Y"' . ($v['conn_verify_tls'] !== 'N' ? ' checked' : '') . '>', Loc::getMessage('CONDUIT_OPT_CONN_VERIFY_TLS_HINT'));
    $row(Loc::getMessage('CONDUIT_OPT_CONN_CA_FILE'), '<input type="text" name="conn_ca_file" value="' . $val('conn_ca_file') . '" size="50" placeholder="/etc/ssl/erp-ca.pem">');
    $proxySet = $secrets['proxy'] ?? null;
    $row(Loc::getMessage('CONDUIT_OPT_CONN_PROXY'), ($proxySet ? '<div>' . $e(Loc::getMessage('CONDUIT_OPT_SECRET_SET_ON', ['#DATE#' => $proxySet->toString()])) . '</div>' : '') . '<input type="password" name="conn_proxy" value="" size="40" autocomplete="new-password" placeholder="http://user:pass@proxy:3128">');
    $row('', '<input type="submit" class="adm-btn-save" name="save_connection" value="' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTION_SAVE')) . '">' . ($editConnection !== null ? ' <a class="adm-btn" href="' . $e($action) . '">' . $e(Loc::getMessage('CONDUIT_OPT_CANCEL')) . '</a>' : ''));
}

// ---- queue and agents ---------------------------------------------------------------------------
$tabControl->BeginNextTab();
$settingRows(['agent_mode']);
$cronLine = '* * * * * /usr/bin/php -f ' . rtrim((string) $_SERVER['DOCUMENT_ROOT'], '/') . '/bitrix/modules/main/tools/cron_events.php';
$workerLine = 'sudo -u www-data php ' . rtrim((string) $_SERVER['DOCUMENT_ROOT'], '/') . getLocalPath('modules/' . $module_id) . '/bin/conduit worker --time-limit=3600';
echo '<tr><td colspan="2"><div class="conduit-hint" id="conduit-cron">'
    . ($values['agent_mode'] === 'cron'
        ? $e(Loc::getMessage('CONDUIT_OPT_CRON_HINT')) . '<pre class="conduit-pre">define(\'BX_CRONTAB_SUPPORT\', true); // bitrix/php_interface/dbconn.php' . "\n" . $e($cronLine) . '</pre>'
        : $e(Loc::getMessage('CONDUIT_OPT_HITS_HINT')))
    . $e(Loc::getMessage('CONDUIT_OPT_WORKER_HINT')) . '<pre class="conduit-pre">' . $e($workerLine) . '</pre></div></td></tr>';
$settingRows(['agent_time_budget_s', 'agent_cron_time_budget_s', 'agent_job_limit', 'agent_interval_s', 'delivery_concurrency', 'queue_max_attempts', 'queue_lease_s', 'queue_backoff_base_s', 'queue_backoff_max_s', 'queue_retention_days']);

// ---- webhooks ---------------------------------------------------------------------------------------
$tabControl->BeginNextTab();
$settingRows(['public_base_url']);
echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_WEBHOOK_SOURCES')) . '</td></tr>';
$sources = Settings::webhookSources();
if ($sources === []) {
    echo '<tr><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_WEBHOOK_NONE')) . '</td></tr>';
}
foreach ($sources as $source) {
    try {
        $config = Settings::webhookSource($source);
        $count = count((array) ($config['secrets'] ?? []));
        unset($config['secrets']); // never shown
        $dates = array_map(static fn ($d) => $d->toString(), Settings::webhookSecrets($source));
        $url = $webhookUrl($source);
        echo '<tr id="conduit-webhook-' . $e(preg_replace('/[^a-z0-9_]/', '_', $source)) . '"><td class="adm-detail-content-cell-l"><b>' . $e($source) . '</b></td><td class="adm-detail-content-cell-r">'
            . $e(Loc::getMessage('CONDUIT_OPT_WEBHOOK_ROW', ['#SCHEME#' => $config['scheme'] ?? 'standard', '#TOLERANCE#' => $config['tolerance_s'] ?? 300, '#JOB#' => $config['job_type'] ?? '', '#N#' => $count, '#DATES#' => implode(', ', $dates)]))
            . '<br><input type="text" readonly style="width:80%" class="conduit-webhook-url" value="' . $e($url) . '" onclick="this.select()"> <button type="button" class="adm-btn" onclick="var i=this.previousElementSibling;i.select();navigator.clipboard&&navigator.clipboard.writeText(i.value);">' . $e(Loc::getMessage('CONDUIT_OPT_COPY')) . '</button>';
        if ($canWrite) {
            echo ' <a class="adm-btn" href="' . $e($action . '&edit_webhook=' . rawurlencode($source) . '&conduit_options_active_tab=conduit_webhooks') . '">' . $e(Loc::getMessage('CONDUIT_OPT_EDIT')) . '</a> <button type="submit" class="adm-btn" name="delete_webhook" value="' . $e($source) . '" onclick="return confirm(' . $e(json_encode(Loc::getMessage('CONDUIT_OPT_CONFIRM_DELETE_WEBHOOK', ['#NAME#' => $source]), JSON_UNESCAPED_UNICODE)) . ')">' . $e(Loc::getMessage('CONDUIT_OPT_DELETE')) . '</button>';
        }
        echo '</td></tr>';
    } catch (ModuleException $ex) {
        echo '<tr><td><b>' . $e($source) . '</b></td><td>' . $e($ex->getMessage()) . '</td></tr>';
    }
}
if ($canWrite) {
    $wv = $postedWebhook ?? [];
    if ($postedWebhook === null && $editWebhook !== null) {
        $c = Settings::webhookSource($editWebhook);
        $wv = ['wh_scheme' => (string) ($c['scheme'] ?? 'standard'), 'wh_tolerance_s' => (string) ($c['tolerance_s'] ?? ''), 'wh_job_type' => (string) ($c['job_type'] ?? '')];
        unset($c);
    }
    $whDates = $editWebhook !== null && Settings::hasWebhookSource($editWebhook) ? Settings::webhookSecrets($editWebhook) : [];
    echo '<tr class="heading"><td colspan="2">' . $e($editWebhook !== null ? Loc::getMessage('CONDUIT_OPT_WEBHOOK_EDITING', ['#NAME#' => $editWebhook]) : Loc::getMessage('CONDUIT_OPT_WEBHOOK_EDIT')) . '</td></tr>';
    $row(Loc::getMessage('CONDUIT_OPT_WH_NAME'), '<input type="text" name="wh_name" value="' . $e($editWebhook ?? '') . '" size="30" maxlength="40" placeholder="erp">', Loc::getMessage('CONDUIT_OPT_WH_NAME_HINT'));
    $schemes = '';
    foreach (['standard', 'stripe', 'hmac'] as $s) {
        $schemes .= '<option value="' . $s . '"' . (($wv['wh_scheme'] ?? 'standard') === $s ? ' selected' : '') . '>' . $e(Loc::getMessage('CONDUIT_OPT_WH_SCHEME_' . strtoupper($s))) . '</option>';
    }
    $row(Loc::getMessage('CONDUIT_OPT_WH_SCHEME'), '<select name="wh_scheme">' . $schemes . '</select>');
    $row(Loc::getMessage('CONDUIT_OPT_WH_SECRET'), ($whDates ? '<div>' . $e(Loc::getMessage('CONDUIT_OPT_WH_SECRETS_SET', ['#N#' => count($whDates), '#DATES#' => implode(', ', array_map(static fn ($d) => $d->toString(), $whDates))])) . '</div>' : '')
        . '<textarea name="wh_secret" rows="2" cols="50" autocomplete="off" placeholder="' . $e(Loc::getMessage($whDates ? 'CONDUIT_OPT_SECRET_REPLACE' : 'CONDUIT_OPT_SECRET_ENTER')) . '"></textarea>', Loc::getMessage('CONDUIT_OPT_WH_SECRET_HINT'));
    $row(Loc::getMessage('CONDUIT_OPT_WH_TOLERANCE'), '<input type="text" name="wh_tolerance_s" value="' . $e($wv['wh_tolerance_s'] ?? '') . '" size="8" placeholder="300">');
    $row(Loc::getMessage('CONDUIT_OPT_WH_JOB_TYPE'), '<input type="text" name="wh_job_type" value="' . $e($wv['wh_job_type'] ?? '') . '" size="30" placeholder="webhook.erp">', Loc::getMessage('CONDUIT_OPT_WH_JOB_TYPE_HINT'));
    $row('', '<input type="submit" class="adm-btn-save" name="save_webhook" value="' . $e(Loc::getMessage('CONDUIT_OPT_WEBHOOK_SAVE')) . '">');
}
echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_WEBHOOK_LIMITS')) . '</td></tr>';
$settingRows(['webhook_max_body_bytes', 'webhook_dedupe_window_h', 'webhook_event_retention_days', 'webhook_retry_after_s']);

// ---- logging ------------------------------------------------------------------------------------------
$tabControl->BeginNextTab();
$settingRows(['log_enabled', 'log_retention_days', 'log_body_bytes', 'log_redact_fields']);
echo '<tr><td colspan="2"><p class="conduit-hint">' . $e(Loc::getMessage('CONDUIT_OPT_LOG_HINT')) . '</p></td></tr>';

if (is_file($rightsFile)) {
    $tabControl->BeginNextTab();
    require_once $rightsFile;
}
if ($canWrite) {
    $tabControl->Buttons();
    echo '<input type="submit" class="adm-btn-save" name="Update" value="' . $e(Loc::getMessage('CONDUIT_OPT_SAVE')) . '">';
}
$tabControl->End();
?>
</form>
<script>
// Enter in a field presses the button that saves that field. A browser would press
// the form's first submit button instead: the first connection's Test, which saves
// nothing and discards what was typed.
(function () {
    var form = document.forms['conduit_options_form'];
    if (!form) {
        return;
    }
    form.addEventListener('keydown', function (event) {
        var field = event.target;
        if (event.key !== 'Enter' || field.tagName !== 'INPUT' || field.type === 'submit' || field.type === 'button') {
            return;
        }
        event.preventDefault();
        if (field.readOnly || field.disabled) {
            return;
        }
        var name = field.name || '';
        var button;
        if (name.indexOf('conn_') === 0) {
            button = form.querySelector('[name=save_connection]');
        } else if (name.indexOf('wh_') === 0) {
            button = form.querySelector('[name=save_webhook]');
        } else if (name.indexOf('probe_path_') === 0) {
            button = document.getElementById('conduit-test-' + name.substring('probe_path_'.length));
        } else {
            button = form.querySelector('[name=Update]');
        }
        if (button) {
            button.click();
        }
    });
})();
</script>
