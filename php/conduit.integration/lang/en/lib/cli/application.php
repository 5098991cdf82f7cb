<?php
$MESS['CONDUIT_CLI_HELP'] = "Usage: php bin/conduit <command> [--document-root=/path/to/site] [--boot=/path/to/boot.php]\n\nCommands:\n  install                  install the module (checks the server first; nothing changes if a check fails)\n  uninstall [--keep-data]  remove the module; with --keep-data the tables, settings and secrets stay\n  migrate                  apply the extension's pending table migrations\n  check                    extension, database, encryption key, schema and connections\n  secrets:rotate           re-encrypt every stored secret under the primary key (after adding a key)\n  worker [--time-limit=S] [--memory-limit=MB] [--limit=N] [--types=a,b] [--sleep=S] [--quiet]\n                           work the queue until stopped (SIGTERM/SIGINT finish the current job first)\n  queue:run                one agent run now (deliveries and handler jobs, bounded like the agent)\n  queue:stats [--json]     jobs per status and type, the last hour, the last agent run\n  queue:retry-failed [--type=T]  put failed jobs (of one type) back to pending\n  log:purge [--older-than=14d]   delete request-log rows and webhook events older than that (default: the retention settings)\n  help                     this text";
$MESS['CONDUIT_CLI_UNKNOWN'] = 'Unknown command "#COMMAND#".';
$MESS['CONDUIT_CLI_UNKNOWN_OPTION'] = 'Unknown option "#OPTION#".';
$MESS['CONDUIT_CLI_ERROR'] = 'Error (#CLASS#): #MESSAGE#';
$MESS['CONDUIT_CLI_FAILED'] = 'The operation failed without a message.';
$MESS['CONDUIT_CLI_INSTALLED'] = 'conduit.integration #VERSION# is installed (schema version #SCHEMA#).';
$MESS['CONDUIT_CLI_NOT_INSTALLED'] = 'conduit.integration is not installed.';
$MESS['CONDUIT_CLI_UNINSTALLED'] = 'conduit.integration is removed; its tables and settings were deleted.';
$MESS['CONDUIT_CLI_UNINSTALLED_KEPT'] = 'conduit.integration is removed; its tables, settings and secrets were kept.';
$MESS['CONDUIT_CLI_MIGRATED'] = 'The tables are at schema version #SCHEMA#.';
$MESS['CONDUIT_CLI_CHECK_REQUIREMENTS'] = 'extension conduit #VERSION#, database and encryption key are suitable';
$MESS['CONDUIT_CLI_CHECK_KEY'] = 'secrets are encrypted with key "#PRIMARY#" (#SOURCE#); ring: #IDS#';
$MESS['CONDUIT_CLI_CHECK_SCHEMA'] = 'schema version #VERSION# (the extension expects #EXPECTED#)';
$MESS['CONDUIT_CLI_CHECK_CONNECTION'] = 'connection "#NAME#" is configured';
$MESS['CONDUIT_CLI_ROTATED'] = '#COUNT# stored secrets were re-encrypted under key "#PRIMARY#".';
