<?php
/**
 * Options fuzzer: every public constructor and method of the extension, called
 * with generated option arrays and argument values (wrong types inside arrays,
 * NaN, INF, huge and negative numbers, nested arrays where scalars belong, binary
 * and invalid UTF-8 strings, 1 MB strings, unknown keys). The only acceptable
 * outcomes are a return value or a Conduit\ConduitException: a \Error (TypeError
 * included), any other exception, a message mentioning a panic, or a crashed
 * process is a finding.
 *
 * Scalar parameters get values of their declared PHP type (a wrong scalar type is
 * PHP's own TypeError, the same as for a userland function): the fuzzing is in the
 * arrays and in the string and number values.
 *
 * Cases run in child processes, in batches; a child that dies is reported with the
 * case it was running, and the next batch starts after it. Deterministic: the same
 * seed gives the same cases.
 *
 * Usage: php -d extension=target/release/libconduit.so tests/fuzz/options-fuzz.php [--seed=N] [--cases=N]
 * Exit status: 0 when every case ended acceptably, 1 otherwise.
 */
declare(strict_types=1);

const DEFAULT_SEED = 20261201;
const DEFAULT_CASES = 20000;
const BATCH = 500;

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/** A value of any kind, biased towards what breaks parsers. */
function fuzz_value(int $depth = 0): mixed
{
    static $big = null;
    $big ??= str_repeat('A', 1024 * 1024);
    $pick = mt_rand(0, 29);
    return match ($pick) {
        0 => NAN,
        1 => INF,
        2 => -INF,
        3 => PHP_INT_MAX,
        4 => PHP_INT_MIN,
        5 => -1,
        6 => 0,
        7 => 1e-20,
        8 => 1e300,
        9 => -0.0,
        10 => mt_rand(-1000, 100000) / 7,
        11 => mt_rand(-5, 5),
        12 => '',
        13 => "\xff\xfe\x00bin\x80",
        14 => "caf\xc3",
        15 => $big,
        16 => "line\r\nInjected: 1",
        17 => 'http://127.0.0.1:9/x',
        18 => '../../etc/passwd',
        19 => true,
        20 => false,
        21 => null,
        22 => $depth < 3 ? [fuzz_value($depth + 1), fuzz_value($depth + 1)] : [],
        23 => $depth < 3 ? ['k' => fuzz_value($depth + 1), 0 => fuzz_value($depth + 1)] : ['x' => 1],
        24 => str_repeat("\u{1F600}", 1000),
        25 => '1e999',
        26 => '-5',
        27 => 'NaN',
        28 => (string) mt_rand(0, 1 << 30),
        default => new stdClass(),
    };
}

/** An option array over $keys: each key given a fuzzed value, sometimes a valid one, plus unknown keys. */
function fuzz_options(array $keys, array $valid = []): array
{
    $out = [];
    foreach ($keys as $key) {
        $r = mt_rand(0, 9);
        if ($r < 3) {
            continue;
        }
        if ($r < 5 && isset($valid[$key])) {
            $out[$key] = $valid[$key];
        } else {
            $out[$key] = fuzz_value();
        }
    }
    if (mt_rand(0, 5) === 0) {
        $out[fuzz_string_key()] = fuzz_value();
    }
    if (mt_rand(0, 20) === 0) {
        $out[] = fuzz_value();
    }
    return $out;
}

function fuzz_string_key(): string
{
    return ['nope', "\xff", '', 'TIMEOUT', str_repeat('k', 300), "a\0b"][mt_rand(0, 5)];
}

/** A string argument: valid sometimes, hostile otherwise. */
function fuzz_string(array $valid): string
{
    if (mt_rand(0, 2) === 0) {
        return $valid[mt_rand(0, count($valid) - 1)];
    }
    $v = fuzz_value();
    return is_string($v) ? $v : (is_scalar($v) ? (string) $v : 'x');
}

function fuzz_int(): int
{
    return [PHP_INT_MAX, PHP_INT_MIN, -1, 0, 1, 2, 1000, 1001, mt_rand(-100, 100)][mt_rand(0, 8)];
}

function fuzz_float(): float
{
    return [NAN, INF, -INF, -1.0, 0.0, 1e-20, 1e300, 0.5, 3.0][mt_rand(0, 8)];
}

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

const CLIENT_KEYS = ['timeout', 'connect_timeout', 'auth', 'retry', 'rate_limit', 'circuit_breaker', 'headers', 'verify_tls',
    'ca_file', 'proxy', 'max_redirects', 'redirects', 'max_response_bytes', 'user_agent', 'idempotency_header', 'log',
    'log_body_bytes', 'redact_headers', 'redact_fields', 'pool_idle_timeout', 'pool_max_idle_per_host'];
