<?php
namespace Bitrix\Main\Web;

use Bitrix\Main\ArgumentException;

class Json
{
    const JSON_ERROR_UNKNOWN = -1;
    const DEFAULT_OPTIONS = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT;

    public static function encode($data, $options = null)
    {
        $r = json_encode($data, ($options ?? self::DEFAULT_OPTIONS) | JSON_PRESERVE_ZERO_FRACTION);
        if ($r === false && json_last_error() !== JSON_ERROR_NONE) throw new ArgumentException('JSON encoding error: ' . json_last_error_msg(), 'data');
        return $r;
    }
    public static function decode($data)
    {
        $r = json_decode((string)$data, true, 512, JSON_BIGINT_AS_STRING);
        if (json_last_error() !== JSON_ERROR_NONE) throw new ArgumentException('JSON error: ' . json_last_error_msg(), 'data');
        return $r;
    }
}
