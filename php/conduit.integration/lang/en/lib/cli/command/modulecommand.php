<?php
$MESS['CONDUIT_CONSOLE_WORKER'] = 'Work the conduit.integration queue until stopped (SIGTERM/SIGINT finish the current job first)';
$MESS['CONDUIT_CONSOLE_QUEUE_RUN'] = 'One run of the conduit.integration queue agent now';
$MESS['CONDUIT_CONSOLE_QUEUE_STATS'] = 'conduit.integration jobs per status and type, the last hour, the last agent run';
$MESS['CONDUIT_CONSOLE_QUEUE_RETRY_FAILED'] = 'Put failed conduit.integration jobs (of one type) back to pending';
$MESS['CONDUIT_CONSOLE_LOG_PURGE'] = 'Delete conduit.integration request-log rows and webhook events older than a given age';
$MESS['CONDUIT_CONSOLE_CHECK'] = 'Check the conduit extension, the database, the key, the schema and every connection';
$MESS['CONDUIT_CONSOLE_UNINSTALL'] = 'Remove conduit.integration (--keep-data keeps tables, settings and secrets)';
