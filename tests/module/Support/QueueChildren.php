<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\EventManager;

/**
 * Real processes for the queue tests: `php bin/conduit …` children of the installed module,
 * and a handler file the children load through a persistent handler of the module event
 * conduit.integration:OnRegisterHandlers (TO_MODULE_ID "main" and TO_PATH: Bitrix includes
 * the file before calling the class) — public API only.
 *
 * The handler ("probe") appends "start|end <job id> <pid> <attempt>" lines to the file
 * named in the payload (`log`), working `work_ms` milliseconds in between (in small
 * sleeps, so a signal does not cut the work short).
 */
final class QueueChildren
{
    public string $log;
    private string $file;
    private string $class;
    /** @var list<array{0: resource, 1: array}> */
    private array $children = [];

    public function __construct(private string $type)
    {
        $suffix = bin2hex(random_bytes(4));
        $this->class = 'ConduitTestProbe' . $suffix;
        $this->file = '/php_interface/conduit_test_probe_' . $suffix . '.php';
        $this->log = sys_get_temp_dir() . '/conduit-probe-' . $suffix . '.log';
        touch($this->log);
        $type = var_export($this->type, true);
        file_put_contents(CONDUIT_TEST_ROOT . '/local' . $this->file, <<<PHP
<?php
class {$this->class}
{
    public static function onRegisterHandlers()
    {
        \\Conduit\\Integration\\Handlers::register($type, [self::class, 'handle']);
    }

    public static function handle(array \$payload, \\Conduit\\Integration\\JobContext \$context)
    {
        \$line = fn (string \$what) => file_put_contents(\$payload['log'], "\$what {\$context->jobId} " . getmypid() . " {\$context->attempt}\\n", FILE_APPEND | LOCK_EX);
        \$line('start');
        \$until = microtime(true) + (\$payload['work_ms'] ?? 0) / 1000;
        while (microtime(true) < \$until) {
            usleep(2000);
        }
        \$line('end');
        return ['pid' => getmypid()];
    }
}
PHP);
        @mkdir(dirname(CONDUIT_TEST_ROOT . '/local' . $this->file), 0777, true);
        EventManager::getInstance()->registerEventHandler('conduit.integration', 'OnRegisterHandlers', 'main', $this->class, 'onRegisterHandlers', 100, $this->file);
    }

    public function cleanUp(): void
    {
        foreach ($this->children as [$process]) {
            if (proc_get_status($process)['running']) {
                proc_terminate($process, 9);
            }
            proc_close($process);
        }
        $this->children = [];
        EventManager::getInstance()->unRegisterEventHandler('conduit.integration', 'OnRegisterHandlers', 'main', $this->class, 'onRegisterHandlers', $this->file);
        @unlink(CONDUIT_TEST_ROOT . '/local' . $this->file);
        @unlink($this->log);
    }

    /** The payload a probe job needs. */
    public function payload(int $workMs, array $extra = []): array
    {
        return ['log' => $this->log, 'work_ms' => $workMs] + $extra;
    }

    /**
     * Starts `php bin/conduit ARGS` of the installed module.
     *
     * @return int the child's index for pid()/wait()/signal()
     */
    public function start(array $args): int
    {
        $command = [PHP_BINARY];
        if (($ext = getenv('CONDUIT_EXTENSION')) !== false && $ext !== '') {
            array_push($command, '-d', 'extension=' . $ext);
        }
        $command[] = self::moduleDir() . '/bin/conduit';
        array_push($command, ...$args);
        $command[] = '--document-root=' . CONDUIT_TEST_ROOT;
        if (($boot = getenv('BITRIX_BOOT')) !== false && $boot !== '') {
            $command[] = '--boot=' . $boot;
        }
        $out = tempnam(sys_get_temp_dir(), 'conduit-child');
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'w'], 2 => ['file', $out, 'a']], $pipes);
        $this->children[] = [$process, ['out' => $out]];
        return count($this->children) - 1;
    }

    public function pid(int $child): int
    {
        return (int) proc_get_status($this->children[$child][0])['pid'];
    }

    public function signal(int $child, int $signal): void
    {
        posix_kill($this->pid($child), $signal);
    }

    public function running(int $child): bool
    {
        return proc_get_status($this->children[$child][0])['running'];
    }

    /** @return array{exit: int, signaled: bool, output: string} */
    public function wait(int $child, float $timeout = 30.0): array
    {
        [$process, $info] = $this->children[$child];
        $deadline = microtime(true) + $timeout;
        do {
            $status = proc_get_status($process);
            if (!$status['running']) {
                $info['status'] = $status;
                $this->children[$child][1] = $info;
                break;
            }
            usleep(20_000);
        } while (microtime(true) < $deadline);
        $status = $this->children[$child][1]['status'] ?? null;
        if ($status === null) {
            throw new \RuntimeException("child $child still runs after {$timeout}s: " . file_get_contents($info['out']));
        }
        return ['exit' => (int) $status['exitcode'], 'signaled' => (bool) $status['signaled'], 'output' => (string) file_get_contents($info['out'])];
    }

    /** @return list<array{0: string, 1: int, 2: int, 3: int}> [start|end, job id, pid, attempt] */
    public function lines(): array
    {
        $lines = [];
        foreach (file($this->log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
            [$what, $id, $pid, $attempt] = explode(' ', $line);
            $lines[] = [$what, (int) $id, (int) $pid, (int) $attempt];
        }
        return $lines;
    }

    /** Waits until $predicate(lines) holds. */
    public function waitFor(callable $predicate, float $timeout = 20.0): void
    {
        $deadline = microtime(true) + $timeout;
        while (!$predicate($this->lines())) {
            if (microtime(true) > $deadline) {
                $outputs = array_map(static fn (array $c): string => (string) @file_get_contents($c[1]['out']), $this->children);
                throw new \RuntimeException('timed out waiting for the probe; log: ' . file_get_contents($this->log) . '; children: ' . implode("\n---\n", $outputs));
            }
            usleep(20_000);
        }
    }

    private static function moduleDir(): string
    {
        foreach (['/local/modules/', '/bitrix/modules/'] as $where) {
            if (is_dir(CONDUIT_TEST_ROOT . $where . 'conduit.integration')) {
                return CONDUIT_TEST_ROOT . $where . 'conduit.integration';
            }
        }
        throw new \RuntimeException('conduit.integration is not in local/modules or bitrix/modules');
    }
}
