<?php
namespace Bitrix\Main\Type;

use Bitrix\Main\ObjectException;

/** Date in the site culture (DD.MM.YYYY by default). */
class Date
{
    /** @var \DateTime */
    protected $value;

    public function __construct($date = null, $format = null)
    {
        $this->value = new \DateTime();
        if ($date !== null && $date !== '') {
            $parsed = static::parseValue(static::convertFormatToPhp($format ?? static::getFormat()), (string)$date);
            if ($parsed === false) throw new ObjectException('Incorrect date: ' . $date);
            if (isset($parsed['timestamp'])) $this->value->setTimestamp($parsed['timestamp']);
            else $this->value->setDate($parsed['year'], $parsed['month'], $parsed['day']);
        }
        $this->value->setTime(0, 0, 0);
    }

    /**
     * date_parse_from_format() with the kernel's tolerance: a single error is ignored, and so are
     * "Trailing data" / "Data missing" (a date-only value against a date-time format); missing
     * month/day become 1, missing time parts 0.
     */
    protected static function parseValue($phpFormat, $value)
    {
        $p = date_parse_from_format($phpFormat, $value);
        if ($p['error_count'] > 1) {
            $first = current($p['errors']);
            if ($first === 'A two digit second could not be found') {
                $ts = strtotime($value);
                return $ts === false ? false : ['timestamp' => $ts];
            }
            if ($first !== 'Trailing data' && $first !== 'Data missing') return false;
        }
        if ($p['year'] === false) return false;
        if ($p['month'] === false) $p['month'] = 1;
        if ($p['day'] === false) $p['day'] = 1;
        return $p;
    }

    public static function getFormat(\Bitrix\Main\Context\Culture $culture = null)
    {
        $culture = $culture ?? new \Bitrix\Main\Context\Culture();
        return static::convertFormatToPhp($culture->getDateFormat()); // a PHP format, as in the kernel
    }

    public function format($format) { return $this->value->format($format); }
    public function __clone() { $this->value = clone $this->value; }
    public function add($interval)
    {
        $i = $this->intervalByDesignators($interval);
        if ($i === null) $i = \DateInterval::createFromDateString((string)$interval);
        if ($i instanceof \DateInterval) $this->value->add($i);
        return $this;
    }
    private function intervalByDesignators($interval)
    {
        if (!is_string($interval) || str_contains($interval, ' ')) return null;
        $s = strtoupper($interval);
        $neg = false;
        if ($s !== '' && $s[0] === '-') { $neg = true; $s = substr($s, 1); }
        if ($s === '' || $s[0] !== 'P') return null;
        try { $i = new \DateInterval($s); } catch (\Exception $e) { return null; }
        if ($neg) $i->invert = 1;
        return $i;
    }
    public function setDate($year, $month, $day) { $this->value->setDate($year, $month, $day); return $this; }
    public function getTimestamp() { return $this->value->getTimestamp(); }
    public function getDiff(Date $time) { return $this->value->diff($time->value); }
    public function toString(\Bitrix\Main\Context\Culture $culture = null)
    {
        return $this->format(static::getFormat($culture));
    }
    public function __toString() { return $this->toString(); }
    public function toDateTime() { return clone $this->value; }
    public function getValue() { return $this->value; }

    public static function convertFormatToPhp($format)
    {
        static $map = [
            'YYYY' => 'Y', 'MMMM' => 'F', 'MM' => 'm', 'M' => 'M', 'DD' => 'd', 'HH' => 'H', 'H' => 'h',
            'GG' => 'G', 'G' => 'g', 'MI' => 'i', 'SS' => 's', 'TT' => 'A', 'T' => 'a',
        ];
        // already a PHP format (contains letters not in the Bitrix vocabulary, e.g. 'Y-m-d')?
        if (preg_match('/[a-z]/', $format) || !preg_match('/YYYY|DD|MM|HH|MI|SS/', $format)) return $format;
        return preg_replace_callback('/YYYY|MMMM|MM|MI|M|DD|HH|H|GG|G|SS|TT|T/', fn($m) => $map[$m[0]], $format);
    }
    public static function isCorrect($time, $format = null)
    {
        try { new static($time, $format); return true; } catch (ObjectException $e) { return false; }
    }
    public static function createFromPhp(\DateTime $datetime)
    {
        $d = new static();
        $d->value = clone $datetime;
        if (get_class($d) === self::class) $d->value->setTime(0, 0, 0);
        return $d;
    }
    public static function createFromTimestamp($timestamp)
    {
        $d = new static();
        $d->value->setTimestamp((int)$timestamp);
        if (get_class($d) === self::class) $d->value->setTime(0, 0, 0);
        return $d;
    }
    public static function createFromText($text)
    {
        $ts = strtotime($text);
        return $ts === false ? null : static::createFromTimestamp($ts);
    }
}
