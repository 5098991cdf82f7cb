<?php

namespace Conduit\Integration;

use Conduit\Integration\Storage\Schema;

/**
 * The module's persistent event handlers. InstallEvents registers every entry of
 * {@see Events::HANDLERS} (registerEventHandlerCompatible: positional arguments, as the
 * kernel sends these events) and UnInstallEvents removes the same list.
 */
final class Events
{
    /** [from module, event, method of this class] */
    public const HANDLERS = [
        ['main', 'OnModuleUpdate', 'onModuleUpdate'],
    ];

    private function __construct()
    {
    }

    /**
     * main:OnModuleUpdate — the kernel's update system installed new module versions:
     * when this module is among them, apply the extension's pending migrations now
     * rather than on the next hit.
     *
     * @param array|\Bitrix\Main\Event $modules ids of the updated modules
     */
    public static function onModuleUpdate($modules = []): void
    {
        if ($modules instanceof \Bitrix\Main\Event) {
            $parameters = $modules->getParameters();
            $modules = $parameters['modules'] ?? ($parameters[0] ?? []);
        }
        if (in_array(Module::ID, (array) $modules, true)) {
            try {
                Schema::migrate();
            } catch (\Throwable $e) {
                // include.php retries on the next hit (Module::ensureSchema)
            }
        }
    }
}
