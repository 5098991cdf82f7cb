<?php
declare(strict_types=1);

namespace Conduit\Tests\Queue\Support;

use Conduit\Tests\Support\PhpProcess;

/** Runs tests/php/Queue/bin/store-child.php in its own PHP process. */
final class Child
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes = [];

    /** @param list<string> $args */
    public function __construct(array $args)
    {
        $command = array_merge(
            [PHP_BINARY, '-d', 'extension=' . PhpProcess::extensionPath(), __DIR__ . '/../bin/store-child.php'],
            $args,
        );
        $this->process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $this->pipes);
    }

    /** @param list<string> $args @return array{exit:int, stdout:string, stderr:string} */
    public static function run(array $args, float $timeout = 60.0): array
    {
        return (new self($args))->wait($timeout);
    }

    public function pid(): int
    {
        return proc_get_status($this->process)['pid'];
    }

    /** @return array{exit:int, stdout:string, stderr:string} */
    public function wait(float $timeout = 60.0): array
    {
        $deadline = microtime(true) + $timeout;
        $out = ['', ''];
        foreach ([1, 2] as $i) {
            stream_set_blocking($this->pipes[$i], false);
        }
        while (true) {
            $out[0] .= (string) stream_get_contents($this->pipes[1]);
            $out[1] .= (string) stream_get_contents($this->pipes[2]);
            $status = proc_get_status($this->process);
            if (!$status['running']) {
                $out[0] .= (string) stream_get_contents($this->pipes[1]);
                $out[1] .= (string) stream_get_contents($this->pipes[2]);
                proc_close($this->process);
                $exit = $status['signaled'] ? 128 + $status['termsig'] : $status['exitcode'];
                return ['exit' => $exit, 'stdout' => $out[0], 'stderr' => $out[1]];
            }
            if (microtime(true) > $deadline) {
                proc_terminate($this->process, 9);
                proc_close($this->process);
                throw new \RuntimeException("child timed out: {$out[0]} {$out[1]}");
            }
            usleep(10_000);
        }
    }
}
