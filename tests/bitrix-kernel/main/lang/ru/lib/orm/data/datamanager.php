<?php
$MESS['MAIN_ENTITY_FIELD_REQUIRED'] = 'Не заполнено обязательное поле "#FIELD#"';
