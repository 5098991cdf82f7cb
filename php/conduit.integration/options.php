<?php
/**
 * Settings page: /bitrix/admin/settings.php?mid=conduit.integration
 *
 * Needs right "R" to see, "W" to change. Every change is a POST checked with
 * check_bitrix_sessid(); every value shown is escaped; secrets are write-only (the page
 * shows when one was set, never the value). Validation is Conduit\Integration\Settings'.
 */

use Bitrix\Main\Application;
use Bitrix\Main\Loader;
use Bitrix\Main\Localization\Loc;
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
$e = static fn ($v): string => htmlspecialcharsbx((string) $v);
$errors = [];
$notes = [];

if ($request->isPost() && $RIGHT >= 'W' && check_bitrix_sessid()) {
    try {
        if ($request->getPost('save_settings') !== null || $request->getPost('Update') !== null) {
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
            $existing = Settings::hasConnection($name) ? Settings::connectionMasked($name) : [];
            $options = ['base_url' => trim((string) $request->getPost('conn_base_url'))];
            foreach (['timeout', 'connect_timeout'] as $key) {
                $value = trim((string) $request->getPost('conn_' . $key));
                if ($value !== '') {
                    $options[$key] = is_numeric($value) ? (float) $value : $value;
                }
            }
            $attempts = trim((string) $request->getPost('conn_max_attempts'));
            if ($attempts !== '') {
                $options['retry'] = ['max_attempts' => ctype_digit($attempts) ? (int) $attempts : $attempts];
            }
            $secret = static function (string $field, string $path) use ($request, $existing) {
                $value = (string) $request->getPost($field);
                if ($value !== '') {
                    return $value;
                }
                $old = $existing;
                foreach (explode('/', $path) as $key) {
                    $old = is_array($old) ? ($old[$key] ?? null) : null;
                }
                return is_array($old) && isset($old['set_at']) ? Secret::Keep : '';
            };
            $type = (string) $request->getPost('conn_auth_type');
            if ($type === 'bearer') {
                $options['auth'] = ['type' => 'bearer', 'token' => $secret('conn_auth_secret', 'auth/token')];
            } elseif ($type === 'basic') {
                $options['auth'] = ['type' => 'basic', 'username' => (string) $request->getPost('conn_auth_name'), 'password' => $secret('conn_auth_secret', 'auth/password')];
            } elseif ($type === 'header' || $type === 'query') {
                $options['auth'] = ['type' => $type, 'name' => (string) $request->getPost('conn_auth_name'), 'value' => $secret('conn_auth_secret', 'auth/value')];
            }
            Settings::saveConnection($name, $options);
            $notes[] = Loc::getMessage('CONDUIT_OPT_CONNECTION_SAVED', ['#NAME#' => $name]);
        } elseif ($request->getPost('delete_connection') !== null) {
            $name = (string) $request->getPost('delete_connection');
            Settings::deleteConnection($name);
            $notes[] = Loc::getMessage('CONDUIT_OPT_CONNECTION_DELETED', ['#NAME#' => $name]);
        }
    } catch (ModuleException $ex) {
        $errors[] = $ex->getMessage();
    }
} elseif ($request->isPost()) {
    $errors[] = Loc::getMessage($RIGHT >= 'W' ? 'CONDUIT_OPT_BAD_SESSID' : 'CONDUIT_OPT_READ_ONLY');
}

