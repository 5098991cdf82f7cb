<?php
$MESS['CONDUIT_GATEWAY_NOT_AN_OBJECT'] = '#METHOD# #PATH# did not answer with a JSON object.';