const REQUEST_KEYS = ['query', 'headers', 'json', 'form', 'body', 'timeout', 'idempotency_key'];
const STORE_KEYS = ['table_prefix', 'busy_timeout_s', 'synchronous', 'pool_size', 'connect_timeout_s', 'io_timeout_s',
    'log_batch_size', 'log_flush_interval_s', 'log_capacity', 'log_drop_grace_s', 'log_flush_timeout_s'];
const QUEUE_KEYS = ['max_attempts', 'lease_s', 'backoff_base_s', 'backoff_max_s', 'dedupe_window_s'];
const PUSH_KEYS = ['delay_s', 'run_at', 'priority', 'max_attempts', 'dedupe_key', 'dedupe_window_s', 'group_key', 'backoff_base_s', 'backoff_max_s'];
const JOB_FILTER_KEYS = ['status', 'type', 'dedupe_key', 'group_key', 'created_from', 'created_to', 'updated_from', 'updated_to', 'error'];
const LOG_FILTER_KEYS = ['status_class', 'status', 'endpoint', 'method', 'from', 'to', 'correlation_id', 'job_id', 'error'];
const RECORD_KEYS = ['method', 'url', 'endpoint', 'status', 'duration_ms', 'attempt', 'correlation_id', 'job_id', 'error_class',
    'error_message', 'request_headers', 'request_body', 'response_headers', 'response_body', 'created_at'];
const WEBHOOK_KEYS = ['scheme', 'secrets', 'tolerance_s', 'max_body_bytes', 'event_type_field', 'id_field', 'header', 'encoding', 'prefix', 'algorithm'];

/** Sub-options that make nested arrays meaningful. */
function client_options(): array
{
    $o = fuzz_options(CLIENT_KEYS, ['timeout' => 0.2, 'connect_timeout' => 0.2, 'verify_tls' => true]);
    $sub = [
        'auth' => [['type', 'token', 'username', 'password', 'name', 'value'], ['type' => ['bearer', 'basic', 'header', 'query'][mt_rand(0, 3)]]],
        'retry' => [['max_attempts', 'base_delay_ms', 'max_delay_ms', 'budget_ms'], []],
        'rate_limit' => [['per_second', 'burst'], []],
        'circuit_breaker' => [['failure_ratio', 'min_calls', 'window_s', 'open_s'], []],
    ];
    foreach ($sub as $key => [$keys, $valid]) {
        if (mt_rand(0, 1) === 0) {
            $o[$key] = fuzz_options($keys, $valid) + $valid;
        }
    }
    // Keep the fuzzer fast: whatever was generated, no request waits long.
    $o['retry'] = ['max_attempts' => 1] + (is_array($o['retry'] ?? null) ? $o['retry'] : []);
    $o['retry']['max_attempts'] = 1;
    foreach (['timeout', 'connect_timeout'] as $t) {
        if (!is_float($o[$t] ?? null) && !is_int($o[$t] ?? null) || ($o[$t] ?? 0) > 1) {
            unset($o[$t]);
        }
    }
    $o += ['timeout' => 0.2, 'connect_timeout' => 0.2];
    unset($o['log']); // a callable or a Store: covered by the test suites
    return $o;
}

function request_options(): array
{
    $o = fuzz_options(REQUEST_KEYS);
    if (isset($o['timeout']) && (!is_numeric($o['timeout']) || $o['timeout'] > 1 || is_nan((float) $o['timeout']))) {
        $o['timeout'] = mt_rand(0, 1) ? 0.2 : fuzz_value();
        if (is_numeric($o['timeout']) && !is_nan((float) $o['timeout']) && $o['timeout'] > 1) {
            $o['timeout'] = 0.2;
        }
    }
    return $o;
}

function webhook_config(): array
{
    $valid = ['scheme' => ['standard', 'stripe', 'hmac'][mt_rand(0, 2)], 'secrets' => ['whsec_' . base64_encode('k')]];
    return fuzz_options(WEBHOOK_KEYS, $valid) + (mt_rand(0, 1) ? $valid : []);
}

/**
 * One case: [label, closure]. $ctx holds objects built with valid arguments.
 * @return array{0: string, 1: Closure}
 */
