<?php
$MESS['CONDUIT_STATUS_TITLE'] = 'Conduit: status';
$MESS['CONDUIT_STATUS_ACCESS_DENIED'] = 'You have no access to the Conduit module.';
$MESS['CONDUIT_STATUS_EXTENSION'] = 'conduit extension version';
$MESS['CONDUIT_STATUS_MISSING'] = 'not loaded';
$MESS['CONDUIT_STATUS_KEY'] = 'Encryption key of stored secrets';
$MESS['CONDUIT_STATUS_CONNECTIONS'] = 'Connections';
$MESS['CONDUIT_STATUS_JOBS'] = 'Jobs in the queue';
$MESS['CONDUIT_STATUS_FAILED_JOBS'] = 'Failed jobs';
$MESS['CONDUIT_STATUS_LOG_ROWS'] = 'Request log records';
