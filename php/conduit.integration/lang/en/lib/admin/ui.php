<?php
$MESS['CONDUIT_ADMIN_ACCESS_DENIED'] = 'You have no access to the Conduit module.';
$MESS['CONDUIT_ADMIN_AGE_S'] = '#S# s';
$MESS['CONDUIT_ADMIN_AGE_M'] = '#M# min #S# s';
$MESS['CONDUIT_ADMIN_AGE_H'] = '#H# h #M# min';
$MESS['CONDUIT_ADMIN_AGE_D'] = '#D# d #H# h';
$MESS['CONDUIT_ADMIN_FILTER_UTF8'] = 'The filter "#FIELD#" was ignored: it is not valid UTF-8 text.';
$MESS['CONDUIT_ADMIN_FILTER_LONG'] = 'The filter "#FIELD#" was ignored: it is longer than #MAX# characters.';
$MESS['CONDUIT_ADMIN_FILTER_CHOICE'] = 'The filter "#FIELD#" was ignored: choose a value from the list.';
$MESS['CONDUIT_ADMIN_FILTER_ID'] = 'The filter "#FIELD#" was ignored: enter a number such as 123.';
$MESS['CONDUIT_ADMIN_FILTER_DATE'] = 'The filter "#FIELD#" was ignored: enter a date such as 31.12.2026 or 31.12.2026 14:30.';
$MESS['CONDUIT_ADMIN_NAV_PAGE'] = 'Page #PAGE#:';
$MESS['CONDUIT_ADMIN_NAV_TOTAL'] = 'Total: #COUNT#';
$MESS['CONDUIT_ADMIN_NAV_TOTAL_MORE'] = 'Total: more than #COUNT# (not counted further, narrow the filter)';
$MESS['CONDUIT_ADMIN_AGE_M0'] = '#M# min';
