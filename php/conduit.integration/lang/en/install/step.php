<?php
$MESS['CONDUIT_STEP_INSTALLED'] = 'The Conduit module is installed: its tables were created in the site database.';
$MESS['CONDUIT_STEP_NEXT'] = 'Next: open Settings → Module settings → Conduit and add a connection (base URL and credentials of the external system).';
$MESS['CONDUIT_STEP_BACK'] = 'Back to the list of modules';
