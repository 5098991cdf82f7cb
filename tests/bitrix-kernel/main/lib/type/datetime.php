<?php
namespace Bitrix\Main\Type;

use Bitrix\Main\ObjectException;

/** Date and time in the site culture (DD.MM.YYYY HH:MI:SS by default). */
class DateTime extends Date
{
    protected $userTimeEnabled = true;

    public function __construct($time = null, $format = null, \DateTimeZone $timezone = null)
    {
        $this->value = $timezone ? new \DateTime('now', $timezone) : new \DateTime();
        if ($time === null || $time === '') return;
        $parsed = static::parseValue(static::convertFormatToPhp($format ?? static::getFormat()), (string)$time);
        if ($parsed === false) throw new ObjectException('Incorrect date/time: ' . $time);
        if (isset($parsed['timestamp'])) { $this->value->setTimestamp($parsed['timestamp']); return; }
        if (isset($parsed['zone_type']) && $parsed['zone_type'] == 1 && isset($parsed['zone'])) {
            $z = (int)$parsed['zone'];
            $this->value->setTimezone(new \DateTimeZone(($z < 0 ? '-' : '+') . sprintf('%02d%02d', intdiv(abs($z), 3600), intdiv(abs($z) % 3600, 60))));
        }
        $micro = $parsed['fraction'] > 0 ? (int)($parsed['fraction'] * 1000000) : 0;
        $this->value->setDate($parsed['year'], $parsed['month'], $parsed['day']);
        $this->value->setTime((int)$parsed['hour'], (int)$parsed['minute'], (int)$parsed['second'], $micro);
    }
    public static function getFormat(\Bitrix\Main\Context\Culture $culture = null)
    {
        $culture = $culture ?? new \Bitrix\Main\Context\Culture();
        return static::convertFormatToPhp($culture->getDateTimeFormat()); // a PHP format, as in the kernel
    }
    public function setTime($hour, $minute, $second = 0, $microseconds = 0) { $this->value->setTime($hour, $minute, $second, $microseconds); return $this; }
    public function getTimeZone() { return $this->value->getTimezone(); }
    public function setTimeZone(\DateTimeZone $tz) { $this->value->setTimezone($tz); return $this; }
    public function setDefaultTimeZone() { $this->value->setTimezone(new \DateTimeZone(date_default_timezone_get())); return $this; }
    public function setTimestamp($ts) { $this->value->setTimestamp((int)$ts); return $this; }
    public function toUserTime() { return $this; }
    public function disableUserTime() { $this->userTimeEnabled = false; return $this; }
    public function enableUserTime() { $this->userTimeEnabled = true; return $this; }
    public function isUserTimeEnabled() { return $this->userTimeEnabled; }
    public static function createFromUserTime($timeString) { return new static($timeString); }
    public static function createFromPhp(\DateTime $datetime)
    {
        $d = new static();
        $d->value = clone $datetime;
        return $d;
    }
    public static function createFromTimestamp($timestamp)
    {
        $d = new static();
        $d->value->setTimestamp((int)$timestamp);
        return $d;
    }
    public static function tryParse($timeString, $format = null)
    {
        try { return new static($timeString, $format); } catch (ObjectException $e) { return null; }
    }
}
