<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:check` = `php bin/conduit check`. */
    final class CheckCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'check';
        }
    }
}
