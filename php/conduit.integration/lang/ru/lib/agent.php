<?php
$MESS['CONDUIT_AGENT_ADD_FAILED'] = 'Не удалось зарегистрировать агент очереди #NAME#: #REASON#';
