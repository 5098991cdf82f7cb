<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue\Support;

/**
 * A MariaDB server of this test's own (own datadir, port and socket), so a test can
 * stop and restart it without touching the shared server on 3306. Stopped and
 * removed when the object goes away.
 */
final class PrivateMariaDb
{
    public readonly int $port;
    private string $dir;
    /** @var resource|null */
    private $process = null;

    public function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/conduit-mariadb-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir);
        $this->port = self::freePort();
        $out = [];
        exec(sprintf(
            'mariadb-install-db --no-defaults --user=root --datadir=%s --auth-root-authentication-method=normal --skip-test-db 2>&1',
            escapeshellarg("$this->dir/data")
        ), $out, $exit);
        if ($exit !== 0) {
            throw new \RuntimeException("mariadb-install-db failed: " . implode("\n", $out));
        }
        $this->start();
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }

    public function start(): void
    {
        $this->process = proc_open([
            '/usr/sbin/mariadbd', '--no-defaults', '--user=root', "--datadir=$this->dir/data",
            "--port=$this->port", '--bind-address=127.0.0.1', "--socket=$this->dir/mysqld.sock",
            "--pid-file=$this->dir/mysqld.pid", '--innodb-buffer-pool-size=32M', '--skip-log-bin',
            '--innodb-log-file-size=16M',
        ], [1 => ['file', "$this->dir/out.log", 'a'], 2 => ['file', "$this->dir/err.log", 'a']], $pipes);
        $deadline = microtime(true) + 30;
        while (!$this->reachable()) {
            if (microtime(true) > $deadline || !proc_get_status($this->process)['running']) {
                throw new \RuntimeException('private MariaDB did not start: ' . @file_get_contents("$this->dir/err.log"));
            }
            usleep(100_000);
        }
    }

    private function reachable(): bool
    {
        mysqli_report(MYSQLI_REPORT_OFF);
        $c = @new \mysqli('127.0.0.1', 'root', '', '', $this->port);
        $ok = $c->connect_errno === 0;
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        return $ok;
    }

    /** Clean shutdown (SIGTERM), waiting for the server to exit. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        proc_terminate($this->process, SIGTERM);
        $deadline = microtime(true) + 30;
        while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
            usleep(50_000);
        }
        if (proc_get_status($this->process)['running']) {
            proc_terminate($this->process, SIGKILL);
        }
        proc_close($this->process);
        $this->process = null;
    }

    public function query(string $sql): void
    {
        (new \mysqli('127.0.0.1', 'root', '', '', $this->port))->query($sql);
    }

    public function dsn(string $database): string
    {
        return "mysql://root@127.0.0.1:{$this->port}/$database";
    }

    public function __destruct()
    {
        $this->stop();
        exec('rm -rf ' . escapeshellarg($this->dir));
    }
}
