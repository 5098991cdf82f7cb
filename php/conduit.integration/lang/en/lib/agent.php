<?php
$MESS['CONDUIT_AGENT_ADD_FAILED'] = 'The queue agent #NAME# could not be registered: #REASON#';
