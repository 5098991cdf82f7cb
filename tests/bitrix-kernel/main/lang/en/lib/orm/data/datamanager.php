<?php
$MESS['MAIN_ENTITY_FIELD_REQUIRED'] = 'The field #FIELD# is required.';
