<?php
/**
 * The module's admin menu (Services → Conduit): dashboard, request log, queue, webhook
 * events, status and settings.
 */

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/** @var CMain $APPLICATION */
global $APPLICATION;
if ($APPLICATION->GetGroupRight('conduit.integration') < 'R') {
    return false;
}

$aMenu = [
    'parent_menu' => 'global_menu_services',
    'section' => 'conduit_integration',
    'sort' => 900,
    'text' => Loc::getMessage('CONDUIT_MENU_TEXT'),
    'title' => Loc::getMessage('CONDUIT_MENU_TITLE'),
    'icon' => 'sys_menu_icon',
    'page_icon' => 'sys_page_icon',
    'items_id' => 'menu_conduit_integration',
    'items' => [
        [
            'text' => Loc::getMessage('CONDUIT_MENU_DASHBOARD'),
            'title' => Loc::getMessage('CONDUIT_MENU_DASHBOARD_TITLE'),
            'url' => 'conduit_integration_dashboard.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('CONDUIT_MENU_LOG'),
            'title' => Loc::getMessage('CONDUIT_MENU_LOG_TITLE'),
            'url' => 'conduit_integration_log.php?lang=' . LANGUAGE_ID,
            'more_url' => ['conduit_integration_log.php'],
        ],
        [
            'text' => Loc::getMessage('CONDUIT_MENU_QUEUE'),
            'title' => Loc::getMessage('CONDUIT_MENU_QUEUE_TITLE'),
            'url' => 'conduit_integration_queue.php?lang=' . LANGUAGE_ID,
            'more_url' => ['conduit_integration_queue.php'],
        ],
        [
            'text' => Loc::getMessage('CONDUIT_MENU_WEBHOOKS'),
            'title' => Loc::getMessage('CONDUIT_MENU_WEBHOOKS_TITLE'),
            'url' => 'conduit_integration_webhooks.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('CONDUIT_MENU_STATUS'),
            'title' => Loc::getMessage('CONDUIT_MENU_STATUS_TITLE'),
            'url' => 'conduit_integration_status.php?lang=' . LANGUAGE_ID,
        ],
        [
            'text' => Loc::getMessage('CONDUIT_MENU_SETTINGS'),
            'title' => Loc::getMessage('CONDUIT_MENU_SETTINGS_TITLE'),
            'url' => 'settings.php?mid=conduit.integration&lang=' . LANGUAGE_ID,
        ],
    ],
];

return $aMenu;
