<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:queue:run` = `php bin/conduit queue:run`. */
    final class QueueRunCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'queue:run';
        }
    }
}
