<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Type\DateTime;
use Conduit\Integration\Exception\SettingsException;
use Conduit\Integration\Security\Secret;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

/** Named connections: added, changed, removed; options validated by the extension itself. */
final class ConnectionsTest extends ModuleTestCase
{
    private array $created = [];

    protected function setUp(): void
    {
        self::ensureInstalled();
    }

    protected function tearDown(): void
    {
        foreach ($this->created as $name) {
            Settings::deleteConnection($name);
        }
    }

    private function name(): string
    {
        return $this->created[] = self::uniqueName('t');
    }

    public function testAddChangeRemove(): void
    {
        $erp = $this->name();
        $crm = $this->name();
        Settings::saveConnection($erp, [
            'base_url' => 'https://erp.example.com/api/v2',
            'timeout' => 10.0, 'connect_timeout' => 3.0,
            'auth' => ['type' => 'bearer', 'token' => 'erp-token-1'],
            'retry' => ['max_attempts' => 4, 'base_delay_ms' => 200, 'max_delay_ms' => 30000],
            'rate_limit' => ['per_second' => 10, 'burst' => 20],
            'circuit_breaker' => ['failure_ratio' => 0.5, 'min_calls' => 20, 'open_s' => 30],
            'headers' => ['Accept' => 'application/json', 'X-Api-Key' => 'erp-key-1'],
            'verify_tls' => true,
            'max_redirects' => 0,
        ]);
        Settings::saveConnection($crm, ['base_url' => 'https://crm.example.com', 'auth' => ['type' => 'basic', 'username' => 'shop', 'password' => 'crm-pass']]);

        $this->assertContains($erp, Settings::connections());
        $this->assertContains($crm, Settings::connections());
        $this->assertTrue(Settings::hasConnection($erp));

        $read = Settings::connection($erp);
        $this->assertSame('https://erp.example.com/api/v2', $read['base_url']);
        $this->assertSame('erp-token-1', $read['auth']['token']);
        $this->assertSame('erp-key-1', $read['headers']['X-Api-Key']);
        $this->assertSame('application/json', $read['headers']['Accept']);
        $this->assertSame(10.0, $read['timeout']);
        $this->assertSame(4, $read['retry']['max_attempts']);
        $this->assertSame(0.5, $read['circuit_breaker']['failure_ratio']);
        $this->assertSame('crm-pass', Settings::connection($crm)['auth']['password']);

        // Changed: a new token, the rest replaced as given.
        Settings::saveConnection($erp, ['base_url' => 'https://erp2.example.com/api', 'auth' => ['type' => 'bearer', 'token' => 'erp-token-2']]);
        $read = Settings::connection($erp);
        $this->assertSame('https://erp2.example.com/api', $read['base_url']);
        $this->assertSame('erp-token-2', $read['auth']['token']);
        $this->assertArrayNotHasKey('headers', $read);
        $this->assertSame('https://erp2.example.com/api', Services::client($erp)->getBaseUrl(), 'the cached client follows the change');

        // Removed.
        $this->assertTrue(Settings::deleteConnection($erp));
        $this->assertFalse(Settings::deleteConnection($erp));
        $this->assertNotContains($erp, Settings::connections());
        $this->assertFalse(Settings::hasConnection($erp));
        $this->expectException(SettingsException::class);
        Settings::connection($erp);
    }

