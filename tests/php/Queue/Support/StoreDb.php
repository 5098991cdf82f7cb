<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue\Support;

/**
 * A database of its own for one test, on the engine chosen by CONDUIT_TEST_ENGINE
 * (`sqlite`, the default, `mariadb` or `postgres`). MariaDB: 127.0.0.1:3306 as root
 * (override with CONDUIT_TEST_MARIADB=mysql://user:pass@host:port); PostgreSQL:
 * 127.0.0.1:5432 as postgres (override with CONDUIT_TEST_POSTGRES=postgres://user:pass@host:port);
 * a uniquely named database is created and dropped afterwards. Never skipped: an
 * unreachable server fails the test.
 */
final class StoreDb
{
    private static int $counter = 0;

    public readonly string $dsn;
    public readonly string $engine;
    private ?string $database = null;
    private ?string $file = null;

    public function __construct()
    {
        $this->engine = self::engine();
        if ($this->engine === 'mariadb') {
            $this->database = sprintf('conduit_php_%d_%d_%s', getmypid(), ++self::$counter, bin2hex(random_bytes(3)));
            self::admin()->query("CREATE DATABASE `{$this->database}` CHARACTER SET utf8mb4");
            $this->dsn = self::adminUrl() . '/' . $this->database;
        } elseif ($this->engine === 'postgres') {
            $this->database = sprintf('conduit_php_%d_%d_%s', getmypid(), ++self::$counter, bin2hex(random_bytes(3)));
            self::pgAdmin()->exec("CREATE DATABASE \"{$this->database}\"");
            $this->dsn = self::pgAdminUrl() . '/' . $this->database;
        } else {
            $this->file = sys_get_temp_dir() . sprintf('/conduit-php-%d-%d-%s.db', getmypid(), ++self::$counter, bin2hex(random_bytes(3)));
            $this->dsn = 'sqlite://' . $this->file;
        }
    }

    public static function engine(): string
    {
        $engine = getenv('CONDUIT_TEST_ENGINE') ?: 'sqlite';
        if (!in_array($engine, ['sqlite', 'mariadb', 'postgres'], true)) {
            throw new \RuntimeException("CONDUIT_TEST_ENGINE must be sqlite, mariadb or postgres, got $engine");
        }
        return $engine;
    }

    public static function adminUrl(): string
    {
        return getenv('CONDUIT_TEST_MARIADB') ?: 'mysql://root@127.0.0.1:3306';
    }

    public static function admin(): \mysqli
    {
        static $admin = null;
        if ($admin === null) {
            $u = parse_url(self::adminUrl());
            mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
            $admin = new \mysqli($u['host'] ?? '127.0.0.1', $u['user'] ?? 'root', $u['pass'] ?? '', '', $u['port'] ?? 3306);
        }
        return $admin;
    }

    public static function pgAdminUrl(): string
    {
        return getenv('CONDUIT_TEST_POSTGRES') ?: 'postgres://postgres@127.0.0.1:5432';
    }

    /** A PDO connection to PostgreSQL's `postgres` database (or `$database`) as the admin user. */
    public static function pgAdmin(?string $database = null): \PDO
    {
        static $admin = null;
        if ($database !== null) {
            return self::pgConnect($database);
        }
        return $admin ??= self::pgConnect('postgres');
    }

    private static function pgConnect(string $database): \PDO
    {
        $u = parse_url(self::pgAdminUrl());
        $dsn = sprintf('pgsql:host=%s;port=%d;dbname=%s', $u['host'] ?? '127.0.0.1', $u['port'] ?? 5432, $database);
        return new \PDO($dsn, $u['user'] ?? 'postgres', $u['pass'] ?? null, [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
    }

    /** Raw rows of a table, for checks the API can't make (what bytes are stored). */
    public function rawRows(string $table): array
    {
        if ($this->engine === 'mariadb') {
            return self::admin()->query("SELECT * FROM `{$this->database}`.`$table`")->fetch_all(MYSQLI_ASSOC);
        }
        if ($this->engine === 'postgres') {
            return self::pgAdmin($this->database)->query("SELECT * FROM $table")->fetchAll(\PDO::FETCH_ASSOC);
        }
        $pdo = new \PDO('sqlite:' . $this->file);
        return $pdo->query("SELECT * FROM $table")->fetchAll(\PDO::FETCH_ASSOC);
    }

    public function drop(): void
    {
        if ($this->database !== null && $this->engine === 'postgres') {
            // FORCE: this process's store still holds pooled connections to it.
            self::pgAdmin()->exec("DROP DATABASE IF EXISTS \"{$this->database}\" WITH (FORCE)");
            $this->database = null;
        }
        if ($this->database !== null) {
            self::admin()->query("DROP DATABASE IF EXISTS `{$this->database}`");
            $this->database = null;
        }
        if ($this->file !== null) {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($this->file . $suffix);
            }
            $this->file = null;
        }
    }
}
