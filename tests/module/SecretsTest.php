<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Config\Option;
use Conduit\Integration\Exception\KeyException;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

/** Secrets are SecretBox ciphertext in b_option, bound to their option; keys rotate. */
final class SecretsTest extends ModuleTestCase
{
    private array $connections = [];
    private array $sources = [];
    private ?string $keyFile = null;
    private string|false $envBefore = false;
    private array $keyFiles = [];
    private mixed $configBefore = null;
    private bool $configChanged = false;

    protected function setUp(): void
    {
        self::ensureInstalled();
        $this->envBefore = getenv(KeyRing::ENV_KEY_FILE);
    }

    protected function tearDown(): void
    {
        foreach ($this->connections as $name) {
            Settings::deleteConnection($name);
        }
        foreach ($this->sources as $name) {
            Settings::deleteWebhookSource($name);
        }
        putenv($this->envBefore === false ? KeyRing::ENV_KEY_FILE : KeyRing::ENV_KEY_FILE . '=' . $this->envBefore);
        if ($this->configChanged) {
            $this->configBefore === null
                ? Configuration::getInstance()->delete('conduit')
                : Configuration::getInstance()->add('conduit', $this->configBefore);
        }
        foreach ($this->keyFiles as $file) {
            @unlink($file);
        }
        Services::reset();
        if ($this->keyFile !== null && is_file($this->keyFile)) {
            unlink($this->keyFile);
        }
    }

    /** @return list<string> the forms a leaked secret could take in a row */
    private static function encodings(string $secret): array
    {
        return [$secret, base64_encode($secret), rtrim(strtr(base64_encode($secret), '+/', '-_'), '='), bin2hex($secret), rawurlencode($secret), substr(json_encode($secret), 1, -1), strrev($secret)];
    }

