<?php
/**
 * Makes real traffic on the browser-test site through the module's own clients and queue:
 *   php -d extension=… tests/browser/traffic.php [basic|more|hostile]
 * basic: successes, a 404, a 500, a transport error; deliveries (one that fails), a job
 * without a handler (failed at once), a job waiting for the future. more: 30 more requests
 * (the dashboard's charts move). hostile: a job and a log row whose payload/body carry HTML,
 * script, quotes, SQL fragments, invalid UTF-8 and 1 MB of text.
 */
$repo = dirname(__DIR__, 2);
require $repo . '/tests/bitrix-kernel/boot.php';
use Bitrix\Main\Loader;
use Conduit\Integration\Deliveries;
use Conduit\Integration\Queue\Processor;
use Conduit\Integration\Services;

Loader::includeModule('conduit.integration');
$what = $argv[1] ?? 'basic';
$client = Services::client('default');
$call = static function (callable $f): void {
    try {
        $f();
    } catch (\Throwable $e) {
        // logged by the client; that is the point
    }
};
$out = [];
if ($what === 'basic') {
    $call(fn () => $client->request('GET', '/orders', ['query' => ['page' => 1]]));
    $call(fn () => $client->request('POST', '/orders', ['json' => ['id' => 1001, 'items' => [['sku' => 'A-1', 'qty' => 2]]]]));
    $call(fn () => $client->request('GET', '/orders/404', ['query' => ['mock_status' => 404]]));
    $call(fn () => $client->request('PUT', '/stock/7', ['query' => ['mock_status' => 500], 'json' => ['qty' => 3]]));
    $call(fn () => Services::client('broken')->request('GET', '/ping'));
    $q = Services::queue();
    $out['delivery_ok'] = Deliveries::push('default', 'POST', '/orders/sync', ['json' => ['order' => 77]]);
    $out['delivery_fail'] = Deliveries::push('default', 'POST', '/orders/fail', ['query' => ['mock_status' => 503], 'json' => ['order' => 78], 'max_attempts' => 1]);
    $out['no_handler'] = $q->push('order.export', ['order' => 79], ['max_attempts' => 1]);
    $out['no_handler2'] = $q->push('order.export', ['order' => 80], ['max_attempts' => 1]);
    $out['later'] = $q->push('report.nightly', ['day' => date('Y-m-d')], ['delay_s' => 3600, 'dedupe_key' => 'nightly:' . date('Ymd'), 'group_key' => 'reports']);
    (new Processor('agent'))->run(microtime(true) + 10, 20, ['conduit.http', 'order.export']);
} elseif ($what === 'more') {
    for ($i = 0; $i < 30; $i++) {
        $call(fn () => $client->request('GET', '/catalog/items', ['query' => ['page' => $i, 'mock_latency_ms' => 5 + $i]]));
    }
    $call(fn () => $client->request('GET', '/catalog/broken', ['query' => ['mock_status' => 502]]));
} elseif ($what === 'webhooks') {
    // signed deliveries over HTTP to the site's public endpoint: valid, a replay, a bad signature, an unknown source
    $base = rtrim((string) ($argv[2] ?? ''), '/');
    $post = static function (string $url, string $body, array $headers): int {
        $lines = ['Content-Type: application/json'];
        foreach ($headers as $k => $v) {
            $lines[] = $k . ': ' . $v;
        }
        $ctx = stream_context_create(['http' => ['method' => 'POST', 'header' => implode("\r\n", $lines), 'content' => $body, 'ignore_errors' => true, 'timeout' => 10]]);
        @file_get_contents($url, false, $ctx);
        return (int) explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1];
    };
    $url = $base . '/bitrix/tools/conduit.integration/webhook.php?source=erp';
    $body = json_encode(['type' => 'order.updated', 'data' => ['id' => 501]]);
    $headers = Services::webhooks('erp')->sign($body, 'evt_' . bin2hex(random_bytes(4)));
    $out['valid'] = $post($url, $body, $headers);
    $out['replay'] = $post($url, $body, $headers);
    $out['tampered'] = $post($url, str_replace('501', '502', $body), $headers);
    $out['unknown'] = $post($base . '/bitrix/tools/conduit.integration/webhook.php?source=nope', $body, $headers);
} elseif ($what === 'russian') {
    // an agent on a Russian page hit meets the error: the stored words are Russian
    \Bitrix\Main\Localization\Loc::setCurrentLang('ru');
    $q = Services::queue();
    $out['ru_job'] = $q->push('order.export', ['order' => 81], ['max_attempts' => 1]);
    $out['ru_job2'] = $q->push('order.export', ['order' => 82], ['max_attempts' => 1]);
    $out['waiting'] = [$q->push('report.nightly', ['n' => 1], ['delay_s' => 3600]), $q->push('report.nightly', ['n' => 2], ['delay_s' => 3600])];
    (new Processor('agent'))->run(microtime(true) + 5, 5, ['order.export']);
} elseif ($what === 'hostile') {
    $evil = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> ' \" `; DROP TABLE b_conduit_jobs; -- \xC3\x28 \xFF";
    $out['hostile_job'] = Services::queue()->push('order.export', ['note' => mb_scrub($evil, 'UTF-8'), 'big' => str_repeat('A', 1024 * 1024)], ['max_attempts' => 1]);
    $call(fn () => $client->request('POST', '/evil/<script>alert(1)</script>', ['body' => $evil, 'headers' => ['X-Note' => '<b>bold</b> "q" \'s\''], 'query' => ['mock_body' => '<script>window.__pwned=3</script>{"a":"</pre><script>window.__pwned=4</script>"}', 'mock_header_Content-Type' => 'text/html']]));
    (new Processor('agent'))->run(microtime(true) + 5, 5, ['order.export']);
}
Services::requestLog()->flush();
echo json_encode($out), "\n";
