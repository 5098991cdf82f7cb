<?php
$MESS['CONDUIT_PROCESSOR_NO_HANDLER'] = 'no handler for type "#TYPE#": no module or init.php registered one (Conduit\\Integration\\Handlers::register). Register it, then retry the job.';
$MESS['CONDUIT_PROCESSOR_NO_CONNECTION'] = 'no connection "#NAME#" for deliveries of type "#TYPE#" (#REASON#). Add the connection in the module settings, then retry the job.';
$MESS['CONDUIT_PROCESSOR_JOB_FAILED'] = 'job #ID# (#TYPE#) failed: #REASON#';
