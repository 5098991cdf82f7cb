<?php

namespace Conduit\Integration\Storage;

use Bitrix\Main\Config\Configuration;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Exception\InstallException;

Loc::loadMessages(__FILE__);

/**
 * Builds the `Conduit\Store` DSN from the site's own database connection
 * (`bitrix/.settings.php` → `connections.default`), so the extension's tables live in
 * the site database next to `b_option`.
 *
 * The connection's class says the engine: `MysqliConnection`/`MysqlConnection` → `mysql://`,
 * `PgsqlConnection` → `postgres://` (Bitrix's PostgreSQL connection, main 23+).
 *
 * MySQL/MariaDB host forms Bitrix accepts and how they map:
 * - `localhost`, `db.example`, `10.0.0.5`        → TCP port 3306 (or `port` key),
 *   except `localhost` without a port, which mysqli reaches through the default Unix
 *   socket: the same socket is used when it exists;
 * - `host:3307`, `[::1]:3307`                     → that port;
 * - `localhost:/run/mysqld/mysqld.sock`            → that Unix socket;
 * - a `p:` prefix (persistent mysqli connection)  → dropped.
 *
 * PostgreSQL host forms (what `PgsqlConnection` hands to pg_connect as `host` and `port`):
 * - `localhost`, `db.example`, `10.0.0.5`        → TCP port 5432 (or `port` key); libpq
 *   connects over TCP to a host name, `localhost` included, so no socket is guessed;
 * - `host:5433`, `[::1]:5433`                     → that port;
 * - `/run/postgresql`, `/run/postgresql:5433`      → that Unix-socket directory
 *   (`postgres://user@/db?host=%2Frun%2Fpostgresql`, the port names the socket file).
 */
final class Dsn
{
    /** Socket paths mysqli-style clients try for `localhost`, in order. */
    public const DEFAULT_SOCKETS = ['/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock', '/var/lib/mysql/mysql.sock', '/tmp/mysql.sock'];

    private function __construct()
    {
    }

    /** The default ports of the two engines. */
    public const MYSQL_PORT = 3306;
    public const POSTGRES_PORT = 5432;

    /**
     * The DSN for the site's `default` connection.
     *
     * @throws InstallException when the connection is missing or neither MySQL/MariaDB nor PostgreSQL
     */
    public static function forSite(): string
    {
        $connections = Configuration::getValue('connections');
        $default = is_array($connections) ? ($connections['default'] ?? null) : null;
        if (!is_array($default)) {
            throw new InstallException((string) Loc::getMessage('CONDUIT_DSN_NO_CONNECTION'));
        }
        return self::fromConnectionConfig($default);
    }

    /**
     * @param array{host?: string, port?: int|string, database?: string, login?: string, password?: string, className?: string} $config
     * @param callable(string): bool|null $socketExists for tests; default is_file()/file_exists()
     * @throws InstallException
     */
    public static function fromConnectionConfig(array $config, ?callable $socketExists = null): string
    {
        $type = self::typeOf($config);
        $database = (string) ($config['database'] ?? '');
        if ($database === '') {
            throw new InstallException((string) Loc::getMessage('CONDUIT_DSN_NO_DATABASE'));
        }
        if ($type === 'pgsql') {
            return self::postgres($config, $database);
        }
        $socketExists ??= static fn (string $path): bool => @file_exists($path);

        [$host, $port, $socket] = self::parseHost((string) ($config['host'] ?? 'localhost'));
        if ($port === null && isset($config['port']) && (int) $config['port'] > 0) {
            $port = (int) $config['port'];
        }
        if ($socket === null && $port === null && strtolower($host) === 'localhost') {
            foreach (self::candidateSockets() as $candidate) {
                if ($socketExists($candidate)) {
                    $socket = $candidate;
                    break;
                }
            }
        }

        $login = (string) ($config['login'] ?? '');
        $password = (string) ($config['password'] ?? '');
        $authority = str_contains($host, ':') ? '[' . $host . ']' : $host;
        $dsn = 'mysql://' . rawurlencode($login) . ($password !== '' ? ':' . rawurlencode($password) : '')
            . '@' . $authority . ':' . ($port ?? self::MYSQL_PORT) . '/' . rawurlencode($database);
        if ($socket !== null) {
            $dsn .= '?socket=' . rawurlencode($socket);
        }
        return $dsn;
    }

