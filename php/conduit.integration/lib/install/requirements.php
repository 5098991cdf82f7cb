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
 * - the site database on MySQL ≥ 8.0 or MariaDB ≥ 10.6 (`SELECT … SKIP LOCKED`), or on
 *   PostgreSQL ≥ 12 (Bitrix's PgsqlConnection; the extension's PostgreSQL store is built for
 *   12 and later, Bitrix itself needs 11) — and an extension build that speaks that engine;
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
    /** crates/conduit-store (src/dsn.rs): "A PostgreSQL 12+ server"; Bitrix 25's site checker asks for 11. */
    public const POSTGRESQL_MIN = '12.0';

    /** @var array{extension_version?: ?string, database_type?: string, database_version?: string, key_check?: callable} */
    private static array $overrides = [];

    private function __construct()
    {
    }

    /**
     * Replaces inputs for the checks of this process: `extension_version` (null = not
     * loaded), `database_type` ("mysql", "pgsql"), `database_version` (e.g.
     * "10.3.39-MariaDB"), `database_encoding` (PostgreSQL's server_encoding, e.g. "UTF8"),
     * `key_check` (callable that throws). {@see resetOverrides()}.
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
            if ($type !== 'mysql' && $type !== 'pgsql') {
                $problems[] = self::msg('CONDUIT_REQ_DB_TYPE', ['#TYPE#' => (string) $type]);
            } else {
                $dbVersion = self::$overrides['database_version'] ?? self::serverVersion($type);
                $problem = self::databaseProblem($dbVersion, $type) ?? ($type === 'pgsql' ? self::encodingProblem() : null);
                if ($problem !== null) {
                    $problems[] = $problem;
                } elseif (!isset(self::$overrides['database_version'])) {
                    $dsn = Dsn::forSite();
                    if ($version !== null && $version !== '' && !isset(self::$overrides['extension_version'])) {
                        $problem = self::extensionRefuses($dsn, $type);
                        if ($problem !== null) {
                            $problems[] = $problem;
                        }
                    }
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

    /**
     * PostgreSQL keeps one encoding per database: the module's and the extension's text
     * (JSON payloads, Cyrillic messages) needs UTF8, as Bitrix itself does (its site checker).
     */
    private static function encodingProblem(): ?string
    {
        $encoding = self::$overrides['database_encoding']
            ?? (string) Application::getConnection()->queryScalar("SELECT current_setting('server_encoding')");
        return strtoupper(str_replace('-', '', $encoding)) === 'UTF8' ? null : self::msg('CONDUIT_REQ_PG_ENCODING', ['#ENCODING#' => $encoding]);
    }

    /** The server's version string: `SELECT VERSION()` on MySQL, `server_version` on PostgreSQL ("15.8 (Debian …)"). */
    private static function serverVersion(string $type): string
    {
        $sql = $type === 'pgsql' ? "SELECT current_setting('server_version')" : 'SELECT VERSION()';
        return (string) Application::getConnection()->queryScalar($sql);
    }

    /**
     * The loaded extension parses the DSN when a store is made (it connects later): a build
     * without PostgreSQL support refuses `postgres://` here, before anything is installed.
     */
    private static function extensionRefuses(string $dsn, string $type): ?string
    {
        try {
            new \Conduit\Store($dsn, ['table_prefix' => Module::TABLE_PREFIX]);
            return null;
        } catch (\Conduit\ConfigException $e) {
            return self::msg('CONDUIT_REQ_EXTENSION_ENGINE', [
                '#PRODUCT#' => $type === 'pgsql' ? 'PostgreSQL' : 'MySQL/MariaDB',
                '#REASON#' => $e->getMessage(),
            ]);
        }
    }

    /**
     * The message for a database version string, or null when it is supported.
     *
     * @param string $type "mysql" (MySQL or MariaDB, told apart by the string) or "pgsql"
     */
    public static function databaseProblem(string $version, string $type = 'mysql'): ?string
    {
        if ($type === 'pgsql') {
            // "15.8", "12.19 (Debian 12.19-1.pgdg120+1)", "16beta1"; before 10 the minor was a second number (9.6.24)
            if (!preg_match('/^(\d+)(?:\.(\d+))?/', trim($version), $m)) {
                return self::msg('CONDUIT_REQ_DB_VERSION_UNKNOWN', ['#VERSION#' => $version]);
            }
            if (version_compare($m[1] . '.' . ($m[2] ?? '0'), self::POSTGRESQL_MIN, '<')) {
                return self::msg('CONDUIT_REQ_PG_OLD', ['#VERSION#' => $version, '#MIN#' => self::POSTGRESQL_MIN]);
            }
            return null;
        }
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
