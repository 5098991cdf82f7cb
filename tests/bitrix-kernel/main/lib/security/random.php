<?php
namespace Bitrix\Main\Security;

class Random
{
    const ALPHABET_NUM = 1;
    const ALPHABET_ALPHALOWER = 2;
    const ALPHABET_ALPHAUPPER = 4;
    const ALPHABET_SPECIAL = 8;
    const ALPHABET_ALL = 15;

    public static function getInt($min = 0, $max = \PHP_INT_MAX) { return random_int($min, $max); }
    public static function getBytes($length) { return random_bytes($length); }
    public static function getString($length, $caseSensitive = false)
    {
        return static::getStringByAlphabet($length, self::ALPHABET_NUM | self::ALPHABET_ALPHALOWER | ($caseSensitive ? self::ALPHABET_ALPHAUPPER : 0));
    }
    public static function getStringByAlphabet($length, $alphabet, $requireAll = false)
    {
        $chars = '';
        if ($alphabet & self::ALPHABET_NUM) $chars .= '0123456789';
        if ($alphabet & self::ALPHABET_ALPHALOWER) $chars .= 'abcdefghijklmnopqrstuvwxyz';
        if ($alphabet & self::ALPHABET_ALPHAUPPER) $chars .= 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
        if ($alphabet & self::ALPHABET_SPECIAL) $chars .= ',.#!*%$:-^@{}[]()_+=<>?&;';
        $s = '';
        for ($i = 0; $i < $length; $i++) $s .= $chars[random_int(0, strlen($chars) - 1)];
        return $s;
    }
}
