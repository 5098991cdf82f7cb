<?php

namespace Conduit\Integration\Security;

use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Localization\Loc;
use Conduit\ConfigException;
use Conduit\Integration\Exception\KeyException;
use Conduit\SecretBox;

Loc::loadMessages(__FILE__);

/**
 * The key ring that encrypts the module's secrets (`Conduit\SecretBox`, AES-256-GCM).
 *
 * Where the keys come from, first match wins for the primary key:
 * 1. `bitrix/.settings_extra.php` (or `.settings.php`) key `conduit`:
 *    `'conduit' => ['value' => ['key_file' => '/etc/conduit/secretbox.key']]` — one key, id "file";
 *    or a full ring for rotation:
 *    `'conduit' => ['value' => ['keys' => ['2025' => ['key_file' => '/etc/conduit/2025.key'],
 *    '2024' => ['key_file' => '/etc/conduit/2024.key']], 'primary' => '2025']]`;
 * 2. the environment variable `CONDUIT_KEY_FILE` (a path) — one key, id "file";
 * 3. the fallback: a key derived with HKDF-SHA256 from `crypto.crypto_key` in
 *    `bitrix/.settings.php` (SecretBox `site_secret`), id "site".
 *
 * The "site" key stays in the ring (for decryption only) when a key file is primary, so
 * values written before the key file existed still decrypt until
 * {@see \Conduit\Integration\Settings::rotateSecrets()} re-encrypts them.
 * Key files must be outside the document root.
 */
final class KeyRing
{
    public const FILE_KEY_ID = 'file';
    public const SITE_KEY_ID = 'site';
    public const ENV_KEY_FILE = 'CONDUIT_KEY_FILE';

    private static ?SecretBox $box = null;
    private static ?array $description = null;

    private function __construct()
    {
    }

    /**
     * The process-wide SecretBox.
     *
     * @throws KeyException when no usable key is configured
     */
    public static function box(): SecretBox
    {
        if (self::$box === null) {
            [$ring, $description] = self::build();
            try {
                self::$box = new SecretBox($ring);
            } catch (ConfigException $e) {
                throw new KeyException((string) Loc::getMessage('CONDUIT_KEY_INVALID', ['#REASON#' => $e->getMessage()]), 0, $e);
            }
            self::$description = $description;
        }
        return self::$box;
    }

    /**
     * What the ring is made of, for the admin pages and `bin/conduit check`:
     * `primary` (key id), `source` ("settings", "env" or "crypto_key"), `key_file`
     * (path or null), `key_ids`. No key material.
     *
     * @throws KeyException
     */
    public static function describe(): array
    {
        self::box();
        return self::$description + ['key_ids' => array_map('strval', self::$box->keyIds())];
    }

    /** Forgets the built ring (after the configuration changed, and in tests). */
    public static function reset(): void
    {
        self::$box = null;
        self::$description = null;
    }

    /**
     * @return array{0: array, 1: array}
     * @throws KeyException
     */
    private static function build(): array
    {
        $keys = [];
        $primary = null;
        $description = ['primary' => null, 'source' => null, 'key_file' => null];

        $config = Configuration::getValue('conduit');
        $config = is_array($config) ? $config : [];
        if (isset($config['keys'])) {
            if (!is_array($config['keys']) || $config['keys'] === []) {
                throw new KeyException((string) Loc::getMessage('CONDUIT_KEY_BAD_RING'));
            }
            foreach ($config['keys'] as $id => $source) {
                if (is_array($source) && isset($source['key_file'])) {
                    self::assertOutsideDocumentRoot((string) $source['key_file']);
                }
                $keys[(string) $id] = $source;
            }
            $primary = isset($config['primary']) ? (string) $config['primary'] : (count($keys) === 1 ? (string) array_key_first($keys) : null);
            if ($primary === null) {
                throw new KeyException((string) Loc::getMessage('CONDUIT_KEY_NO_PRIMARY'));
            }
            $primarySource = $keys[$primary] ?? null;
            $description = ['primary' => $primary, 'source' => 'settings', 'key_file' => is_array($primarySource) ? ($primarySource['key_file'] ?? null) : null];
        } elseif (isset($config['key_file']) && (string) $config['key_file'] !== '') {
            $file = (string) $config['key_file'];
            self::assertOutsideDocumentRoot($file);
            $keys[self::FILE_KEY_ID] = ['key_file' => $file];
            $primary = self::FILE_KEY_ID;
            $description = ['primary' => $primary, 'source' => 'settings', 'key_file' => $file];
        } elseif (($file = (string) getenv(self::ENV_KEY_FILE)) !== '') {
            self::assertOutsideDocumentRoot($file);
            $keys[self::FILE_KEY_ID] = ['key_file' => $file];
            $primary = self::FILE_KEY_ID;
            $description = ['primary' => $primary, 'source' => 'env', 'key_file' => $file];
        }

        $crypto = Configuration::getValue('crypto');
        $siteSecret = is_array($crypto) ? (string) ($crypto['crypto_key'] ?? '') : '';
        if (strlen($siteSecret) >= 16 && !isset($keys[self::SITE_KEY_ID])) {
            $keys[self::SITE_KEY_ID] = ['site_secret' => $siteSecret];
            if ($primary === null) {
                $primary = self::SITE_KEY_ID;
                $description = ['primary' => $primary, 'source' => 'crypto_key', 'key_file' => null];
            }
        }
        if ($primary === null) {
            throw new KeyException((string) Loc::getMessage('CONDUIT_KEY_NONE', ['#ENV#' => self::ENV_KEY_FILE]));
        }
        return [['keys' => $keys, 'primary' => $primary], $description];
    }

    /** @throws KeyException */
    private static function assertOutsideDocumentRoot(string $file): void
    {
        $root = (string) ($_SERVER['DOCUMENT_ROOT'] ?? '');
        if ($root === '') {
            return;
        }
        $rootReal = realpath($root) ?: $root;
        $fileReal = realpath($file) ?: $file;
        if (str_starts_with(rtrim($fileReal, '/') . '/', rtrim($rootReal, '/') . '/')) {
            throw new KeyException((string) Loc::getMessage('CONDUIT_KEY_IN_DOCUMENT_ROOT', ['#PATH#' => $file, '#ROOT#' => $rootReal]));
        }
    }
}
