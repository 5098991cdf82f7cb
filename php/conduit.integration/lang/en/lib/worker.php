<?php
$MESS['CONDUIT_WORKER_STARTED'] = 'worker #ID# started; job types: #TYPES#';
$MESS['CONDUIT_WORKER_PASS'] = 'delivered #DELIVERED#, rescheduled #RETRIED#, dead-lettered #FAILED#; handled #HANDLED#, handler failures to retry #HRETRIED#, dead-lettered #HFAILED# (no handler: #NOHANDLER#)';
$MESS['CONDUIT_WORKER_QUEUE_ERROR'] = 'queue error: #ERROR#';
$MESS['CONDUIT_WORKER_STOPPED'] = 'worker #ID# stopped (#REASON#) after #COUNT# jobs';
$MESS['CONDUIT_WORKER_NO_PCNTL'] = 'pcntl is not available: SIGTERM stops the worker at once (the job in hand returns to the queue after its lease)';
