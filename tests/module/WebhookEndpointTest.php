<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Handlers;
use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Integration\Webhook\Endpoint;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\Tests\Queue\Support\PrivateMariaDb;
use Conduit\WebhookSecurity;

require_once CONDUIT_TEST_REPO . '/tests/php/Queue/Support/PrivateMariaDb.php';

/**
 * The public webhook endpoint: Endpoint::handle() for every verdict, the event records the
 * admin page lists, and install/tools/webhook.php over real HTTP.
 */
final class WebhookEndpointTest extends ModuleTestCase
{
    private string $source;
    private string $jobType;
    private string $secret;
    private WebhookSecurity $signer;

    protected function setUp(): void
    {
        self::ensureInstalled();
        $this->source = self::uniqueName('wh');
        $this->jobType = 'webhook.' . $this->source;
        $this->secret = 'whsec_' . base64_encode(random_bytes(32));
        Settings::saveWebhookSource($this->source, ['scheme' => 'standard', 'secrets' => [$this->secret], 'tolerance_s' => 300, 'job_type' => $this->jobType]);
        $this->signer = new WebhookSecurity(['scheme' => 'standard', 'secrets' => [$this->secret]]);
    }

    protected function tearDown(): void
    {
        Handlers::unregister($this->jobType);
        Settings::deleteWebhookSource($this->source);
        foreach (Services::queue()->list(['type' => $this->jobType], null, 1000) as $job) {
            Services::queue()->delete($job->id);
        }
        foreach (WebhookEventTable::getList(['select' => ['ID'], 'filter' => ['=SOURCE' => $this->source]])->fetchAll() as $row) {
            WebhookEventTable::delete($row['ID']);
        }
    }

    private function body(string $id = 'ord-1'): string
    {
        // Spacing and escapes a re-encoding would change: the raw bytes are what is signed.
        return '{"type": "order.paid",  "order": {"id": "' . $id . '", "name": "\u0417\u0430\u043a\u0430\u0437"}}';
    }

