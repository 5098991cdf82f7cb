<?php
/**
 * `make demo`, part 2: the Bitrix module conduit.integration on the Bitrix test kernel.
 * An order saved on the site (sale:OnSaleOrderSaved, sent through EventManager) is queued
 * as a delivery to the "erp" connection, the queue agent (CAgent::ExecuteAgents) sends it
 * to the mock ERP, the ERP's status webhook comes back to the public endpoint
 * /bitrix/tools/conduit.integration/webhook.php (served by PHP's built-in server), and the
 * agent runs its handler. The mock ERP cannot send webhooks itself, so the demo signs the
 * ERP's callback with Conduit\WebhookSecurity::sign() — as the ERP would — and POSTs it.
 */
declare(strict_types=1);

use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\Loader;
use Bitrix\Main\ModuleManager;
use Conduit\Integration\Agent;
use Conduit\Integration\Deliveries;
use Conduit\Integration\Handlers;
use Conduit\Integration\JobContext;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\WebhookSecurity;

$erp = getenv('CONDUIT_MOCK_URL') ?: exit("CONDUIT_MOCK_URL is not set: run `make demo`\n");
$repo = dirname(__DIR__);
putenv('CONDUIT_KERNEL_ROOT=' . ($root = getenv('CONDUIT_DEMO_ROOT') ?: "$repo/target/bitrix-site-demo"));
putenv('CONDUIT_KERNEL_DB=' . (getenv('CONDUIT_DEMO_DB') ?: 'conduit_bitrix_demo'));
require_once "$repo/tests/bitrix-kernel/setup-site.php";
conduit_kernel_setup_site();
exec('rm -rf ' . escapeshellarg("$root/local/modules/conduit.integration") . ' && mkdir -p ' . escapeshellarg("$root/local/modules") . ' && cp -a ' . escapeshellarg("$repo/php/conduit.integration") . ' ' . escapeshellarg("$root/local/modules/"));
define('NO_AGENT_CHECK', true);
define('LANGUAGE_ID', 'en');
require "$repo/tests/bitrix-kernel/boot.php";

function section(string $title): void
{
    echo "\n\033[1m== $title\033[0m\n";
}
function say(string $text): void
{
    echo "  $text\n";
}
function runAgents(): void
{
    // As on a hit: due agents run. Make ours due now instead of waiting agent_interval_s.
    $agent = CAgent::GetList([], ['MODULE_ID' => 'conduit.integration'])->Fetch();
    CAgent::Update($agent['ID'], ['NEXT_EXEC' => \Bitrix\Main\Type\DateTime::createFromTimestamp(time() - 1)->toString()]);
    CAgent::ExecuteAgents();
    $run = Agent::lastRun();
    say(sprintf('agent run (%s, %.0f ms): delivered %d, handled %d, failed %d%s', $run['mode'], $run['duration_s'] * 1000,
        $run['delivered'], $run['handled'], $run['failed'] + $run['handler_failed'], empty($run['error']) ? '' : ', error: ' . $run['error']));
}

section('The Bitrix module on the test kernel (' . $root . ')');
$module = CModule::CreateModuleObject('conduit.integration');
if (ModuleManager::isModuleInstalled('conduit.integration')) {
    $module->DoUninstall(false);
}
$t = microtime(true);
if (!$module->DoInstall()) {
    exit('DoInstall failed: ' . $APPLICATION->GetException()->GetString() . "\n");
}
Loader::includeModule('conduit.integration');
$agentRow = CAgent::GetList([], ['MODULE_ID' => 'conduit.integration'])->Fetch();
say(sprintf('installed in %.0f ms: tables %s; agent %s every %d s', (microtime(true) - $t) * 1000,
    implode(', ', \Conduit\Integration\Storage\Schema::existingTables()), $agentRow['NAME'], $agentRow['AGENT_INTERVAL']));

$webhookSecret = 'whsec_' . base64_encode(random_bytes(32));
Settings::saveConnection('erp', [
    'base_url' => "$erp/erp/api", 'auth' => ['type' => 'bearer', 'token' => 'erp-demo-token-0002'],
    'timeout' => 5.0, 'retry' => ['max_attempts' => 3, 'base_delay_ms' => 50, 'max_delay_ms' => 500],
]);
Settings::saveWebhookSource('erp', ['scheme' => 'standard', 'secrets' => [$webhookSecret], 'job_type' => 'erp.order.status']);
say('connection "erp" → ' . "$erp/erp/api" . ' (bearer token stored encrypted); webhook source "erp" (Standard Webhooks)');

// What a site's init.php (or its own module) does: push orders, handle the ERP's callbacks.
EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderSaved', static function (Event $event): void {
    $order = $event->getParameter('ENTITY');
    $id = Deliveries::push('erp', 'POST', '/orders', [
        'json' => ['number' => $order['ACCOUNT_NUMBER'], 'sum' => $order['PRICE'], 'currency' => $order['CURRENCY']],
        'idempotency_key' => 'order-' . $order['ID'], 'dedupe_key' => 'order:' . $order['ID'],
    ]);
    static $queued = [];
    say(isset($queued[$id])
        ? "OnSaleOrderSaved (an edit): order {$order['ACCOUNT_NUMBER']} is already queued as job $id — deduplicated, nothing new"
        : "OnSaleOrderSaved: order {$order['ACCOUNT_NUMBER']} queued as delivery job $id (type " . Deliveries::typeFor('erp') . ')');
    $queued[$id] = true;
});
$statuses = [];
Handlers::register('erp.order.status', static function (array $payload, JobContext $context) use (&$statuses): array {
    $data = $payload['data'];
    $statuses[$data['order']] = $data['status'];
    say("handler erp.order.status: order {$data['order']} is \"{$data['status']}\" in the ERP (job {$context->jobId}, attempt {$context->attempt})");
    return ['updated' => $data['order']];
});

