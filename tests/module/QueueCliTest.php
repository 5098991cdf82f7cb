<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Orm\WebhookEventTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Tests\Support\MockApi;

/** `php bin/conduit` queue, log and check commands in a child process. */
final class QueueCliTest extends ModuleTestCase
{
    public function testQueueStatsRetryFailedAndQueueRun(): void
    {
        self::ensureInstalled();
        $type = self::uniqueName('t') . '.cli';
        $queue = Services::queue();
        $ids = [$queue->push($type, []), $queue->push($type, [])];
        try {
            [$code, $out, $err] = self::runCli(['queue:stats', '--json']);
            $this->assertSame(0, $code, $err);
            $this->assertSame(2, json_decode($out, true)['queue']['by_type'][$type]['pending']);

            [$code, $out, $err] = self::runCli(['queue:run']);
            $this->assertSame(0, $code, $out . $err);
            $this->assertSame('failed', $queue->get($ids[0])->status, 'no handler in the CLI process: dead-lettered');
            $run = json_decode(self::rawOptions()['agent_last_run'] ?? 'null', true); // written by the child (this process caches options)
            $this->assertSame('cron', $run['mode'], 'from the command line (BX_CRONTAB) the agent takes the cron budget');
            $this->assertGreaterThanOrEqual(2, $run['no_handler']);

            [$code, $out] = self::runCli(['queue:stats']);
            $this->assertSame(0, $code);
            $this->assertMatchesRegularExpression('/' . preg_quote($type, '/') . '\s+pending\s+0\s+running\s+0\s+done\s+0\s+failed\s+2/', $out);

            [$code, $out] = self::runCli(['queue:retry-failed', '--type=' . $type]);
            $this->assertSame(0, $code);
            $this->assertStringContainsString('2', $out);
            $this->assertSame('pending', $queue->get($ids[1])->status);

            [$code, , $err] = self::runCli(['queue:retry-failed', '--bogus']);
            $this->assertSame(1, $code);
            $this->assertStringContainsString('--bogus', $err);
        } finally {
            foreach ($ids as $id) {
                $queue->delete($id);
            }
        }
    }

    public function testLogPurgeDeletesOldRequestLogAndWebhookEvents(): void
    {
        self::ensureInstalled();
        $source = self::uniqueName('purge');
        $old = WebhookEventTable::add(['CREATED_AT' => (time() - 40 * 86400) * 1000, 'SOURCE' => $source, 'VERDICT' => 'accepted', 'HTTP_STATUS' => 200, 'BODY_BYTES' => 1])->getId();
        $new = WebhookEventTable::add(['CREATED_AT' => time() * 1000, 'SOURCE' => $source, 'VERDICT' => 'accepted', 'HTTP_STATUS' => 200, 'BODY_BYTES' => 1])->getId();
        try {
            [$code, $out, $err] = self::runCli(['log:purge', '--older-than=30d']);
            $this->assertSame(0, $code, $err);
            $this->assertNull(WebhookEventTable::getRowById($old));
            $this->assertNotNull(WebhookEventTable::getRowById($new));
            [$code] = self::runCli(['log:purge', '--older-than=soon']);
            $this->assertSame(1, $code);
        } finally {
            WebhookEventTable::delete($new);
        }
    }

    public function testCheckProbesEachConnection(): void
    {
        self::ensureInstalled();
        $up = self::uniqueName('up');
        $down = self::uniqueName('down');
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $closed = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        Settings::saveConnection($up, ['base_url' => MockApi::get()->url(MockApi::prefix()), 'retry' => ['max_attempts' => 1]]);
        Settings::saveConnection($down, ['base_url' => "http://127.0.0.1:$closed/api", 'retry' => ['max_attempts' => 1], 'connect_timeout' => 1.0]);
        try {
            [$code, $out] = self::runCli(['check']);
            $this->assertSame(1, $code, 'one connection is unreachable: ' . $out);
            $this->assertMatchesRegularExpression('/^ok .*"' . preg_quote($up, '/') . '".*HTTP 200/m', $out);
            $this->assertMatchesRegularExpression('/^FAIL .*"' . preg_quote($down, '/') . '"/m', $out);
        } finally {
            Settings::deleteConnection($up);
            Settings::deleteConnection($down);
        }
    }
}
