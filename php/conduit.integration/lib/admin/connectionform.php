<?php

namespace Conduit\Integration\Admin;

use Bitrix\Main\HttpRequest;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Security\Secret;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

Loc::loadMessages(__FILE__);

/**
 * The settings page's connection editor: posted fields → `Settings::saveConnection()`
 * options (secrets left empty keep the stored value: {@see Secret::Keep}), stored options →
 * field values (never a secret), and the "Test connection" probe.
 *
 * Field names: conn_name, conn_base_url, conn_auth_type (none|bearer|basic|header|query),
 * conn_auth_name, conn_auth_secret, conn_timeout, conn_connect_timeout,
 * conn_max_attempts, conn_base_delay_ms, conn_max_delay_ms, conn_rate_per_second,
 * conn_rate_burst, conn_cb_failure_ratio, conn_cb_min_calls, conn_cb_window_s,
 * conn_cb_open_s, conn_headers ("Name: value" lines; "[keep]" keeps a stored secret
 * header), conn_verify_tls (Y|N), conn_ca_file, conn_proxy (secret).
 */
final class ConnectionForm
{
    /** Written in a header line instead of a stored secret value; posting it back keeps the value. */
    public const KEEP = '[keep]';

    private const NUMBERS = [
        'conn_timeout' => ['timeout', null, 'float'],
        'conn_connect_timeout' => ['connect_timeout', null, 'float'],
        'conn_max_attempts' => ['retry', 'max_attempts', 'int'],
        'conn_base_delay_ms' => ['retry', 'base_delay_ms', 'int'],
        'conn_max_delay_ms' => ['retry', 'max_delay_ms', 'int'],
        'conn_rate_per_second' => ['rate_limit', 'per_second', 'float'],
        'conn_rate_burst' => ['rate_limit', 'burst', 'int'],
        'conn_cb_failure_ratio' => ['circuit_breaker', 'failure_ratio', 'float'],
        'conn_cb_min_calls' => ['circuit_breaker', 'min_calls', 'int'],
        'conn_cb_window_s' => ['circuit_breaker', 'window_s', 'float'],
        'conn_cb_open_s' => ['circuit_breaker', 'open_s', 'float'],
    ];

    /** Scope selects: field => option block (process, host or store; set only when the block is). */
    private const SCOPES = ['conn_rate_scope' => 'rate_limit', 'conn_cb_scope' => 'circuit_breaker'];

    private function __construct()
    {
    }

    /** @return list<string> the numeric field names */
    public static function numberFields(): array
    {
        return array_keys(self::NUMBERS);
    }

    /**
     * The ApiClient options for Settings::saveConnection() from the posted form.
     * Numbers that are not numbers are passed as typed, so the extension's message names them.
     *
     * @param array $masked Settings::connectionMasked() of the connection being replaced, or []
     */
    public static function fromPost(HttpRequest $request, array $masked): array
    {
        $post = static fn (string $name): string => trim((string) $request->getPost($name));
        $options = ['base_url' => $post('conn_base_url')];
        foreach (self::NUMBERS as $field => [$key, $sub, $type]) {
            $value = $post($field);
            if ($value === '') {
                continue;
            }
            $typed = is_numeric($value) ? ($type === 'int' && ctype_digit($value) ? (int) $value : (float) $value) : $value;
            if ($sub === null) {
                $options[$key] = $typed;
            } else {
                $options[$key][$sub] = $typed;
            }
        }
        foreach (self::SCOPES as $field => $block) {
            $scope = $post($field);
            if ($scope !== '' && $scope !== 'process' && isset($options[$block])) {
                $options[$block]['scope'] = $scope;
            }
        }
        $wasSet = static function (string $path) use ($masked): bool {
            $v = $masked;
            foreach (explode('/', $path) as $k) {
                $v = is_array($v) ? ($v[$k] ?? null) : null;
            }
            return is_array($v) && isset($v['set_at']);
        };
        $secret = static function (string $field, string $path) use ($post, $wasSet) {
            $value = $post($field);
            return $value !== '' ? $value : ($wasSet($path) ? Secret::Keep : '');
        };
        $type = $post('conn_auth_type');
        if ($type === 'bearer') {
            $options['auth'] = ['type' => 'bearer', 'token' => $secret('conn_auth_secret', 'auth/token')];
        } elseif ($type === 'basic') {
            $options['auth'] = ['type' => 'basic', 'username' => $post('conn_auth_name'), 'password' => $secret('conn_auth_secret', 'auth/password')];
        } elseif ($type === 'header' || $type === 'query') {
            $options['auth'] = ['type' => $type, 'name' => $post('conn_auth_name'), 'value' => $secret('conn_auth_secret', 'auth/value')];
        }
        $headers = [];
        foreach (preg_split('/\R/', (string) $request->getPost('conn_headers')) ?: [] as $line) {
            if (trim($line) === '') {
                continue;
            }
            $pos = strpos($line, ':');
            $name = trim($pos === false ? $line : substr($line, 0, $pos));
            $value = $pos === false ? '' : trim(substr($line, $pos + 1));
            if ($value === self::KEEP && $wasSet('headers/' . $name)) {
                $value = Secret::Keep;
            }
            $headers[$name] = $value;
        }
        if ($headers !== []) {
            $options['headers'] = $headers;
        }
        if ($request->getPost('conn_verify_tls_shown') !== null) {
            $options['verify_tls'] = $request->getPost('conn_verify_tls') === 'Y';
        }
        if ($post('conn_ca_file') !== '') {
            $options['ca_file'] = $post('conn_ca_file');
        }
        $proxy = $secret('conn_proxy', 'proxy');
        if ($proxy !== '') {
            $options['proxy'] = $proxy;
        }
        return $options;
    }

