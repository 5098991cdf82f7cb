<?php
$MESS['CONDUIT_GATEWAY_NOT_AN_OBJECT'] = '#METHOD# #PATH#: ответ не является JSON-объектом.';
