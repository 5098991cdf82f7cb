<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:worker` = `php bin/conduit worker`. */
    final class WorkerCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'worker';
        }

        protected static function moduleOptions(): array
        {
            return ['time-limit' => true, 'memory-limit' => true, 'limit' => true, 'types' => true, 'sleep' => true];
        }
    }
}
