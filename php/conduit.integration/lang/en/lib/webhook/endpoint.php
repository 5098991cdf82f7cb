<?php
$MESS['CONDUIT_WEBHOOK_UNKNOWN_SOURCE'] = 'No webhook source "#SOURCE#" is configured on this site.';
$MESS['CONDUIT_WEBHOOK_TOO_LARGE'] = 'The body is larger than #LIMIT# bytes, the limit of this endpoint.';
$MESS['CONDUIT_WEBHOOK_UNAVAILABLE'] = 'The site cannot store the event right now; retry later.';
$MESS['CONDUIT_WEBHOOK_METHOD'] = 'Method #METHOD# is not allowed: webhooks are delivered with POST.';
