<?php
$MESS['CONDUIT_ORM_READ_ONLY'] = '#CLASS# is read-only: rows are written by the conduit extension (Conduit\\SyncQueue, the request-log writer). Use Conduit\\Integration\\Services::queue() to add or change jobs.';
