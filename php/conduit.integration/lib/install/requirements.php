<?php

namespace Conduit\Integration\Install;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Exception\InstallException;
use Conduit\Integration\Exception\ModuleException;
use Conduit\Integration\Module;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Storage\Dsn;

Loc::loadMessages(__FILE__);

/**
 * What the server must offer before the module changes anything:
 * - the `conduit` PHP extension, of a version in
 *   [{@see Module::EXTENSION_MIN_VERSION}, {@see Module::EXTENSION_MAX_VERSION});
 * - the site database on MySQL ≥ 8.0 or MariaDB ≥ 10.6 (`SELECT … SKIP LOCKED`);
 * - a usable encryption key for stored secrets (a key file, or `crypto_key`).
 *
 * The inputs (extension version, database type and version, key check) are read from
 * the server unless overridden — the seam the module's tests use to show what an
 * administrator sees on an unsuitable server, without touching the server.
 */
final class Requirements
{
    public const MARIADB_MIN = '10.6.0';
    public const MYSQL_MIN = '8.0.0';

    /** @var array{extension_version?: ?string, database_type?: string, database_version?: string, key_check?: callable} */
    private static array $overrides = [];

    private function __construct()
    {
    }

    /**
     * Replaces inputs for the checks of this process: `extension_version` (null = not
     * loaded), `database_type` ("mysql", "pgsql"), `database_version` (e.g.
     * "10.3.39-MariaDB"), `key_check` (callable that throws). {@see resetOverrides()}.
     */
    public static function override(array $inputs): void
    {
        self::$overrides = $inputs + self::$overrides;
    }

    public static function resetOverrides(): void
    {
        self::$overrides = [];
    }

    /**
     * Every problem found, each a message that says what to do; empty when the
     * server is fine.
     *
     * @return list<string>
     */
    public static function problems(): array
    {
        $problems = [];

        $version = array_key_exists('extension_version', self::$overrides)
            ? self::$overrides['extension_version']
            : (extension_loaded('conduit') ? (string) phpversion('conduit') : null);
        if ($version === null || $version === '') {
            $problems[] = self::msg('CONDUIT_REQ_EXTENSION_MISSING', [
                '#SAPI#' => PHP_SAPI,
                '#INI_DIR#' => (string) (PHP_CONFIG_FILE_SCAN_DIR ?: PHP_CONFIG_FILE_PATH),
                '#EXT_DIR#' => (string) ini_get('extension_dir'),
                '#MIN#' => Module::EXTENSION_MIN_VERSION,
                '#MAX#' => Module::EXTENSION_MAX_VERSION,
            ]);
        } elseif (version_compare($version, Module::EXTENSION_MIN_VERSION, '<') || version_compare($version, Module::EXTENSION_MAX_VERSION, '>=')) {
            $problems[] = self::msg('CONDUIT_REQ_EXTENSION_VERSION', [
                '#VERSION#' => $version,
                '#MIN#' => Module::EXTENSION_MIN_VERSION,
                '#MAX#' => Module::EXTENSION_MAX_VERSION,
            ]);
        }

        try {
            $type = self::$overrides['database_type'] ?? Application::getConnection()->getType();
            if ($type !== 'mysql') {
                $problems[] = self::msg('CONDUIT_REQ_DB_TYPE', ['#TYPE#' => (string) $type]);
            } else {
                $dbVersion = self::$overrides['database_version'] ?? (string) Application::getConnection()->queryScalar('SELECT VERSION()');
                $problem = self::databaseProblem($dbVersion);
                if ($problem !== null) {
                    $problems[] = $problem;
                } elseif (!isset(self::$overrides['database_version'])) {
                    Dsn::forSite();
                }
            }
        } catch (InstallException $e) {
            $problems[] = $e->getMessage();
        } catch (\Throwable $e) {
            $problems[] = self::msg('CONDUIT_REQ_DB_ERROR', ['#REASON#' => $e->getMessage()]);
        }

        if ($version !== null && $version !== '') {
            try {
                $check = self::$overrides['key_check'] ?? static function (): void {
                    KeyRing::reset();
                    KeyRing::box();
                };
                $check();
            } catch (ModuleException $e) {
                $problems[] = $e->getMessage();
            }
        }
        return $problems;
    }

    /**
     * Throws when anything is missing.
     *
     * @throws InstallException with every problem, one per line
     */
    public static function assert(): void
    {
        $problems = self::problems();
        if ($problems !== []) {
            throw new InstallException(implode("\n", $problems));
        }
    }

    /** The message for a database version string, or null when it is supported. */
    public static function databaseProblem(string $version): ?string
    {
        $isMaria = stripos($version, 'mariadb') !== false;
        if (!preg_match('/^(\d+)\.(\d+)(?:\.(\d+))?/', $version, $m)) {
            return self::msg('CONDUIT_REQ_DB_VERSION_UNKNOWN', ['#VERSION#' => $version]);
        }
        $numeric = $m[1] . '.' . $m[2] . '.' . ($m[3] ?? '0');
        // MariaDB 10.x+ and MySQL 5.x/8.x never overlap in their major numbers except 5.5
        // (old MariaDB called itself 5.5.5-10.x); treat any major >= 10 as MariaDB.
        if (!$isMaria && (int) $m[1] >= 10) {
            $isMaria = true;
        }
        $min = $isMaria ? self::MARIADB_MIN : self::MYSQL_MIN;
        if (version_compare($numeric, $min, '<')) {
            return self::msg('CONDUIT_REQ_DB_OLD', [
                '#PRODUCT#' => $isMaria ? 'MariaDB' : 'MySQL',
                '#VERSION#' => $version,
                '#MIN#' => $min,
            ]);
        }
        return null;
    }

    private static function msg(string $code, array $replace): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }
}
