<?php
$MESS['MAIN_ENTITY_FIELD_REQUIRED'] = 'Поле «#FIELD#» обязательно для заполнения';
