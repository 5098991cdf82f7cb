<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:queue:retry-failed` = `php bin/conduit queue:retry-failed`. */
    final class QueueRetryFailedCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'queue:retry-failed';
        }

        protected static function moduleOptions(): array
        {
            return ['type' => true];
        }
    }
}
