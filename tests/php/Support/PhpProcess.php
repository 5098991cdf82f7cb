<?php
declare(strict_types=1);

namespace Conduit\Tests\Support;

/** Runs PHP code in a fresh process with the extension loaded (fresh pools, real forks). */
final class PhpProcess
{
    public static function extensionPath(): string
    {
        return getenv('CONDUIT_EXTENSION') ?: dirname(__DIR__, 3) . '/target/release/libconduit.so';
    }

    /**
     * @param list<string> $args available to the code as $argv[1..]
     * @return string stdout; throws when the process fails
     */
    public static function run(string $code, array $args = [], float $timeout = 60.0): string
    {
        $file = tempnam(sys_get_temp_dir(), 'conduit-test-') . '.php';
        file_put_contents($file, "<?php\n" . $code);
        $command = array_merge(['timeout', (string) $timeout, PHP_BINARY, '-d', 'extension=' . self::extensionPath(), $file], $args);
        $pipes = [];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        $exit = proc_close($process);
        unlink($file);
        if ($exit !== 0) {
            throw new \RuntimeException("PHP child exited with $exit: $stderr $stdout");
        }
        return (string) $stdout;
    }
}
