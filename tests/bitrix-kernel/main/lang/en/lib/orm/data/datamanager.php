<?php
$MESS['MAIN_ENTITY_FIELD_REQUIRED'] = 'Field "#FIELD#" is required';