$tabs = [
    ['DIV' => 'conduit_settings', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_SETTINGS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_SETTINGS_TITLE')],
    ['DIV' => 'conduit_connections', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_CONNECTIONS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_CONNECTIONS_TITLE')],
];
$rightsFile = $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/admin/group_rights.php';
if (is_file($rightsFile)) {
    $tabs[] = ['DIV' => 'conduit_rights', 'TAB' => Loc::getMessage('CONDUIT_OPT_TAB_RIGHTS'), 'TITLE' => Loc::getMessage('CONDUIT_OPT_TAB_RIGHTS_TITLE')];
}
$tabControl = new CAdminTabControl('conduit_options', $tabs);
$action = $APPLICATION->GetCurPage() . '?mid=' . urlencode($module_id) . '&lang=' . urlencode(LANGUAGE_ID);
$disabled = $RIGHT >= 'W' ? '' : ' disabled';

foreach ($errors as $message) {
    echo '<div class="adm-info-message-wrap adm-info-message-red"><div class="adm-info-message">' . nl2br($e($message)) . '</div></div>';
}
foreach ($notes as $message) {
    echo '<div class="adm-info-message-wrap adm-info-message-green"><div class="adm-info-message">' . $e($message) . '</div></div>';
}
$defaults = Settings::defaults();
$values = Settings::all();
?>
<form method="post" action="<?= $e($action) ?>" name="conduit_options">
<?= bitrix_sessid_post() ?>
<?php
$tabControl->Begin();
$tabControl->BeginNextTab();
foreach (Settings::DEFINITIONS as $name => $definition) {
    $value = $values[$name];
    $field = 'opt_' . $name;
    $hint = match ($definition['type']) {
        Settings::TYPE_INT, Settings::TYPE_FLOAT => Loc::getMessage('CONDUIT_OPT_RANGE', ['#MIN#' => $definition['min'], '#MAX#' => $definition['max'], '#DEFAULT#' => $defaults[$name] ?? '']),
        default => Loc::getMessage('CONDUIT_OPT_DEFAULT', ['#DEFAULT#' => ($defaults[$name] ?? '') === '' ? '—' : $defaults[$name]]),
    };
    echo '<tr><td width="40%"><label for="' . $e($field) . '">' . $e(Loc::getMessage('CONDUIT_OPT_' . strtoupper($name)) ?? $name) . '</label><br><small>' . $e($hint) . '</small></td><td width="60%">';
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
if ($RIGHT >= 'W') {
    echo '<tr><td></td><td><input type="submit" class="adm-btn-save" name="save_settings" value="' . $e(Loc::getMessage('CONDUIT_OPT_SAVE')) . '"></td></tr>';
}

$tabControl->BeginNextTab();
$connections = Settings::connections();
echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTIONS_LIST')) . '</td></tr>';
if ($connections === []) {
    echo '<tr><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTIONS_NONE')) . '</td></tr>';
}
foreach ($connections as $name) {
    try {
        $masked = Settings::connectionMasked($name);
        $secrets = Settings::connectionSecrets($name);
        $secretText = [];
        foreach ($secrets as $path => $setAt) {
            $secretText[] = Loc::getMessage('CONDUIT_OPT_SECRET_SET', ['#FIELD#' => $path, '#DATE#' => $setAt->toString()]);
        }
        echo '<tr><td><b>' . $e($name) . '</b></td><td>' . $e($masked['base_url'] ?? '') . ' · ' . $e($masked['auth']['type'] ?? Loc::getMessage('CONDUIT_OPT_AUTH_NONE'))
            . ($secretText ? '<br><small>' . $e(implode('; ', $secretText)) . '</small>' : '');
        if ($RIGHT >= 'W') {
            echo ' <button type="submit" class="adm-btn" name="delete_connection" value="' . $e($name) . '">' . $e(Loc::getMessage('CONDUIT_OPT_DELETE')) . '</button>';
        }
        echo '</td></tr>';
    } catch (ModuleException $ex) {
        echo '<tr><td><b>' . $e($name) . '</b></td><td>' . $e($ex->getMessage()) . '</td></tr>';
    }
}
if ($RIGHT >= 'W') {
    echo '<tr class="heading"><td colspan="2">' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTION_EDIT')) . '</td></tr>';
    $row = static function (string $label, string $input) use ($e): void {
        echo '<tr><td width="40%">' . $e($label) . '</td><td width="60%">' . $input . '</td></tr>';
    };
    $row(Loc::getMessage('CONDUIT_OPT_CONN_NAME'), '<input type="text" name="conn_name" value="default" size="30" maxlength="40">');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_BASE_URL'), '<input type="text" name="conn_base_url" value="" size="50" placeholder="https://erp.example.com/api/v2">');
    $types = '';
    foreach (['none', 'bearer', 'basic', 'header', 'query'] as $type) {
        $types .= '<option value="' . $e($type) . '">' . $e(Loc::getMessage('CONDUIT_OPT_AUTH_' . strtoupper($type))) . '</option>';
    }
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_TYPE'), '<select name="conn_auth_type">' . $types . '</select>');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_NAME'), '<input type="text" name="conn_auth_name" value="" size="30">');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_AUTH_SECRET'), '<input type="password" name="conn_auth_secret" value="" size="30" autocomplete="new-password">');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_TIMEOUT'), '<input type="text" name="conn_timeout" value="" size="6" placeholder="30">');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_CONNECT_TIMEOUT'), '<input type="text" name="conn_connect_timeout" value="" size="6" placeholder="10">');
    $row(Loc::getMessage('CONDUIT_OPT_CONN_MAX_ATTEMPTS'), '<input type="text" name="conn_max_attempts" value="" size="6" placeholder="3">');
    $row('', '<input type="submit" class="adm-btn-save" name="save_connection" value="' . $e(Loc::getMessage('CONDUIT_OPT_CONNECTION_SAVE')) . '">');
}

if (is_file($rightsFile)) {
    $tabControl->BeginNextTab();
    require_once $rightsFile;
}
if ($RIGHT >= 'W') {
    $tabControl->Buttons();
    echo '<input type="submit" class="adm-btn-save" name="Update" value="' . $e(Loc::getMessage('CONDUIT_OPT_SAVE')) . '">';
}
$tabControl->End();
?>
</form>
