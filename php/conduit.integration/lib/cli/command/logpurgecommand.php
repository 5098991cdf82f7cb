<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:log:purge` = `php bin/conduit log:purge`. */
    final class LogPurgeCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'log:purge';
        }

        protected static function moduleOptions(): array
        {
            return ['older-than' => true];
        }
    }
}