function make_case(int $i, array $ctx): array
{
    $targets = [
        'ApiClient::__construct' => fn () => new Conduit\ApiClient(fuzz_string(['http://127.0.0.1:9/api', 'https://user:pw@127.0.0.1:9']), client_options()),
        'ApiClient::send' => fn () => $ctx['client']()->send(fuzz_string(['GET', 'POST', 'get']), fuzz_string(['/x', 'y', '']), request_options()),
        'ApiClient::request' => fn () => $ctx['client']()->request(fuzz_string(['GET', 'DELETE']), fuzz_string(['/x']), request_options()),
        'ApiClient::sendMany' => fn () => $ctx['client']()->sendMany(
            array_map(fn () => mt_rand(0, 3) ? [fuzz_string(['GET']), fuzz_string(['/x']), request_options()] : fuzz_value(), range(0, mt_rand(0, 3))),
            fuzz_options(['concurrency', 'nope'])
        ),
        'Store::__construct' => fn () => new Conduit\Store(fuzz_string(['sqlite://' . $ctx['db'], 'mysql://u:p@127.0.0.1:1/x', 'sqlite://rel.db']), fuzz_options(STORE_KEYS)),
        'SyncQueue::__construct' => fn () => new Conduit\SyncQueue($ctx['store'], fuzz_options(QUEUE_KEYS)),
        'SyncQueue::push' => fn () => $ctx['queue']->push(fuzz_string(['t', 'order.export']), fuzz_options(['a', 'b', 0]), fuzz_options(PUSH_KEYS)),
        'SyncQueue::pushMany' => fn () => $ctx['queue']->pushMany(array_map(
            fn () => mt_rand(0, 2) ? [fuzz_string(['t']), fuzz_options(['a']), fuzz_options(PUSH_KEYS)] : fuzz_value(),
            range(0, mt_rand(0, 3))
        )),
        'SyncQueue::pushRequest' => fn () => $ctx['queue']->pushRequest(fuzz_string(['POST']), fuzz_string(['/x']), fuzz_options(array_merge(REQUEST_KEYS, PUSH_KEYS))),
        'SyncQueue::claim' => fn () => $ctx['queue']->claim(fuzz_int(), fuzz_options(['lease_s', 'types'])),
        'SyncQueue::ack' => fn () => $ctx['queue']->ack(fuzz_int(), fuzz_value()),
        'SyncQueue::ackMany' => fn () => $ctx['queue']->ackMany(array_map(fn () => fuzz_int(), range(0, mt_rand(0, 3)))),
        'SyncQueue::fail' => fn () => $ctx['queue']->fail(fuzz_int(), mt_rand(0, 1) ? fuzz_string(['boom']) : new RuntimeException(fuzz_string(['x'])), fuzz_options(['retry', 'retry_after_s'])),
        'SyncQueue::release' => fn () => $ctx['queue']->release(fuzz_int(), fuzz_float()),
        'SyncQueue::extendLease' => fn () => $ctx['queue']->extendLease(fuzz_int(), fuzz_float()),
        'SyncQueue::get' => fn () => $ctx['queue']->get(fuzz_int()),
        'SyncQueue::list' => fn () => $ctx['queue']->list(fuzz_options(JOB_FILTER_KEYS), mt_rand(0, 1) ? fuzz_string(['id desc', '-type', 'priority asc']) : null, fuzz_int(), fuzz_int()),
        'SyncQueue::count' => fn () => $ctx['queue']->count(fuzz_options(JOB_FILTER_KEYS)),
        'SyncQueue::retry' => fn () => $ctx['queue']->retry(fuzz_int()),
        'SyncQueue::retryFailed' => fn () => $ctx['queue']->retryFailed(fuzz_options(JOB_FILTER_KEYS)),
        'SyncQueue::delete' => fn () => $ctx['queue']->delete(fuzz_int()),
        'SyncQueue::purge' => fn () => $ctx['queue']->purge(fuzz_options(['status', 'older_than_s'])),
        'SyncQueue::stats' => fn () => $ctx['queue']->stats(),
        'SyncQueue::runDeliveries' => fn () => $ctx['queue']->runDeliveries($ctx['client'](), fuzz_options(['limit', 'concurrency', 'time_budget_s', 'types', 'lease_s'], ['time_budget_s' => 0.2])),
        'RequestLog::__construct' => fn () => new Conduit\RequestLog($ctx['store']),
        'RequestLog::record' => fn () => $ctx['log']->record(fuzz_options(RECORD_KEYS, ['method' => 'GET', 'url' => 'http://h/x']), fuzz_options(['redact_headers', 'redact_fields', 'secrets', 'body_bytes'])),
        'RequestLog::list' => fn () => $ctx['log']->list(fuzz_options(LOG_FILTER_KEYS), mt_rand(0, 1) ? fuzz_string(['id desc', 'created_at']) : null, fuzz_int(), fuzz_int()),
        'RequestLog::count' => fn () => $ctx['log']->count(fuzz_options(LOG_FILTER_KEYS)),
        'RequestLog::get' => fn () => $ctx['log']->get(fuzz_int()),
        'RequestLog::purge' => fn () => $ctx['log']->purge(fuzz_options(['older_than_s'])),
        'RequestLog::stats' => fn () => $ctx['log']->stats(fuzz_float()),
        'RequestLog::flush' => fn () => $ctx['log']->flush(),
        'RequestLog::writerStats' => fn () => $ctx['log']->writerStats(),
        'WebhookSecurity::__construct' => fn () => new Conduit\WebhookSecurity(webhook_config()),
        'WebhookSecurity::verify' => fn () => $ctx['hooks'][mt_rand(0, 2)]->verify(fuzz_string(['{"id":"e","type":"t"}']), fuzz_options(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'Stripe-Signature', 'X-Signature']), mt_rand(0, 1) ? fuzz_int() : null),
        'WebhookSecurity::sign' => fn () => $ctx['hooks'][mt_rand(0, 2)]->sign(fuzz_string(['{}']), mt_rand(0, 1) ? fuzz_string(['msg_1']) : null, mt_rand(0, 1) ? fuzz_int() : null),
        'SecretBox::__construct' => fn () => new Conduit\SecretBox(fuzz_options(['keys', 'primary'], ['keys' => ['k1' => Conduit\SecretBox::generateKey()]])),
        'SecretBox::encrypt' => fn () => $ctx['box']->encrypt(fuzz_string(['plain']), fuzz_string([''])),
        'SecretBox::decrypt' => fn () => $ctx['box']->decrypt(fuzz_string([$ctx['sealed'], 'cdt1:k1:AAAA']), fuzz_string([''])),
        'SecretBox::isEncrypted' => fn () => $ctx['box']->isEncrypted(fuzz_string([$ctx['sealed']])),
        'SecretBox::rotate' => fn () => $ctx['box']->rotate(fuzz_string([$ctx['sealed']]), fuzz_string([''])),
        'Response::getHeader' => fn () => $ctx['response'] ? $ctx['response']->getHeader(fuzz_string(['content-type'])) : null,
    ];
    if (class_exists('Conduit\Mapper')) {
        $field = fn () => fuzz_options(['from', 'cast', 'scale', 'default', 'required', 'date', 'trim', 'map'], ['from' => 'a']);
        $targets['Mapper::__construct'] = fn () => new Conduit\Mapper(fuzz_options(['fields', 'omit_null'], ['fields' => ['x' => 'a']]) + (mt_rand(0, 1) ? ['fields' => ['x' => $field()]] : []));
        $targets['Mapper::map'] = fn () => $ctx['mapper']->map(fuzz_options(['a', 'b', 'c']));
        $targets['Mapper::mapMany'] = fn () => $ctx['mapper']->mapMany([fuzz_options(['a', 'b']), fuzz_value()]);
        $targets['Mapper::mapJson'] = fn () => $ctx['mapper']->mapJson(fuzz_string(['[{"a":1}]', '{"items":[{"a":1}]}']), fuzz_string(['', 'items', '$.items']));
    }
    $names = array_keys($targets);
    $name = $names[$i % count($names)];
    return [$name, $targets[$name]];
}

