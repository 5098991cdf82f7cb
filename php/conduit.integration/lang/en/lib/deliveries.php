<?php
$MESS['CONDUIT_DELIVERIES_UNKNOWN_OPTION'] = 'Deliveries::push(): unknown option "#KEY#"; allowed options are: #LIST#.';
$MESS['CONDUIT_DELIVERIES_BAD_METHOD'] = 'Deliveries::push(): "#METHOD#" is not an HTTP method (GET, POST, PUT, PATCH, DELETE …).';
$MESS['CONDUIT_DELIVERIES_BAD_PATH'] = 'Deliveries::push(): the path must be a non-empty path under the connection\'s base URL, without control characters, backslashes or a scheme; got "#PATH#".';
$MESS['CONDUIT_DELIVERIES_BODIES'] = 'Deliveries::push(): options "json", "form" and "body" are exclusive: give one.';
$MESS['CONDUIT_DELIVERIES_BODY_TYPE'] = 'Deliveries::push(): option "body" must be a string (use "json" for arrays).';
$MESS['CONDUIT_DELIVERIES_BAD_KEY'] = 'Deliveries::push(): "idempotency_key" must be a non-empty string without control characters.';
$MESS['CONDUIT_DELIVERIES_BAD_TIMEOUT'] = 'Deliveries::push(): "timeout" must be a positive number of seconds.';
$MESS['CONDUIT_DELIVERIES_MAP'] = 'Deliveries::push(): option "#KEY#" must be an array of name => scalar value.';
$MESS['CONDUIT_DELIVERIES_BAD_HEADER'] = 'Deliveries::push(): header "#NAME#" has an invalid name or a line break in its value.';
