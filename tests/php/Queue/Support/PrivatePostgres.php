<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue\Support;

/**
 * A PostgreSQL server of this test's own (own data directory made by initdb, own port
 * and socket directory, trust auth), so a test can stop and restart it without touching
 * the shared cluster on 5432. Stopped and removed when the object goes away.
 * initdb and postgres refuse to run as root: as root, the server runs as the
 * `postgres` system user (runuser), in a directory that user owns.
 */
final class PrivatePostgres
{
    public readonly int $port;
    private string $dir;
    private string $bin;
    private bool $running = false;

    public function __construct()
    {
        $versions = glob('/usr/lib/postgresql/*/bin/initdb') ?: [];
        natsort($versions);
        if ($versions === []) {
            throw new \RuntimeException('PostgreSQL server binaries not found under /usr/lib/postgresql (bash scripts/install-deps.sh)');
        }
        $this->bin = dirname((string) end($versions));
        $this->dir = sys_get_temp_dir() . '/conduit-postgres-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir, 0700);
        if (posix_getuid() === 0) {
            chown($this->dir, 'postgres');
        }
        $this->port = self::freePort();
        $this->run([
            "$this->bin/initdb", '-D', "$this->dir/data", '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8',
        ], 'initdb');
        $this->start();
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }

    /** @param list<string> $command */
    private function run(array $command, string $what): void
    {
        if (posix_getuid() === 0) {
            $command = array_merge(['runuser', '-u', 'postgres', '--'], $command);
        }
        $out = [];
        exec(implode(' ', array_map('escapeshellarg', $command)) . ' 2>&1', $out, $exit);
        if ($exit !== 0) {
            throw new \RuntimeException("$what failed ($exit): " . implode("\n", $out) . "\n" . @file_get_contents("$this->dir/server.log"));
        }
    }

    public function start(): void
    {
        $options = sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c shared_buffers=16MB -c max_connections=40", $this->port, $this->dir);
        $this->run(["$this->bin/pg_ctl", '-D', "$this->dir/data", '-l', "$this->dir/server.log", '-w', '-t', '30', '-o', $options, 'start'], 'pg_ctl start');
        $this->running = true;
    }

    /** Fast shutdown (open sessions are terminated), waiting for the server to exit. */
    public function stop(): void
    {
        if (!$this->running) {
            return;
        }
        $this->run(["$this->bin/pg_ctl", '-D', "$this->dir/data", '-m', 'fast', '-w', '-t', '30', 'stop'], 'pg_ctl stop');
        $this->running = false;
    }

    public function query(string $sql): void
    {
        $pdo = new \PDO("pgsql:host=127.0.0.1;port={$this->port};dbname=postgres", 'postgres', null, [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
        $pdo->exec($sql);
    }

    public function dsn(string $database): string
    {
        return "postgres://postgres@127.0.0.1:{$this->port}/$database";
    }

    public function __destruct()
    {
        try {
            $this->stop();
        } catch (\RuntimeException) {
            // Removing the directory below is all that is left to do.
        }
        exec('rm -rf ' . escapeshellarg($this->dir));
    }
}