// ---------------------------------------------------------------------------
// Child: run cases [start, end) and report each
// ---------------------------------------------------------------------------

function run_child(int $seed, int $start, int $end): void
{
    $db = sys_get_temp_dir() . '/conduit-fuzz-' . getmypid() . '.db';
    $store = new Conduit\Store('sqlite://' . $db);
    $store->migrate();
    $queue = new Conduit\SyncQueue($store);
    $queue->push('t', ['a' => 1]);
    $box = new Conduit\SecretBox(['keys' => ['k1' => Conduit\SecretBox::generateKey()]]);
    $ctx = [
        'db' => $db,
        'store' => $store,
        'queue' => $queue,
        'log' => new Conduit\RequestLog($store),
        'client' => fn () => new Conduit\ApiClient('http://127.0.0.1:9/api', ['timeout' => 0.2, 'connect_timeout' => 0.2, 'retry' => ['max_attempts' => 1]]),
        'hooks' => [
            new Conduit\WebhookSecurity(['scheme' => 'standard', 'secrets' => ['whsec_' . base64_encode('k')]]),
            new Conduit\WebhookSecurity(['scheme' => 'stripe', 'secrets' => ['whsec_x']]),
            new Conduit\WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]),
        ],
        'box' => $box,
        'sealed' => $box->encrypt('secret'),
        'response' => null,
        'mapper' => class_exists('Conduit\Mapper') ? new Conduit\Mapper(['fields' => ['x' => 'a', 'y' => ['from' => 'b', 'cast' => 'int']]]) : null,
    ];
    for ($i = $start; $i < $end; $i++) {
        mt_srand($seed + $i);
        [$name, $call] = make_case($i, $ctx);
        fwrite(STDOUT, "start $i $name\n");
        fflush(STDOUT);
        try {
            $call();
            $verdict = 'ok';
        } catch (Conduit\ConduitException $e) {
            $verdict = stripos($e->getMessage(), 'panic') !== false ? 'bad panic ' . get_class($e) . ': ' . oneline($e->getMessage()) : 'okx';
        } catch (Throwable $e) {
            $verdict = 'bad ' . get_class($e) . ': ' . oneline($e->getMessage()) . ' @ ' . basename($e->getFile()) . ':' . $e->getLine();
        }
        fwrite(STDOUT, "end $i $verdict\n");
        fflush(STDOUT);
    }
    $queue = $store = null;
    foreach (glob($db . '*') ?: [] as $f) {
        @unlink($f);
    }
}

