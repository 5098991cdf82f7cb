<?php
namespace Bitrix\Main\Context;

/** Site culture: DD.MM.YYYY / DD.MM.YYYY HH:MI:SS unless FORMAT_DATE / FORMAT_DATETIME say otherwise. */
class Culture
{
    public function getDateFormat() { return defined('FORMAT_DATE') ? FORMAT_DATE : 'DD.MM.YYYY'; }
    public function getDateTimeFormat() { return defined('FORMAT_DATETIME') ? FORMAT_DATETIME : 'DD.MM.YYYY HH:MI:SS'; }
    public function getFormatDate() { return $this->getDateFormat(); }
    public function getFormatDatetime() { return $this->getDateTimeFormat(); }
    public function getCharset() { return 'UTF-8'; }
    public function getWeekStart() { return 1; }
    public function getNameFormat() { return '#NAME# #LAST_NAME#'; }
}
