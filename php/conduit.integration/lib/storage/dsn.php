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
 * Host forms Bitrix accepts and how they map:
 * - `localhost`, `db.example`, `10.0.0.5`        → TCP port 3306 (or `port` key),
 *   except `localhost` without a port, which mysqli reaches through the default Unix
 *   socket: the same socket is used when it exists;
 * - `host:3307`, `[::1]:3307`                     → that port;
 * - `localhost:/run/mysqld/mysqld.sock`            → that Unix socket;
 * - a `p:` prefix (persistent mysqli connection)  → dropped.
 */
final class Dsn
{
    /** Socket paths mysqli-style clients try for `localhost`, in order. */
    public const DEFAULT_SOCKETS = ['/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock', '/var/lib/mysql/mysql.sock', '/tmp/mysql.sock'];

    private function __construct()
    {
    }

    /**
     * The DSN for the site's `default` connection.
     *
     * @throws InstallException when the connection is missing or not MySQL/MariaDB
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
        $class = ltrim((string) ($config['className'] ?? '\\Bitrix\\Main\\DB\\MysqliConnection'), '\\');
        if (!preg_match('/(Mysqli|Mysql)Connection$/i', $class)) {
            throw new InstallException((string) Loc::getMessage('CONDUIT_DSN_NOT_MYSQL', ['#CLASS#' => $class]));
        }
        $database = (string) ($config['database'] ?? '');
        if ($database === '') {
            throw new InstallException((string) Loc::getMessage('CONDUIT_DSN_NO_DATABASE'));
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
            . '@' . $authority . ':' . ($port ?? 3306) . '/' . rawurlencode($database);
        if ($socket !== null) {
            $dsn .= '?socket=' . rawurlencode($socket);
        }
        return $dsn;
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