function oneline(string $s): string
{
    $s = preg_replace('/[^\x20-\x7e]/', '?', $s) ?? '';
    return strlen($s) > 200 ? substr($s, 0, 200) . '…' : $s;
}

// ---------------------------------------------------------------------------
// Parent: batches in child processes, crash detection, summary
// ---------------------------------------------------------------------------

$opts = getopt('', ['seed:', 'cases:', 'child:', 'end:']);
$seed = (int) ($opts['seed'] ?? DEFAULT_SEED);
if (isset($opts['child'])) {
    run_child($seed, (int) $opts['child'], (int) $opts['end']);
    exit(0);
}
if (!extension_loaded('conduit')) {
    fwrite(STDERR, "load the extension: php -d extension=…/libconduit.so tests/fuzz/options-fuzz.php\n");
    exit(2);
}
$total = (int) ($opts['cases'] ?? DEFAULT_CASES);
$so = getenv('CONDUIT_EXTENSION') ?: dirname(__DIR__, 2) . '/target/release/libconduit.so';
$started = microtime(true);
$findings = [];
$ran = $returned = $thrown = 0;
$next = 0;
while ($next < $total) {
    $end = min($total, $next + BATCH);
    $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . $so, '-d', 'memory_limit=1G', '-d', 'error_reporting=E_ALL', '-d', 'display_errors=stderr',
        __FILE__, "--seed=$seed", "--child=$next", "--end=$end"];
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    if (!is_resource($proc)) {
        fwrite(STDERR, "cannot start a child PHP\n");
        exit(2);
    }
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $status = proc_close($proc);
    $last = null;
    $lastName = '';
    $done = $next;
    foreach (explode("\n", (string) $out) as $line) {
        if (preg_match('/^start (\d+) (\S+)$/', $line, $m)) {
            [$last, $lastName] = [(int) $m[1], $m[2]];
        } elseif (preg_match('/^end (\d+) (.*)$/', $line, $m)) {
            $ran++;
            $done = (int) $m[1] + 1;
            if ($m[2] === 'ok') {
                $returned++;
            } elseif ($m[2] === 'okx') {
                $thrown++;
            } else {
                $findings[] = "case {$m[1]} $lastName: " . substr($m[2], 4);
            }
            $last = null;
        }
    }
    if ($last !== null || $status !== 0) {
        $case = $last ?? $done;
        $ran++;
        $findings[] = "case $case $lastName: the process died (exit $status): " . oneline(trim((string) $err));
        $next = $case + 1;
    } else {
        $next = $end;
        foreach (explode("\n", trim((string) $err)) as $line) {
            if ($line !== '') {
                $findings[] = 'stderr: ' . oneline($line);
            }
        }
    }
}
$elapsed = microtime(true) - $started;
printf("options fuzzer: %d cases (seed %d) in %.1f s: %d returned, %d threw a Conduit exception, %d finding(s)\n",
    $ran, $seed, $elapsed, $returned, $thrown, count($findings));
$seen = [];
foreach ($findings as $f) {
    $key = preg_replace('/^case \d+ /', '', $f);
    $seen[$key] = ($seen[$key] ?? 0) + 1;
    if ($seen[$key] <= 3) {
        echo " - $f\n";
    }
}
exit($findings ? 1 : 0);