    /**
     * The engine of a Bitrix connection configuration, by its class: "mysql" or "pgsql"
     * (the values of `Connection::getType()`); no class means mysqli, as in Bitrix.
     *
     * @throws InstallException for any other connection class
     */
    public static function typeOf(array $config): string
    {
        $class = ltrim((string) ($config['className'] ?? '\\Bitrix\\Main\\DB\\MysqliConnection'), '\\');
        if (preg_match('/(Mysqli|Mysql)Connection$/i', $class)) {
            return 'mysql';
        }
        if (preg_match('/PgsqlConnection$/i', $class)) {
            return 'pgsql';
        }
        throw new InstallException((string) Loc::getMessage('CONDUIT_DSN_NOT_SUPPORTED', ['#CLASS#' => $class]));
    }

    /** `postgres://login[:password]@host:port/database`, or the socket form for a directory host. */
    private static function postgres(array $config, string $database): string
    {
        $host = trim((string) ($config['host'] ?? ''));
        if ($host === '') {
            $host = 'localhost';
        }
        $port = null;
        $socketDir = null;
        if (str_starts_with($host, '/')) {
            // a socket directory, as libpq reads a host that starts with "/"; ":5433" names the socket file
            if (preg_match('~^(/.*?):(\d+)$~', $host, $m)) {
                [$host, $port] = [$m[1], (int) $m[2]];
            }
            $socketDir = rtrim($host, '/') ?: '/';
        } else {
            [$host, $port] = self::parseHost($host);
        }
        if ($port === null && isset($config['port']) && (int) $config['port'] > 0) {
            $port = (int) $config['port'];
        }
        $login = (string) ($config['login'] ?? '');
        $password = (string) ($config['password'] ?? '');
        $user = rawurlencode($login) . ($password !== '' ? ':' . rawurlencode($password) : '');
        if ($socketDir !== null) {
            return 'postgres://' . $user . '@' . ($port !== null ? ':' . $port : '') . '/' . rawurlencode($database)
                . '?host=' . rawurlencode($socketDir);
        }
        $authority = str_contains($host, ':') ? '[' . $host . ']' : $host;
        return 'postgres://' . $user . '@' . $authority . ':' . ($port ?? self::POSTGRES_PORT) . '/' . rawurlencode($database);
    }

    /**
     * @return array{0: string, 1: ?int, 2: ?string} host, port, socket
     */
    public static function parseHost(string $host): array
    {
        $host = trim($host);
        if (str_starts_with($host, 'p:')) {
            $host = substr($host, 2);
        }
        if ($host === '') {
            $host = 'localhost';
        }
        if (str_starts_with($host, '[')) {
            $end = strpos($host, ']');
            if ($end !== false) {
                $name = substr($host, 1, $end - 1);
                $rest = substr($host, $end + 1);
                $port = str_starts_with($rest, ':') && ctype_digit(substr($rest, 1)) ? (int) substr($rest, 1) : null;
                return [$name, $port, null];
            }
        }
        $colon = strpos($host, ':');
        if ($colon === false) {
            return [$host, null, null];
        }
        $name = substr($host, 0, $colon);
        $rest = substr($host, $colon + 1);
        if (str_starts_with($rest, '/')) {
            return [$name === '' ? 'localhost' : $name, null, $rest];
        }
        if (ctype_digit($rest) && (int) $rest > 0) {
            return [$name, (int) $rest, null];
        }
        if (substr_count($host, ':') > 1) {
            return [$host, null, null]; // a bare IPv6 address
        }
        return [$name, null, null];
    }

    /** @return list<string> */
    private static function candidateSockets(): array
    {
        $sockets = [];
        foreach (['mysqli.default_socket', 'pdo_mysql.default_socket'] as $ini) {
            $value = (string) ini_get($ini);
            if ($value !== '') {
                $sockets[] = $value;
            }
        }
        return array_values(array_unique(array_merge($sockets, self::DEFAULT_SOCKETS)));
    }
}