    public function testRawOptionRowsHoldNoSecretByte(): void
    {
        $token = 'tok-' . bin2hex(random_bytes(12));
        $password = 'pw-' . bin2hex(random_bytes(12));
        $apiKey = 'key-' . bin2hex(random_bytes(12));
        $proxy = 'http://proxyuser:proxy-' . bin2hex(random_bytes(6)) . '@127.0.0.1:3128';
        $hook = 'hook-' . bin2hex(random_bytes(12));
        $a = $this->connections[] = self::uniqueName('t');
        $b = $this->connections[] = self::uniqueName('t');
        $w = $this->sources[] = self::uniqueName('wh');
        Settings::saveConnection($a, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => $token], 'headers' => ['X-Api-Key' => $apiKey, 'Accept' => 'application/json'], 'proxy' => $proxy]);
        Settings::saveConnection($b, ['base_url' => 'https://b.example.com', 'auth' => ['type' => 'basic', 'username' => 'shop', 'password' => $password]]);
        Settings::saveWebhookSource($w, ['scheme' => 'stripe', 'secrets' => $hook]);

        $raw = self::rawOptions();
        $this->assertArrayHasKey('connection.' . $a, $raw);
        $this->assertArrayHasKey('webhook.' . $w, $raw);
        $dump = implode("\n", array_keys($raw)) . "\n" . implode("\n", $raw);
        foreach ([$token, $password, $apiKey, $proxy, 'proxyuser', $hook] as $secret) {
            foreach (self::encodings($secret) as $form) {
                $this->assertStringNotContainsString($form, $dump, 'a secret is readable in b_option');
            }
        }
        $this->assertMatchesRegularExpression('/"cdt1:[A-Za-z0-9._-]+:[A-Za-z0-9_-]+"/', $raw['connection.' . $a]);
        $this->assertStringContainsString('application/json', $raw['connection.' . $a], 'non-secret headers stay readable');

        // ... and they read back decrypted.
        $this->assertSame($token, Settings::connection($a)['auth']['token']);
        $this->assertSame($apiKey, Settings::connection($a)['headers']['X-Api-Key']);
        $this->assertSame($proxy, Settings::connection($a)['proxy']);
        $this->assertSame($password, Settings::connection($b)['auth']['password']);
        $this->assertSame([$hook], Settings::webhookSource($w)['secrets']);
    }

    public function testACiphertextCopiedToAnotherOptionDoesNotDecrypt(): void
    {
        $a = $this->connections[] = self::uniqueName('t');
        $b = $this->connections[] = self::uniqueName('t');
        Settings::saveConnection($a, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => 'secret-of-a']]);
        Settings::saveConnection($b, ['base_url' => 'https://b.example.com', 'auth' => ['type' => 'bearer', 'token' => 'secret-of-b']]);
        $rowA = json_decode(Option::get(self::MODULE, 'connection.' . $a), true);
        $rowB = json_decode(Option::get(self::MODULE, 'connection.' . $b), true);
        $rowB['auth']['token'] = $rowA['auth']['token'];
        Option::set(self::MODULE, 'connection.' . $b, json_encode($rowB));

        try {
            Settings::connection($b);
            $this->fail('a ciphertext moved to another option decrypted');
        } catch (KeyException $e) {
            $this->assertStringContainsString('auth_failed', $e->getMessage());
            $this->assertStringContainsString('connection.' . $b, $e->getMessage());
            $this->assertStringNotContainsString('secret-of-a', $e->getMessage());
        }
    }

    public function testRotationFromTheSiteKeyToAKeyFile(): void
    {
        $before = KeyRing::describe();
        if ($before['source'] === 'settings') {
            $this->markTestSkipped('the site configures its key ring in .settings_extra.php; the env-var rotation is not used there');
        }
        if (Settings::connections() !== [] || Settings::webhookSources() !== []) {
            $this->markTestSkipped('the site has its own stored secrets; this test would re-encrypt them under a throwaway key');
        }
        $name = $this->connections[] = self::uniqueName('t');
        Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => 'rotate-me']]);
        $oldId = $before['primary'];
        $this->assertStringContainsString('cdt1:' . $oldId . ':', self::rawOptions()['connection.' . $name]);

        // 1-2: a new key file outside the document root becomes primary; the old key stays for reading.
        $this->keyFile = tempnam(sys_get_temp_dir(), 'conduit-key-');
        file_put_contents($this->keyFile, \Conduit\SecretBox::generateKey());
        putenv(KeyRing::ENV_KEY_FILE . '=' . $this->keyFile);
        Services::reset();
        $ring = KeyRing::describe();
        $this->assertSame(KeyRing::FILE_KEY_ID, $ring['primary']);
        $this->assertSame('env', $ring['source']);
        if ($oldId === KeyRing::SITE_KEY_ID) {
            $this->assertContains(KeyRing::SITE_KEY_ID, $ring['key_ids']);
        }
        $this->assertSame('rotate-me', Settings::connection($name)['auth']['token'], 'old values still decrypt');

        // 3: re-encrypt everything under the new primary key.
        $this->assertGreaterThanOrEqual(1, Settings::rotateSecrets());
        $this->assertStringContainsString('cdt1:file:', self::rawOptions()['connection.' . $name]);
        $this->assertSame('rotate-me', Settings::connection($name)['auth']['token']);
        $this->assertSame(0, Settings::rotateSecrets(), 'nothing left to rotate');

        // Without the key file the value no longer decrypts: the message says what to do.
        Settings::deleteConnection($name);
    }

    /** Sets the `conduit` entry of the site configuration for this test (in memory, as .settings_extra.php would). */
    private function configure(array $value): void
    {
        if (!$this->configChanged) {
            $this->configBefore = Configuration::getValue('conduit');
            $this->configChanged = true;
        }
        Configuration::getInstance()->add('conduit', $value);
        Services::reset();
    }

    private function newKeyFile(): string
    {
        $file = tempnam(sys_get_temp_dir(), 'conduit-key-');
        file_put_contents($file, \Conduit\SecretBox::generateKey());
        return $this->keyFiles[] = $file;
    }

    public function testAKeyRingFromTheSiteConfigurationRotates(): void
    {
        if (Settings::connections() !== [] || Settings::webhookSources() !== []) {
            $this->markTestSkipped('the site has its own stored secrets; this test would re-encrypt them under a throwaway key');
        }
        $name = $this->connections[] = self::uniqueName('t');
        $this->configure(['key_file' => $old = $this->newKeyFile()]);
        $this->assertSame(['primary' => 'file', 'source' => 'settings', 'key_file' => $old], array_intersect_key(KeyRing::describe(), ['primary' => 1, 'source' => 1, 'key_file' => 1]));
        Settings::saveConnection($name, ['base_url' => 'https://a.example.com', 'auth' => ['type' => 'bearer', 'token' => 'ring-token']]);
        $this->assertStringContainsString('cdt1:file:', self::rawOptions()['connection.' . $name]);

        // Rotation: the new key primary, the old one kept for reading.
        $this->configure(['keys' => ['2026' => ['key_file' => $this->newKeyFile()], 'file' => ['key_file' => $old]], 'primary' => '2026']);
        $ring = KeyRing::describe();
        $this->assertSame('2026', $ring['primary']);
        $this->assertContains('file', $ring['key_ids']);
        $this->assertSame('ring-token', Settings::connection($name)['auth']['token']);
        $this->assertSame(1, Settings::rotateSecrets());
        $this->assertStringContainsString('cdt1:2026:', self::rawOptions()['connection.' . $name]);

        // The old key removed: everything still reads.
        $this->configure(['keys' => ['2026' => ['key_file' => $this->keyFiles[1]]]]);
        $this->assertSame('ring-token', Settings::connection($name)['auth']['token']);

        // A value under a key that left the ring too early says so.
        $this->configure(['key_file' => $old]);
        try {
            Settings::connection($name);
            $this->fail('a value under a removed key decrypted');
        } catch (KeyException $e) {
            $this->assertStringContainsString('unknown_key_id', $e->getMessage());
        }
        Settings::deleteConnection($name);
    }

    public static function badRings(): array
    {
        return [
            'several keys, no primary' => [['keys' => ['a' => ['key_file' => '/etc/a.key'], 'b' => ['key_file' => '/etc/b.key']]], 'primary'],
            'empty ring' => [['keys' => []], 'keys'],
            // The engine never quotes the primary id: it may be a key pasted into the wrong field.
            'unknown primary' => [['keys' => ['a' => ['key' => \Conduit\SecretBox::generateKey()]], 'primary' => 'zz'], '"primary" key id'],
            'short key' => [['keys' => ['a' => ['key' => base64_encode('short')]]], '"a"'],
        ];
    }

    /** @dataProvider badRings */
    public function testABadKeyRingIsRefusedWithAClearMessage(array $config, string $fragment): void
    {
        $this->configure($config);
        try {
            KeyRing::box();
            $this->fail('accepted ' . json_encode($config));
        } catch (KeyException $e) {
            $this->assertStringContainsString($fragment, $e->getMessage());
        }
        $this->assertNotSame([], \Conduit\Integration\Install\Requirements::problems(), 'the install check reports it too');
    }

    public function testAKeyFileInsideTheDocumentRootIsRefused(): void
    {
        if (KeyRing::describe()['source'] === 'settings') {
            $this->markTestSkipped('the site configures its key ring in .settings_extra.php');
        }
        $this->keyFile = CONDUIT_TEST_ROOT . '/conduit-test-' . bin2hex(random_bytes(4)) . '.key';
        file_put_contents($this->keyFile, \Conduit\SecretBox::generateKey());
        putenv(KeyRing::ENV_KEY_FILE . '=' . $this->keyFile);
        Services::reset();
        try {
            KeyRing::box();
            $this->fail('a key file inside the document root was accepted');
        } catch (KeyException $e) {
            $this->assertStringContainsString($this->keyFile, $e->getMessage());
        }
    }

    public function testAnUnreadableKeyFileSaysWhatIsWrong(): void
    {
        if (KeyRing::describe()['source'] === 'settings') {
            $this->markTestSkipped('the site configures its key ring in .settings_extra.php');
        }
        putenv(KeyRing::ENV_KEY_FILE . '=/nonexistent/conduit/secretbox.key');
        Services::reset();
        try {
            KeyRing::box();
            $this->fail('a missing key file was accepted');
        } catch (KeyException $e) {
            $this->assertStringContainsString('/nonexistent/conduit/secretbox.key', $e->getMessage());
            $this->assertInstanceOf(\Conduit\ConfigException::class, $e->getPrevious());
        }
    }
}
