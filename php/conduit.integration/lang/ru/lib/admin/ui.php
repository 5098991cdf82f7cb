<?php
$MESS['CONDUIT_ADMIN_ACCESS_DENIED'] = 'У вас нет доступа к модулю Conduit.';
$MESS['CONDUIT_ADMIN_AGE_S'] = '#S# с';
$MESS['CONDUIT_ADMIN_AGE_M'] = '#M# мин #S# с';
$MESS['CONDUIT_ADMIN_AGE_H'] = '#H# ч #M# мин';
$MESS['CONDUIT_ADMIN_AGE_D'] = '#D# д #H# ч';
$MESS['CONDUIT_ADMIN_FILTER_UTF8'] = 'Фильтр «#FIELD#» не применён: это не текст в UTF-8.';
$MESS['CONDUIT_ADMIN_FILTER_LONG'] = 'Фильтр «#FIELD#» не применён: длиннее #MAX# символов.';
$MESS['CONDUIT_ADMIN_FILTER_CHOICE'] = 'Фильтр «#FIELD#» не применён: выберите значение из списка.';
$MESS['CONDUIT_ADMIN_FILTER_ID'] = 'Фильтр «#FIELD#» не применён: введите число, например 123.';
$MESS['CONDUIT_ADMIN_FILTER_DATE'] = 'Фильтр «#FIELD#» не применён: введите дату, например 31.12.2026 или 31.12.2026 14:30.';
$MESS['CONDUIT_ADMIN_NAV_PAGE'] = 'Страница #PAGE#:';
$MESS['CONDUIT_ADMIN_NAV_TOTAL'] = 'Всего: #COUNT#';
$MESS['CONDUIT_ADMIN_NAV_TOTAL_MORE'] = 'Всего: больше #COUNT# (дальше не считаем, уточните фильтр)';
$MESS['CONDUIT_ADMIN_AGE_M0'] = '#M# мин';
