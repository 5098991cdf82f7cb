<?php
namespace Bitrix\Main\Text;

class HtmlFilter
{
    public static function encode($string, $flags = ENT_COMPAT, $doubleEncode = true)
    {
        return htmlspecialchars((string)$string, $flags, 'UTF-8', $doubleEncode);
    }
}
