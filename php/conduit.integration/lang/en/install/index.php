<?php
$MESS['CONDUIT_MODULE_NAME'] = 'Conduit: integrations with external APIs';
$MESS['CONDUIT_MODULE_DESCRIPTION'] = 'Resilient HTTP client, durable retry queue, request log, webhook verification and encrypted settings, powered by the conduit PHP extension.';
$MESS['CONDUIT_PARTNER_NAME'] = 'Conduit';
$MESS['CONDUIT_PARTNER_URI'] = 'https://github.com/conduit-php/conduit';
$MESS['CONDUIT_INSTALL_TITLE'] = 'Installing the Conduit module';
$MESS['CONDUIT_UNINSTALL_TITLE'] = 'Removing the Conduit module';
$MESS['CONDUIT_INSTALL_REFUSED'] = 'The Conduit module was not installed; nothing was changed. Fix the following and install again:';
$MESS['CONDUIT_INSTALL_FAILED'] = 'The Conduit module was not installed: #REASON# — the steps already done were undone; fix the cause and install again.';
$MESS['CONDUIT_UNINSTALL_FAILED'] = 'The Conduit module could not be removed: #REASON#';
$MESS['CONDUIT_RIGHT_DENIED'] = 'access denied';
$MESS['CONDUIT_RIGHT_READ'] = 'view the request log, the queue and the settings';
$MESS['CONDUIT_RIGHT_WRITE'] = 'change settings and act on jobs';
$MESS['CONDUIT_INSTALL_COPY_FAILED'] = 'could not write #FILE#: the web server\'s user must be able to write /bitrix/admin and /bitrix/tools';
