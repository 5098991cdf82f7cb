<?php
declare(strict_types=1);

namespace Conduit\Tests\Support;

/**
 * The project's mock external API (tests/mockapi), one process per PHP test run.
 * Each test uses its own path prefix, so tests never see each other's records.
 */
final class MockApi
{
    private static ?self $instance = null;
    /** @var array<string, self> further instances by bind address (another origin) */
    private static array $others = [];

    /** @var resource */
    private $process;
    private string $baseUrl;

    private function __construct(string $host = '127.0.0.1')
    {
        $binary = getenv('CONDUIT_MOCKAPI_BIN') ?: dirname(__DIR__, 3) . '/target/release/conduit-mockapi';
        if (!is_executable($binary)) {
            throw new \RuntimeException("mock API binary not found at $binary: run `make build`");
        }
        $pipes = [];
        $this->process = proc_open([$binary, '--host', $host, '--port', '0'], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
        $line = fgets($pipes[1]);
        if (!is_string($line) || !preg_match('/^LISTENING (\S+)/', $line, $m)) {
            throw new \RuntimeException('mock API did not start: ' . var_export($line, true));
        }
        $this->baseUrl = 'http://' . $m[1];
        register_shutdown_function(function (): void {
            proc_terminate($this->process);
            proc_close($this->process);
        });
    }

    public static function get(): self
    {
        return self::$instance ??= new self();
    }

    /**
     * A second, independent mock bound to another loopback address (127.0.0.2 by
     * default): another origin, with its own request records.
     */
    public static function other(string $host = '127.0.0.2'): self
    {
        return self::$others[$host] ??= new self($host);
    }

    public function url(string $path = ''): string
    {
        return $this->baseUrl . $path;
    }

    /** A path prefix unique to one test. */
    public static function prefix(): string
    {
        return '/t' . bin2hex(random_bytes(6));
    }

    /** @return list<array<string, mixed>> */
    public function requests(string $pathPrefix): array
    {
        return $this->admin('GET', '/__admin/requests?path_prefix=' . rawurlencode($pathPrefix));
    }

    /** @return array{requests:int,connections_opened:int,max_in_flight:int,in_flight:int} */
    public function stats(?string $pathPrefix = null): array
    {
        return $this->admin('GET', '/__admin/stats' . ($pathPrefix ? '?path_prefix=' . rawurlencode($pathPrefix) : ''));
    }

    /** @param list<array<string, mixed>> $steps */
    public function script(string $path, array $steps, ?string $method = null, bool $repeatLast = false): void
    {
        $script = ['path' => $path, 'responses' => $steps, 'repeat_last' => $repeatLast];
        if ($method !== null) {
            $script['method'] = $method;
        }
        $this->admin('POST', '/__admin/script', $script);
    }

    public function rateLimit(?float $perSecond, int $burst = 1, ?string $pathPrefix = null): void
    {
        $body = ['per_second' => $perSecond, 'burst' => $burst];
        if ($pathPrefix !== null) {
            $body['path_prefix'] = $pathPrefix;
        }
        $this->admin('POST', '/__admin/rate_limit', $body);
    }

    /** Plain PHP streams, so the client under test never checks itself. */
    private function admin(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\nConnection: close\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $raw = file_get_contents($this->baseUrl . $path, false, $context);
        $decoded = json_decode((string) $raw, true);
        if (!is_array($decoded)) {
            throw new \RuntimeException("mock admin $method $path answered: " . var_export($raw, true));
        }
        return $decoded;
    }
}
