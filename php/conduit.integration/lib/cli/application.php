<?php

namespace Conduit\Integration\Cli;

use Bitrix\Main\Localization\Loc;
use Bitrix\Main\ModuleManager;
use Conduit\Integration\Install\Requirements;
use Conduit\Integration\Module;
use Conduit\Integration\Security\KeyRing;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Integration\Storage\Schema;

Loc::loadMessages(__FILE__);

/**
 * The commands of `php bin/conduit` (Bitrix is already booted when it runs). Each returns
 * the process exit code: 0 success, 1 failure, 2 usage error. The worker and the
 * queue/log maintenance commands join this list in part 2.
 */
final class Application
{
    /** @var resource */
    private $out;
    /** @var resource */
    private $err;

    /** @param \CModule $module the module object (install/index.php) */
    public function __construct(private \CModule $module, $out = null, $err = null)
    {
        $this->out = $out ?? STDOUT;
        $this->err = $err ?? STDERR;
    }

    /** @param list<string> $args the command and its options */
    public function run(array $args): int
    {
        $command = array_shift($args) ?? 'help';
        try {
            return match ($command) {
                'install' => $this->install($args),
                'uninstall' => $this->uninstall($args),
                'migrate' => $this->migrate($args),
                'check' => $this->check($args),
                'secrets:rotate' => $this->rotateSecrets($args),
                'worker', 'queue:run', 'queue:stats', 'queue:retry-failed', 'log:purge' => (new QueueCommands($this->out, $this->err))->run($command, $args),
                'help', '--help', '-h' => $this->help(),
                default => $this->usage($command),
            };
        } catch (\Throwable $e) {
            $this->line($this->err, self::msg('CONDUIT_CLI_ERROR', ['#CLASS#' => get_class($e), '#MESSAGE#' => $e->getMessage()]));
            return 1;
        }
    }

    private function install(array $args): int
    {
        $this->noOptions($args);
        if ($this->module->DoInstall() === false) {
            $this->line($this->err, $this->lastError());
            return 1;
        }
        $this->line($this->out, self::msg('CONDUIT_CLI_INSTALLED', ['#VERSION#' => (string) $this->module->MODULE_VERSION, '#SCHEMA#' => Module::getDbOption(Module::SCHEMA_OPTION)]));
        return 0;
    }

    private function uninstall(array $args): int
    {
        $keep = in_array('--keep-data', $args, true);
        $this->noOptions(array_diff($args, ['--keep-data']));
        if (!ModuleManager::isModuleInstalled(Module::ID)) {
            $this->line($this->err, self::msg('CONDUIT_CLI_NOT_INSTALLED'));
            return 1;
        }
        if ($this->module->DoUninstall($keep) === false) {
            $this->line($this->err, $this->lastError());
            return 1;
        }
        $this->line($this->out, self::msg($keep ? 'CONDUIT_CLI_UNINSTALLED_KEPT' : 'CONDUIT_CLI_UNINSTALLED'));
        return 0;
    }

    private function migrate(array $args): int
    {
        $this->noOptions($args);
        $version = Schema::migrate();
        $this->line($this->out, self::msg('CONDUIT_CLI_MIGRATED', ['#SCHEMA#' => (string) $version]));
        return 0;
    }

    private function check(array $args): int
    {
        $this->noOptions($args);
        $ok = true;
        $problems = Requirements::problems();
        foreach ($problems as $problem) {
            $this->line($this->out, 'FAIL ' . $problem);
            $ok = false;
        }
        if ($problems === []) {
            $this->line($this->out, 'ok   ' . self::msg('CONDUIT_CLI_CHECK_REQUIREMENTS', ['#VERSION#' => (string) phpversion('conduit')]));
            $key = KeyRing::describe();
            $this->line($this->out, 'ok   ' . self::msg('CONDUIT_CLI_CHECK_KEY', ['#PRIMARY#' => (string) $key['primary'], '#SOURCE#' => (string) $key['source'], '#IDS#' => implode(', ', $key['key_ids'])]));
            try {
                $version = Services::store()->schemaVersion();
                $good = $version >= \Conduit\Store::SCHEMA_VERSION;
                $ok = $ok && $good;
                $this->line($this->out, ($good ? 'ok   ' : 'FAIL ') . self::msg('CONDUIT_CLI_CHECK_SCHEMA', ['#VERSION#' => (string) $version, '#EXPECTED#' => (string) \Conduit\Store::SCHEMA_VERSION]));
            } catch (\Throwable $e) {
                $ok = false;
                $this->line($this->out, 'FAIL ' . $e->getMessage());
            }
            // Each connection: configured, and its base URL answers (QueueCommands::checkConnections).
            $ok = (new QueueCommands($this->out, $this->err))->checkConnections() && $ok;
        }
        return $ok ? 0 : 1;
    }

    private function rotateSecrets(array $args): int
    {
        $this->noOptions($args);
        $count = Settings::rotateSecrets();
        $key = KeyRing::describe();
        $this->line($this->out, self::msg('CONDUIT_CLI_ROTATED', ['#COUNT#' => (string) $count, '#PRIMARY#' => (string) $key['primary']]));
        return 0;
    }

    private function help(): int
    {
        $this->line($this->out, self::msg('CONDUIT_CLI_HELP'));
        return 0;
    }

    private function usage(string $command): int
    {
        $this->line($this->err, self::msg('CONDUIT_CLI_UNKNOWN', ['#COMMAND#' => $command]));
        $this->line($this->err, self::msg('CONDUIT_CLI_HELP'));
        return 2;
    }

    private function noOptions(array $args): void
    {
        if ($args !== []) {
            throw new \InvalidArgumentException(self::msg('CONDUIT_CLI_UNKNOWN_OPTION', ['#OPTION#' => (string) reset($args)]));
        }
    }

    private function lastError(): string
    {
        global $APPLICATION;
        $exception = $APPLICATION->GetException();
        return $exception ? (string) $exception->GetString() : self::msg('CONDUIT_CLI_FAILED');
    }

    /** @param resource $stream */
    private function line($stream, string $text): void
    {
        fwrite($stream, $text . PHP_EOL);
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code : $message;
    }
}
