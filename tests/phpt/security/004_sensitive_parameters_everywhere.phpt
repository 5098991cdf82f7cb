--TEST--
Every parameter that can carry a token, password, key or DSN is #[\SensitiveParameter] from process start: traces show SensitiveParameterValue, Reflection lists the attribute
--EXTENSIONS--
conduit
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
// Reflection first, before any object exists: the marks are made at startup.
$expected = [
    ['Conduit\ApiClient', '__construct', ['baseUrl', 'options']],
    ['Conduit\ApiClient', 'request', ['options']],
    ['Conduit\ApiClient', 'send', ['options']],
    ['Conduit\ApiClient', 'sendMany', ['requests', 'options']],
    ['Conduit\SyncQueue', 'pushRequest', ['options']],
    ['Conduit\RequestLog', 'record', ['entry', 'options']],
    ['Conduit\Store', '__construct', ['dsn']],
    ['Conduit\SecretBox', '__construct', ['keyring']],
    ['Conduit\SecretBox', 'encrypt', ['plain']],
    ['Conduit\WebhookSecurity', '__construct', ['config']],
];
foreach ($expected as [$class, $method, $names]) {
    $marked = [];
    foreach ((new ReflectionMethod($class, $method))->getParameters() as $p) {
        if (array_map(fn ($a) => $a->getName(), $p->getAttributes()) === ['SensitiveParameter']) {
            $marked[] = $p->getName();
        }
    }
    echo "$class::$method: ", implode(', ', $marked), $marked === $names ? '' : '  <-- expected ' . implode(', ', $names), "\n";
}

const SECRET = 'TOPSECRET-7f3a';
function show(string $what, Closure $call): void
{
    try {
        $call();
        echo "$what: no exception\n";
    } catch (Conduit\ConduitException $e) {
        $frame = $e->getTrace()[0];
        $args = array_map(fn ($a) => is_object($a) ? get_class($a) : gettype($a), $frame['args'] ?? []);
        $leak = str_contains($e->getTraceAsString() . print_r($e->getTrace(), true) . var_export($e, true), SECRET);
        echo "$what: {$frame['function']}(", implode(', ', $args), ')', $leak ? ' LEAKS THE SECRET' : '', "\n";
    }
}
$client = new Conduit\ApiClient('http://127.0.0.1:9', ['timeout' => 1]);
$store = new Conduit\Store('sqlite://' . sys_get_temp_dir() . '/conduit-004-' . getmypid() . '.db');
show('ApiClient::__construct', fn () => new Conduit\ApiClient('http://user:' . SECRET . '@127.0.0.1:9', ['auth' => ['type' => 'bearer', 'token' => SECRET], 'no_such_option' => 1]));
show('ApiClient::send', fn () => $client->send('GET', '/x', ['headers' => ['Authorization' => 'Bearer ' . SECRET], 'no_such_option' => 1]));
show('ApiClient::request', fn () => $client->request('GET', '/x', ['headers' => ['X-Api-Key' => SECRET], 'no_such_option' => 1]));
show('ApiClient::sendMany', fn () => $client->sendMany([['GET', '/x', ['headers' => ['X-Api-Key' => SECRET], 'no_such_option' => 1]]], ['no_such_option' => SECRET]));
show('SyncQueue::pushRequest', fn () => (new Conduit\SyncQueue($store))->pushRequest('POST', '/x', ['headers' => ['X-Api-Key' => SECRET], 'no_such_option' => 1]));
show('RequestLog::record', fn () => (new Conduit\RequestLog($store))->record(['method' => 'GET', 'url' => 'http://h/x', 'request_headers' => ['Authorization' => SECRET], 'nope' => 1], ['secrets' => [SECRET], 'nope' => 1]));
show('Store::__construct', fn () => new Conduit\Store('mysql://root:' . SECRET . '@127.0.0.1:3306/db', ['no_such_option' => 1]));
show('SecretBox::__construct', fn () => new Conduit\SecretBox(['keys' => ['k1' => ['key' => SECRET]]]));
show('WebhookSecurity::__construct', fn () => new Conduit\WebhookSecurity(['scheme' => 'hmac', 'secrets' => [SECRET], 'tolerance_s' => -1]));
@unlink(sys_get_temp_dir() . '/conduit-004-' . getmypid() . '.db');
?>
--EXPECT--
Conduit\ApiClient::__construct: baseUrl, options
Conduit\ApiClient::request: options
Conduit\ApiClient::send: options
Conduit\ApiClient::sendMany: requests, options
Conduit\SyncQueue::pushRequest: options
Conduit\RequestLog::record: entry, options
Conduit\Store::__construct: dsn
Conduit\SecretBox::__construct: keyring
Conduit\SecretBox::encrypt: plain
Conduit\WebhookSecurity::__construct: config
ApiClient::__construct: __construct(SensitiveParameterValue, SensitiveParameterValue)
ApiClient::send: send(string, string, SensitiveParameterValue)
ApiClient::request: request(string, string, SensitiveParameterValue)
ApiClient::sendMany: sendMany(SensitiveParameterValue, SensitiveParameterValue)
SyncQueue::pushRequest: pushRequest(string, string, SensitiveParameterValue)
RequestLog::record: record(SensitiveParameterValue, SensitiveParameterValue)
Store::__construct: __construct(SensitiveParameterValue, array)
SecretBox::__construct: __construct(SensitiveParameterValue)
WebhookSecurity::__construct: __construct(SensitiveParameterValue)
