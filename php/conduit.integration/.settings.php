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
];
