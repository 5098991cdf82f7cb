<?php
$MESS['CONDUIT_UNSTEP_WARNING'] = 'The module, its agents, event handlers and admin pages will be removed.';
$MESS['CONDUIT_UNSTEP_SAVEDATA'] = 'Keep the data (the queue, the request log, the settings and the encrypted secrets)';
$MESS['CONDUIT_UNSTEP_SAVEDATA_HINT'] = 'Kept data is used again when the module is installed later. Without it, the b_conduit_* tables are dropped and every setting is deleted.';
$MESS['CONDUIT_UNSTEP_SUBMIT'] = 'Remove the module';
