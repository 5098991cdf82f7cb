<?php

namespace Conduit\Integration\Cli\Command;

use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Cli\Application;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Input\InputOption;
use Symfony\Component\Console\Output\OutputInterface;
use Symfony\Component\Console\Output\StreamOutput;

// Defined only where symfony/console is loaded (Bitrix's console, bitrix/bitrix.php):
// the module's own entry point is bin/conduit, which needs nothing but PHP.
if (class_exists(Command::class)) {
    Loc::loadMessages(__FILE__);

    /**
     * Base of the module's Bitrix console commands (`php bitrix.php conduit:worker` …,
     * registered in the module's .settings.php `console` section): a thin wrapper that
     * hands its options to the same code as `php bin/conduit <command>`
     * ({@see Application}).
     */
    abstract class ModuleCommand extends Command
    {
        /** The bin/conduit command this wraps. */
        abstract protected static function moduleCommand(): string;

        /** @return array<string, bool> option name => takes a value */
        protected static function moduleOptions(): array
        {
            return [];
        }

        protected function configure(): void
        {
            $this->setName('conduit:' . static::moduleCommand());
            $code = 'CONDUIT_CONSOLE_' . strtoupper(str_replace([':', '-'], '_', static::moduleCommand()));
            $this->setDescription((string) (Loc::getMessage($code) ?: static::moduleCommand()));
            foreach (static::moduleOptions() as $name => $valued) {
                $this->addOption($name, null, $valued ? InputOption::VALUE_REQUIRED : InputOption::VALUE_NONE);
            }
        }

        protected function execute(InputInterface $input, OutputInterface $output): int
        {
            $args = [static::moduleCommand()];
            foreach (static::moduleOptions() as $name => $valued) {
                $value = $input->getOption($name);
                if ($valued && $value !== null) {
                    $args[] = '--' . $name . '=' . $value;
                } elseif (!$valued && $value) {
                    $args[] = '--' . $name;
                }
            }
            if (static::moduleCommand() === 'worker' && $output->isQuiet()) {
                $args[] = '--quiet'; // the console's own -q/--quiet
            }
            $stream = $output instanceof StreamOutput ? $output->getStream() : STDOUT;
            $module = \CModule::CreateModuleObject('conduit.integration');
            return (new Application($module, $stream, $stream))->run($args);
        }
    }
}