    /**
     * Field values for the editor from Settings::connectionMasked(): secrets come back as
     * "" (with their "set on" date in $secrets), secret header values as KEEP.
     *
     * @return array<string, string>
     */
    public static function values(array $masked): array
    {
        $values = ['conn_base_url' => (string) ($masked['base_url'] ?? '')];
        foreach (self::NUMBERS as $field => [$key, $sub]) {
            $v = $sub === null ? ($masked[$key] ?? null) : ($masked[$key][$sub] ?? null);
            $values[$field] = is_scalar($v) ? (string) $v : '';
        }
        foreach (self::SCOPES as $field => $block) {
            $scope = $masked[$block]['scope'] ?? 'process';
            $values[$field] = is_string($scope) ? $scope : 'process';
        }
        $auth = is_array($masked['auth'] ?? null) ? $masked['auth'] : [];
        $values['conn_auth_type'] = (string) ($auth['type'] ?? 'none');
        $values['conn_auth_name'] = (string) ($auth['username'] ?? ($auth['name'] ?? ''));
        $lines = [];
        foreach ((array) ($masked['headers'] ?? []) as $name => $value) {
            $lines[] = $name . ': ' . (is_array($value) ? self::KEEP : (string) $value);
        }
        $values['conn_headers'] = implode("\n", $lines);
        $values['conn_verify_tls'] = ($masked['verify_tls'] ?? true) === false ? 'N' : 'Y';
        $values['conn_ca_file'] = is_string($masked['ca_file'] ?? null) ? $masked['ca_file'] : '';
        return $values;
    }

    /**
     * Sends one GET through the connection's configured client (its auth, timeouts, TLS,
     * breaker; logged in the request log like any call) and explains the outcome.
     *
     * @return array{ok: bool, status: ?int, latency_ms: float, tls: string, error: ?string, meaning: string, url: string}
     */
    public static function probe(string $name, string $path = '/'): array
    {
        $path = $path === '' ? '/' : $path;
        $result = ['ok' => false, 'status' => null, 'latency_ms' => 0.0, 'tls' => '', 'error' => null, 'meaning' => '', 'url' => ''];
        try {
            $options = Settings::connectionMasked($name);
            $base = (string) ($options['base_url'] ?? '');
            $result['url'] = rtrim($base, '/') . '/' . ltrim($path, '/');
            $https = str_starts_with(strtolower($base), 'https://');
            $result['tls'] = (string) Loc::getMessage(!$https ? 'CONDUIT_PROBE_TLS_NONE' : (($options['verify_tls'] ?? true) === false ? 'CONDUIT_PROBE_TLS_OFF' : (!empty($options['ca_file']) ? 'CONDUIT_PROBE_TLS_CA' : 'CONDUIT_PROBE_TLS_ON')));
            $client = Services::client($name);
        } catch (\Throwable $e) {
            $result['error'] = get_class($e) . ': ' . $e->getMessage();
            $result['meaning'] = (string) Loc::getMessage('CONDUIT_PROBE_CONFIG');
            return $result;
        }
        $started = microtime(true);
        try {
            $response = $client->send('GET', $path);
            $result['status'] = $response->getStatus();
            $result['ok'] = $response->getStatus() < 300;
            $result['meaning'] = (string) Loc::getMessage($result['ok'] ? 'CONDUIT_PROBE_OK' : 'CONDUIT_PROBE_3XX');
        } catch (\Conduit\ApiException $e) {
            $status = $e->getStatusCode();
            $result['status'] = $status;
            $result['error'] = $e->getMessage();
            $code = match (true) {
                $status === 401, $status === 403 => 'CONDUIT_PROBE_AUTH',
                $status === 404 => 'CONDUIT_PROBE_404',
                $status === 429 => 'CONDUIT_PROBE_429',
                $status >= 500 => 'CONDUIT_PROBE_5XX',
                default => 'CONDUIT_PROBE_4XX',
            };
            $result['meaning'] = (string) Loc::getMessage($code);
        } catch (\Conduit\TimeoutException $e) {
            $result['error'] = get_class($e) . ': ' . $e->getMessage();
            $result['meaning'] = (string) Loc::getMessage('CONDUIT_PROBE_TIMEOUT');
        } catch (\Conduit\TransportException $e) {
            $result['error'] = get_class($e) . ': ' . $e->getMessage();
            $m = strtolower($e->getMessage());
            $code = match (true) {
                str_contains($m, 'certificate') || str_contains($m, 'tls') || str_contains($m, 'handshake') => 'CONDUIT_PROBE_CERT',
                str_contains($m, 'dns') || str_contains($m, 'resolve') || str_contains($m, 'lookup') => 'CONDUIT_PROBE_DNS',
                default => 'CONDUIT_PROBE_CONNECT',
            };
            $result['meaning'] = (string) Loc::getMessage($code);
        } catch (\Conduit\CircuitOpenException $e) {
            $result['error'] = get_class($e) . ': ' . $e->getMessage();
            $result['meaning'] = (string) Loc::getMessage('CONDUIT_PROBE_CIRCUIT');
        } catch (\Throwable $e) {
            $result['error'] = get_class($e) . ': ' . $e->getMessage();
            $result['meaning'] = (string) Loc::getMessage('CONDUIT_PROBE_CONFIG');
        }
        $result['latency_ms'] = round((microtime(true) - $started) * 1000, 1);
        try {
            Services::requestLog()->flush();
        } catch (\Throwable $e) {
        }
        return $result;
    }
}
