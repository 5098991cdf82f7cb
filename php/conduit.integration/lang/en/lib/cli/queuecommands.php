<?php
$MESS['CONDUIT_CLI_Q_UNKNOWN_OPTION'] = 'Unknown option "#OPTION#".';
$MESS['CONDUIT_CLI_BAD_VALUE'] = 'Option --#OPTION# has an invalid value "#VALUE#".';
$MESS['CONDUIT_CLI_QUEUE_RUN'] = 'agent run: delivered #DELIVERED#, rescheduled #RETRIED#, dead-lettered #FAILED#; handled #HANDLED#, handler failures #HFAILED#; #SECONDS# s';
$MESS['CONDUIT_CLI_STATS_STATUS'] = 'jobs: pending #PENDING#, running #RUNNING#, done #DONE#, failed #FAILED#';
$MESS['CONDUIT_CLI_STATS_HOUR'] = 'last hour: done #DONE#, failed #FAILED#; oldest due pending job waits #OLDEST#; p95 processing #P95#';
$MESS['CONDUIT_CLI_STATS_LOG'] = 'request log, last hour: #REQUESTS# requests, #ERRORS# errors, p95 #P95# ms';
$MESS['CONDUIT_CLI_STATS_NO_AGENT'] = 'the agent has not run yet';
$MESS['CONDUIT_CLI_STATS_AGENT'] = 'last agent run: #AT# (#MODE#), delivered #DELIVERED#, handled #HANDLED#';
$MESS['CONDUIT_CLI_RETRIED'] = '#COUNT# failed jobs (type #TYPE#) are pending again';
$MESS['CONDUIT_CLI_PURGED'] = 'deleted #LOG# request-log rows and #EVENTS# webhook events';
$MESS['CONDUIT_CLI_CHECK_REACHABLE'] = 'connection "#NAME#" answers (HTTP #STATUS#, #MS# ms)';
$MESS['CONDUIT_CLI_CHECK_UNREACHABLE'] = 'connection "#NAME#" is not reachable: #REASON#';
