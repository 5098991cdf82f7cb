<?php
$MESS['CONDUIT_UNSTEP2_KEPT'] = 'The Conduit module was removed; its tables and settings were kept.';
$MESS['CONDUIT_UNSTEP2_DELETED'] = 'The Conduit module was removed together with its tables and settings.';
$MESS['CONDUIT_STEP_BACK'] = 'Back to the list of modules';
