<?php
declare(strict_types=1);

namespace Conduit\Tests\Support;

/**
 * Worker processes for the shared-limit tests: each is a fresh PHP process with
 * the extension (like PhpProcess), started together, sending as fast as its
 * client lets it until a common deadline. Options may name a Store DSN as
 * `['_store' => dsn]`; every `store` entry is then that Store object.
 */
final class LimitWorkers
{
    private const WORKER = <<<'PHP'
[$opts, $base, $path, $start, $end] = [json_decode($argv[1], true), $argv[2], $argv[3], (float) $argv[4], (float) $argv[5]];
if (isset($opts['_store'])) {
    $store = new Conduit\Store($opts['_store']);
    foreach (['rate_limit', 'circuit_breaker'] as $k) {
        if (isset($opts[$k]['store'])) {
            $opts[$k]['store'] = $store;
        }
    }
    unset($opts['_store']);
}
$client = new Conduit\ApiClient($base, $opts);
while (microtime(true) < $start) {
    usleep(500);
}
$n = 0;
while (microtime(true) < $end) {
    $client->request('GET', $path);
    $n++;
}
echo $n;
PHP;

    /**
     * Runs $count workers for $seconds (starting together 1.5 s from now);
     * returns [start time, per-worker counts].
     *
     * @return array{0: float, 1: list<int>}
     */
    public static function run(int $count, array $options, string $baseUrl, string $path, float $seconds): array
    {
        $file = tempnam(sys_get_temp_dir(), 'conduit-limit-worker-') . '.php';
        file_put_contents($file, "<?php\n" . self::WORKER);
        $start = microtime(true) + 1.5;
        $procs = [];
        for ($i = 0; $i < $count; $i++) {
            $pipes = [];
            $cmd = [PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath(), $file, json_encode($options), $baseUrl, $path, (string) $start, (string) ($start + $seconds)];
            $procs[] = [proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes), $pipes];
        }
        $counts = [];
        foreach ($procs as $i => [$proc, $pipes]) {
            $out = stream_get_contents($pipes[1]);
            $err = stream_get_contents($pipes[2]);
            $exit = proc_close($proc);
            if ($exit !== 0) {
                @unlink($file);
                throw new \RuntimeException("worker $i exited $exit: $err $out");
            }
            $counts[] = (int) $out;
        }
        @unlink($file);
        return [$start, $counts];
    }

    /**
     * Requests the mock saw under $prefix whose arrival falls in [$start, $start + $seconds].
     *
     * @param list<array<string, mixed>> $records
     */
    public static function inWindow(array $records, float $start, float $seconds): int
    {
        $from = $start * 1000.0;
        $to = ($start + $seconds) * 1000.0;
        return count(array_filter($records, fn(array $r): bool => $r['arrived_at_ms'] >= $from && $r['arrived_at_ms'] <= $to));
    }
}
