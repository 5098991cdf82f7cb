<?php
$MESS['CONDUIT_HANDLERS_BAD_TYPE'] = 'Job type "#TYPE#" is not valid: use 1 to 191 letters, digits, "_", ".", ":" or "-".';
$MESS['CONDUIT_HANDLERS_DELIVERY_TYPE'] = 'Job type "#TYPE#" is reserved for HTTP deliveries (conduit.http, conduit.http:<connection>), which the module sends itself; choose another type for your handler.';
$MESS['CONDUIT_HANDLERS_BAD_HANDLER'] = 'The handler of job type "#TYPE#" must be a callable, a "Class::method" string or a class name; got "#HANDLER#".';
$MESS['CONDUIT_HANDLERS_UNRESOLVED'] = 'The handler "#HANDLER#" of job type "#TYPE#" does not exist (no such class or method): check the module that registers it is installed and its class name is spelled right.';