section('1. An order is saved on the site');
$t = microtime(true);
$event = new Event('sale', 'OnSaleOrderSaved', ['ENTITY' => ['ID' => 501, 'ACCOUNT_NUMBER' => 'A-501', 'PRICE' => 4990.0, 'CURRENCY' => 'RUB'], 'IS_NEW' => true]);
$event->send();
// Saving it again (an edit) while the first delivery is pending queues nothing new.
(new Event('sale', 'OnSaleOrderSaved', ['ENTITY' => ['ID' => 501, 'ACCOUNT_NUMBER' => 'A-501', 'PRICE' => 4990.0, 'CURRENCY' => 'RUB'], 'IS_NEW' => false]))->send();
say(sprintf('the visitor waited %.1f ms (no ERP call on the hit); pending jobs: %d', (microtime(true) - $t) * 1000, Services::queue()->count(['status' => 'pending'])));

section('2. The agent delivers it to the ERP');
runAgents();
$requests = json_decode((string) file_get_contents("$erp/__admin/requests?path_prefix=/erp/"), true);
$last = end($requests);
say(sprintf('the ERP received %s %s with Authorization "%s…" and Idempotency-Key %s', $last['method'], $last['path'],
    substr($last['headers']['authorization'], 0, 12), $last['headers']['idempotency-key']));

section('3. The ERP calls back: a signed webhook to /bitrix/tools/conduit.integration/webhook.php?source=erp');
$socket = stream_socket_server('tcp://127.0.0.1:0');
$port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
fclose($socket);
$server = proc_open([PHP_BINARY, '-d', 'extension=' . (getenv('CONDUIT_EXTENSION') ?: "$repo/target/release/libconduit.so"), '-S', "127.0.0.1:$port", '-t', $root],
    [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, $root, getenv());
for ($i = 0; $i < 100 && @fsockopen('127.0.0.1', $port) === false; $i++) {
    usleep(50_000);
}
$url = "http://127.0.0.1:$port/bitrix/tools/conduit.integration/webhook.php?source=erp";
$erpSigner = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$webhookSecret]]);
$post = static function (string $body, array $headers) use ($url): array {
    $lines = ['Content-Type: application/json'];
    foreach ($headers as $name => $value) {
        $lines[] = "$name: $value";
    }
    $t = microtime(true);
    $answer = (string) @file_get_contents($url, false, stream_context_create(['http' => ['method' => 'POST', 'header' => implode("\r\n", $lines), 'content' => $body, 'ignore_errors' => true]]));
    preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0] ?? '', $m);
    return [(int) ($m[1] ?? 0), $answer, (microtime(true) - $t) * 1000];
};
$body = '{"type": "order.status", "order": "A-501", "status": "shipped"}';
$headers = $erpSigner->sign($body, 'msg_erp_a501_shipped');
[$status, $answer, $ms] = $post($body, $headers);
say(sprintf('POST (signed by the ERP) → %d %s in %.1f ms', $status, $answer, $ms));
[$status, $answer] = $post($body, $headers);
say("the same delivery again (the ERP's retry) → $status $answer");
[$status, $answer] = $post(str_replace('shipped', 'cancelled', $body), $headers);
say("a forged body with the captured signature → $status $answer");
proc_terminate($server);
proc_close($server);

section('4. The agent runs the webhook handler');
runAgents();
say('order A-501 status on the site: ' . ($statuses['A-501'] ?? 'unknown'));

section('What happened');
$stats = Services::queue()->stats();
foreach ($stats['by_type'] as $type => $counts) {
    say(sprintf('queue %-20s %s', $type, implode(', ', array_map(fn ($k, $v) => "$k $v", array_keys($counts), $counts))));
}
Services::requestLog()->flush();
$log = Services::requestLog()->stats(3600);
say(sprintf('request log: %d request(s), error rate %.0f %%, p95 %.1f ms', $log['requests'], $log['error_rate'] * 100, $log['p95_ms']));
foreach (WebhookEventTable::getList(['filter' => ['=SOURCE' => 'erp'], 'order' => ['ID' => 'ASC']])->fetchAll() as $row) {
    say(sprintf('webhook event %-10s %s %s job %s', $row['VERDICT'], $row['HTTP_STATUS'], $row['REASON'] ?? '', $row['JOB_ID'] ?? '—'));
}
$raw = '';
$rows = \Bitrix\Main\Application::getConnection()->query("SELECT VALUE FROM b_option WHERE MODULE_ID = 'conduit.integration'");
while ($r = $rows->fetch()) {
    $raw .= $r['VALUE'];
}
say('secrets in clear in b_option: ' . (substr_count($raw, 'erp-demo-token-0002') + substr_count($raw, $webhookSecret)));
say('the module stays installed; look around with:');
say(sprintf('  CONDUIT_KERNEL_ROOT=%s CONDUIT_KERNEL_DB=%s php -d extension=%s/target/release/libconduit.so %s/local/modules/conduit.integration/bin/conduit queue:stats --boot=%s/tests/bitrix-kernel/boot.php',
    $root, getenv('CONDUIT_KERNEL_DB'), $repo, $root, $repo));
