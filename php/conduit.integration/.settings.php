<?php
// Module configuration read by Bitrix (Configuration::getInstance('conduit.integration')):
// the services below are registered in \Bitrix\Main\DI\ServiceLocator when the module
// is included. Each is the process-wide instance Conduit\Integration\Services keeps.
return [
    'services' => [
        'value' => [
            'conduit.integration.client' => [
                'constructor' => static fn () => \Conduit\Integration\Services::client('default'),
            ],
            'conduit.integration.store' => [
                'constructor' => static fn () => \Conduit\Integration\Services::store(),
            ],
            'conduit.integration.queue' => [
                'constructor' => static fn () => \Conduit\Integration\Services::queue(),
            ],
            'conduit.integration.request_log' => [
                'constructor' => static fn () => \Conduit\Integration\Services::requestLog(),
            ],
            'conduit.integration.secret_box' => [
                'constructor' => static fn () => \Conduit\Integration\Services::secretBox(),
            ],
        ],
        'readonly' => true,
    ],
    // Bitrix's console (bitrix/bitrix.php, symfony/console) registers these; the classes exist
    // only where symfony/console is loaded. Everywhere else: php bin/conduit <command>.
    'console' => [
        'value' => [
            'commands' => class_exists(\Symfony\Component\Console\Command\Command::class) ? [
                \Conduit\Integration\Cli\Command\WorkerCommand::class,
                \Conduit\Integration\Cli\Command\QueueRunCommand::class,
                \Conduit\Integration\Cli\Command\QueueStatsCommand::class,
                \Conduit\Integration\Cli\Command\QueueRetryFailedCommand::class,
                \Conduit\Integration\Cli\Command\LogPurgeCommand::class,
                \Conduit\Integration\Cli\Command\CheckCommand::class,
                \Conduit\Integration\Cli\Command\UninstallCommand::class,
            ] : [],
        ],
        'readonly' => true,
    ],
];