    private static function json(array $response): array
    {
        return json_decode($response['body'], true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return list<array<string, mixed>> this source's event rows, oldest first */
    private function events(): array
    {
        return WebhookEventTable::getList(['filter' => ['=SOURCE' => $this->source], 'order' => ['ID' => 'ASC']])->fetchAll();
    }

    public function testAValidDeliveryQueuesOneJobAndAnswersAtOnce(): void
    {
        $body = $this->body();
        $headers = $this->signer->sign($body, 'msg_' . bin2hex(random_bytes(6)));
        $started = microtime(true);
        $response = Endpoint::handle($this->source, $body, $headers);
        $elapsed = microtime(true) - $started;

        $this->assertSame(200, $response['status']);
        $this->assertStringStartsWith('application/json', $response['headers']['Content-Type']);
        $answer = self::json($response);
        $this->assertTrue($answer['ok']);
        $this->assertIsInt($answer['job_id']);
        $this->assertArrayNotHasKey('duplicate', $answer);
        $this->assertLessThan(0.5, $elapsed, 'answered without waiting on anything external');

        $job = Services::queue()->get($answer['job_id']);
        $this->assertSame($this->jobType, $job->type);
        $this->assertSame('pending', $job->status);
        $this->assertSame($this->source, $job->payload['source']);
        $this->assertSame($headers['webhook-id'], $job->payload['event_id']);
        $this->assertSame('order.paid', $job->payload['event_type']);
        $this->assertSame(['type' => 'order.paid', 'order' => ['id' => 'ord-1', 'name' => 'Заказ']], $job->payload['data']);

        $events = $this->events();
        $this->assertCount(1, $events);
        $this->assertSame('accepted', $events[0]['VERDICT']);
        $this->assertSame((string) $answer['job_id'], (string) $events[0]['JOB_ID']);
        $this->assertSame($headers['webhook-id'], $events[0]['EVENT_ID']);
        $this->assertSame('200', (string) $events[0]['HTTP_STATUS']);
    }

    public function testATamperedBodyIsRefusedWithoutAJob(): void
    {
        $headers = $this->signer->sign($this->body('ord-1'));
        $response = Endpoint::handle($this->source, $this->body('ord-2'), $headers);
        $this->assertSame(401, $response['status']);
        $this->assertSame(['ok' => false, 'error' => 'bad_signature'], array_intersect_key(self::json($response), ['ok' => 1, 'error' => 1]));
        $this->assertSame(0, Services::queue()->count(['type' => $this->jobType]));
        $event = $this->events()[0];
        $this->assertSame(['rejected', 'bad_signature', '401'], [$event['VERDICT'], $event['REASON'], (string) $event['HTTP_STATUS']]);
        $this->assertNull($event['JOB_ID']);
    }

    public function testAReEncodedBodyIsTamperedToo(): void
    {
        $body = $this->body();
        $headers = $this->signer->sign($body);
        $reencoded = json_encode(json_decode($body, true));
        $this->assertSame(401, Endpoint::handle($this->source, $reencoded, $headers)['status'], 'the raw bytes are verified, not the decoded JSON');
    }

    public function testMissingHeadersAre400(): void
    {
        $headers = $this->signer->sign($this->body());
        foreach (['webhook-signature', 'webhook-id', 'webhook-timestamp'] as $name) {
            $without = $headers;
            unset($without[$name]);
            $response = Endpoint::handle($this->source, $this->body(), $without);
            $this->assertSame(400, $response['status'], $name);
            $this->assertSame('missing_header', self::json($response)['error'], $name);
        }
        $this->assertSame(400, Endpoint::handle($this->source, $this->body(), [])['status']);
        $this->assertSame(0, Services::queue()->count(['type' => $this->jobType]));
        $this->assertSame(['missing_header'], array_values(array_unique(array_column($this->events(), 'REASON'))));
    }

    public function testAnExpiredTimestampIs401(): void
    {
        $body = $this->body();
        $old = $this->signer->sign($body, 'msg_old', time() - 3600);
        $response = Endpoint::handle($this->source, $body, $old);
        $this->assertSame(401, $response['status']);
        $this->assertSame('timestamp_too_old', self::json($response)['error']);
        $future = $this->signer->sign($body, 'msg_future', time() + 3600);
        $this->assertSame('timestamp_too_new', self::json(Endpoint::handle($this->source, $body, $future))['error']);
        $this->assertSame(0, Services::queue()->count(['type' => $this->jobType]));
    }

    public function testAReplayAfterTheJobFinishedIsADuplicateAndQueuesNothing(): void
    {
        $handled = 0;
        Handlers::register($this->jobType, function () use (&$handled) {
            $handled++;
        });
        $body = $this->body();
        $headers = $this->signer->sign($body, 'msg_' . bin2hex(random_bytes(6)));
        $first = self::json(Endpoint::handle($this->source, $body, $headers));

        // While it is pending: a duplicate.
        $again = Endpoint::handle($this->source, $body, $headers);
        $this->assertSame(200, $again['status']);
        $this->assertSame(['ok' => true, 'job_id' => $first['job_id'], 'duplicate' => true], self::json($again));

        // The agent runs it; the sender redelivers the same event (its retry after our answer got lost).
        eval('$next = ' . \Conduit\Integration\Agent::CALL);
        $this->assertSame('done', Services::queue()->get($first['job_id'])->status);
        $this->assertSame(1, $handled);
        $replay = Endpoint::handle($this->source, $body, $this->signer->sign($body, $headers['webhook-id']));
        $this->assertSame(200, $replay['status']);
        $this->assertSame(['ok' => true, 'job_id' => $first['job_id'], 'duplicate' => true], self::json($replay));

        eval('$next = ' . \Conduit\Integration\Agent::CALL);
        $this->assertSame(1, $handled, 'the handler ran once');
        $this->assertSame(1, Services::queue()->count(['type' => $this->jobType]), 'one job for the event');
        $this->assertSame(['accepted', 'duplicate', 'duplicate'], array_column($this->events(), 'VERDICT'));

        // Another event is a new job.
        $other = self::json(Endpoint::handle($this->source, $this->body('ord-9'), $this->signer->sign($this->body('ord-9'))));
        $this->assertNotSame($first['job_id'], $other['job_id']);
        $this->assertArrayNotHasKey('duplicate', $other);
    }

    public function testAnUnknownSourceIs404(): void
    {
        $body = $this->body();
        foreach (['no-such-source', '', '../../etc/passwd', str_repeat('a', 300)] as $source) {
            $response = Endpoint::handle($source, $body, $this->signer->sign($body));
            $this->assertSame(404, $response['status'], $source);
            $this->assertSame('unknown_source', self::json($response)['error']);
        }
        $rows = WebhookEventTable::getList(['filter' => ['=SOURCE' => 'no-such-source', '=REASON' => 'unknown_source'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetchAll();
        $this->assertCount(1, $rows);
        WebhookEventTable::delete($rows[0]['ID']);
    }

    public function testABodyOverTheLimitIs413(): void
    {
        Settings::saveWebhookSource($this->source, ['scheme' => 'standard', 'secrets' => [$this->secret], 'job_type' => $this->jobType, 'max_body_bytes' => 2048]);
        $body = '{"type":"big","data":"' . str_repeat('x', 4096) . '"}';
        $response = Endpoint::handle($this->source, $body, $this->signer->sign($body));
        $this->assertSame(413, $response['status']);
        $this->assertSame('body_too_large', self::json($response)['error']);
        $this->assertSame(0, Services::queue()->count(['type' => $this->jobType]));
        $event = $this->events()[0];
        $this->assertSame(['rejected', 'body_too_large', (string) strlen($body)], [$event['VERDICT'], $event['REASON'], (string) $event['BODY_BYTES']]);

        // The module-wide limit applies to sources without their own.
        Settings::saveWebhookSource($this->source, ['scheme' => 'standard', 'secrets' => [$this->secret], 'job_type' => $this->jobType]);
        $limit = (int) Settings::get('webhook_max_body_bytes');
        $huge = '{"data":"' . str_repeat('y', $limit) . '"}';
        $this->assertSame(413, Endpoint::handle($this->source, $huge, $this->signer->sign($huge))['status']);
    }

    public function testTheDatabaseDownIs503WithRetryAfterAndNothingIsLost(): void
    {
        $server = new PrivateMariaDb();
        $server->query('CREATE DATABASE hooks');
        $store = new Store($server->dsn('hooks'), ['table_prefix' => 'b_conduit_', 'connect_timeout_s' => 1]);
        $store->migrate();
        $endpoint = new Endpoint(new SyncQueue($store));
        $body = $this->body();
        $headers = $this->signer->sign($body, 'msg_' . bin2hex(random_bytes(6)));

        $server->stop();
        $down = $endpoint->receive($this->source, $body, $headers);
        $this->assertSame(503, $down['status']);
        $this->assertSame((string) Settings::get('webhook_retry_after_s'), $down['headers']['Retry-After']);
        $this->assertSame('queue_unavailable', self::json($down)['error']);
        $event = $this->events()[0];
        $this->assertSame(['unavailable', 'queue_unavailable', '503'], [$event['VERDICT'], $event['REASON'], (string) $event['HTTP_STATUS']]);
        $this->assertStringNotContainsString($this->secret, (string) $event['MESSAGE']);

        // The sender retries (same event, fresh signature) once the database is back.
        $server->start();
        $retry = $endpoint->receive($this->source, $body, $this->signer->sign($body, $headers['webhook-id']));
        $this->assertSame(200, $retry['status']);
        $answer = self::json($retry);
        $this->assertArrayNotHasKey('duplicate', $answer);
        $queue = new SyncQueue($store);
        $this->assertSame(1, $queue->count(['type' => $this->jobType]));
        $this->assertSame($headers['webhook-id'], $queue->get($answer['job_id'])->payload['event_id']);
        unset($endpoint, $queue, $store);
    }

    public function testOtherSchemesUseTheirOwnHeadersAndIds(): void
    {
        $secret = 'whsec_stripe_' . bin2hex(random_bytes(8));
        Settings::saveWebhookSource($this->source, ['scheme' => 'stripe', 'secrets' => [$secret], 'job_type' => $this->jobType]);
        $stripe = new WebhookSecurity(['scheme' => 'stripe', 'secrets' => [$secret]]);
        $body = '{"id":"evt_' . bin2hex(random_bytes(4)) . '","type":"charge.succeeded"}';
        $first = self::json(Endpoint::handle($this->source, $body, $stripe->sign($body)));
        $this->assertTrue($first['ok']);
        $second = self::json(Endpoint::handle($this->source, $body, $stripe->sign($body)));
        $this->assertSame(['ok' => true, 'job_id' => $first['job_id'], 'duplicate' => true], $second, 'the body id dedupes');
    }

    public function testTheToolsFileIsInstalledAndAnswersOverHttp(): void
    {
        $file = CONDUIT_TEST_ROOT . '/bitrix/tools/conduit.integration/webhook.php';
        $this->assertFileExists($file, 'InstallFiles copied install/tools/webhook.php');
        if (CONDUIT_TEST_REAL_SITE) {
            $this->markTestSkipped('a real site serves the file through its own web server');
        }
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $command = [PHP_BINARY];
        if (($ext = getenv('CONDUIT_EXTENSION')) !== false && $ext !== '') {
            array_push($command, '-d', 'extension=' . $ext);
        }
        array_push($command, '-S', '127.0.0.1:' . $port, '-t', CONDUIT_TEST_ROOT);
        $env = getenv();
        $server = proc_open($command, [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, CONDUIT_TEST_ROOT, $env);
        try {
            $url = "http://127.0.0.1:$port/bitrix/tools/conduit.integration/webhook.php?source=" . rawurlencode($this->source);
            for ($i = 0; $i < 100 && @fsockopen('127.0.0.1', $port) === false; $i++) {
                usleep(50_000);
            }
            $body = $this->body();
            $headers = $this->signer->sign($body);
            [$status, $answer] = self::post($url, $body, $headers);
            $this->assertSame(200, $status, $answer);
            $answer = json_decode($answer, true);
            $this->assertTrue($answer['ok']);
            $this->assertSame($headers['webhook-id'], Services::queue()->get($answer['job_id'])->payload['event_id']);
            [$status] = self::post($url, $body . ' ', $headers);
            $this->assertSame(401, $status);
            [$status] = self::post($url, null, []);
            $this->assertSame(405, $status, 'GET');
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
    }

    /** @return array{0: int, 1: string} */
    private static function post(string $url, ?string $body, array $headers): array
    {
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = "$name: $value";
        }
        $lines[] = 'Content-Type: application/json';
        $context = stream_context_create(['http' => ['method' => $body === null ? 'GET' : 'POST', 'header' => implode("\r\n", $lines), 'content' => (string) $body, 'ignore_errors' => true, 'timeout' => 10]]);
        $answer = (string) @file_get_contents($url, false, $context);
        preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0] ?? '', $m);
        return [(int) ($m[1] ?? 0), $answer];
    }
}