    public function testWriteOnlySecretsKeepTheStoredValueAndItsDate(): void
    {
        $name = $this->name();
        Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'header', 'name' => 'X-Key', 'value' => 'v-1']]);
        $info = Settings::connectionSecrets($name);
        $this->assertSame(['auth/value'], array_keys($info));
        $this->assertInstanceOf(DateTime::class, $info['auth/value']);
        $this->assertLessThanOrEqual(5, abs(time() - $info['auth/value']->getTimestamp()));

        $masked = Settings::connectionMasked($name);
        $this->assertSame(['set_at'], array_keys($masked['auth']['value']));
        $this->assertStringNotContainsString('v-1', json_encode($masked['auth'] + ['x' => (string) $masked['auth']['value']['set_at']]));

        Settings::saveConnection($name, ['base_url' => 'https://b.example.com', 'timeout' => 5, 'auth' => ['type' => 'header', 'name' => 'X-Key', 'value' => Secret::Keep]]);
        $this->assertSame('v-1', Settings::connection($name)['auth']['value']);
        $this->assertSame('https://b.example.com', Settings::connection($name)['base_url']);
        $this->assertEquals($info['auth/value']->getTimestamp(), Settings::connectionSecrets($name)['auth/value']->getTimestamp());
    }

    public function testKeepWithoutAStoredSecretIsRefused(): void
    {
        $name = $this->name();
        $this->expectException(SettingsException::class);
        $this->expectExceptionMessage('auth/token');
        Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => Secret::Keep]]);
    }

    public static function refused(): array
    {
        return [
            // options, a fragment of the message
            'no base_url' => [['timeout' => 3], 'base_url'],
            'relative base_url' => [['base_url' => '/api'], '/api'],
            'unknown option' => [['base_url' => 'https://a.example.com', 'timout' => 3], 'timout'],
            'negative timeout' => [['base_url' => 'https://a.example.com', 'timeout' => -1], 'timeout'],
            'bad auth type' => [['base_url' => 'https://a.example.com', 'auth' => ['type' => 'magic', 'token' => 'x']], 'magic'],
            'bad retry' => [['base_url' => 'https://a.example.com', 'retry' => ['max_attempts' => 'many']], 'max_attempts'],
            'log is the module\'s' => [['base_url' => 'https://a.example.com', 'log' => true], 'log'],
        ];
    }

    /** @dataProvider refused */
    public function testInvalidOptionsAreRefusedByTheExtensionAndNotStored(array $options, string $fragment): void
    {
        $name = $this->name();
        try {
            Settings::saveConnection($name, $options);
            $this->fail('accepted ' . json_encode($options));
        } catch (SettingsException $e) {
            $this->assertStringContainsString($name, $e->getMessage());
            $this->assertStringContainsString($fragment, $e->getMessage());
        }
        $this->assertFalse(Settings::hasConnection($name));
        $this->assertArrayNotHasKey('connection.' . $name, self::rawOptions());
    }

    public function testAFailedChangeKeepsThePreviousConnection(): void
    {
        $name = $this->name();
        Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => 'keep-me']]);
        try {
            Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'timeout' => 'soon']);
            $this->fail('accepted a bad timeout');
        } catch (SettingsException $e) {
            $this->assertInstanceOf(\Conduit\ConfigException::class, $e->getPrevious());
        }
        $this->assertSame('keep-me', Settings::connection($name)['auth']['token']);
    }

    public function testBadNamesAreRefused(): void
    {
        foreach (['', 'Default', 'a b', str_repeat('x', 41), '../x', 'ü'] as $bad) {
            try {
                Settings::saveConnection($bad, ['base_url' => 'https://a.example.com']);
                $this->fail("accepted name \"$bad\"");
            } catch (SettingsException $e) {
                $this->assertStringContainsString('default', $e->getMessage());
            }
        }
    }

    public function testWebhookSourcesRoundTrip(): void
    {
        $name = self::uniqueName('wh');
        try {
            Settings::saveWebhookSource($name, ['scheme' => 'hmac', 'secrets' => ['hook-secret-1', 'hook-secret-0'], 'header' => 'X-Hub-Signature-256', 'prefix' => 'sha256=', 'tolerance_s' => 120, 'job_type' => 'erp.webhook']);
            $this->assertContains($name, Settings::webhookSources());
            $source = Settings::webhookSource($name);
            $this->assertSame(['hook-secret-1', 'hook-secret-0'], $source['secrets']);
            $this->assertSame('erp.webhook', $source['job_type']);
            $this->assertCount(2, Settings::webhookSecrets($name));

            $hooks = Services::webhooks($name);
            $body = '{"id":"evt_1","type":"order.paid"}';
            $event = $hooks->verify($body, $hooks->sign($body));
            $this->assertSame('order.paid', $event->getType());

            Settings::saveWebhookSource($name, ['scheme' => 'hmac', 'secrets' => Secret::Keep, 'header' => 'X-Hub-Signature-256', 'prefix' => 'sha256=']);
            $this->assertSame(['hook-secret-1', 'hook-secret-0'], Settings::webhookSource($name)['secrets']);
            $this->assertSame('webhook.' . $name, Settings::webhookSource($name)['job_type'], 'job type defaults to webhook.<name>');

            foreach ([['scheme' => 'smoke', 'secrets' => 'x'], ['scheme' => 'standard', 'secrets' => 'not-whsec'], ['scheme' => 'hmac'], ['scheme' => 'hmac', 'secrets' => 'x', 'job_type' => 'bad type'], ['scheme' => 'hmac', 'secrets' => 'x', 'colour' => 'red']] as $bad) {
                try {
                    Settings::saveWebhookSource($name, $bad);
                    $this->fail('accepted ' . json_encode($bad));
                } catch (SettingsException $e) {
                    $this->assertStringContainsString($name, $e->getMessage());
                }
            }
            $this->assertSame('webhook.' . $name, Settings::webhookSource($name)['job_type'], 'refused changes leave the source as it was');
        } finally {
            Settings::deleteWebhookSource($name);
        }
        $this->assertFalse(Settings::hasWebhookSource($name));
    }
}
