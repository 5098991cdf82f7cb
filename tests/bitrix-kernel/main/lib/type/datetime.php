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
        $formats = $format !== null ? [$format] : [static::getFormat(), parent::getFormat()];
        foreach ($formats as $f) {
            $php = static::convertFormatToPhp($f);
            $parsed = $timezone ? \DateTime::createFromFormat('!' . $php, (string)$time, $timezone) : \DateTime::createFromFormat('!' . $php, (string)$time);
            $errors = \DateTime::getLastErrors();
            if ($parsed !== false && (!$errors || ($errors['error_count'] === 0 && $errors['warning_count'] === 0))) {
                $this->value = $parsed;
                return;
            }
        }
        throw new ObjectException('Incorrect date/time: ' . $time);
    }
    public static function getFormat(\Bitrix\Main\Context\Culture $culture = null)
    {
        $culture = $culture ?? new \Bitrix\Main\Context\Culture();
        return $culture->getDateTimeFormat();
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
