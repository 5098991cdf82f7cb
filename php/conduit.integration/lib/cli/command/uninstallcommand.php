<?php

namespace Conduit\Integration\Cli\Command;

if (class_exists(ModuleCommand::class)) {
    /** `php bitrix.php conduit:uninstall` = `php bin/conduit uninstall`. */
    final class UninstallCommand extends ModuleCommand
    {
        protected static function moduleCommand(): string
        {
            return 'uninstall';
        }

        protected static function moduleOptions(): array
        {
            return ['keep-data' => false];
        }
    }
}
