<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:queue:stats` = `php bin/conduit queue:stats`. */
    final class QueueStatsCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'queue:stats';
        }

        protected static function moduleOptions(): array
        {
            return ['json' => false];
        }
    }
}
