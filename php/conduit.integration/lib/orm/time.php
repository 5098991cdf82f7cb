<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\Type\DateTime;

/** The extension stores times as milliseconds since the Unix epoch; Bitrix code wants Type\DateTime. */
final class Time
{
    private function __construct()
    {
    }

    /** For display: a Type\DateTime (seconds precision), or null for a NULL column. */
    public static function toDateTime(int|string|null $milliseconds): ?DateTime
    {
        if ($milliseconds === null || $milliseconds === '') {
            return null;
        }
        return DateTime::createFromTimestamp(intdiv((int) $milliseconds, 1000));
    }

    /** For filters: `['>=CREATED_AT' => Time::toMilliseconds($from)]`. */
    public static function toMilliseconds(DateTime|\DateTimeInterface|int $time): int
    {
        if (is_int($time)) {
            return $time * 1000;
        }
        return $time->getTimestamp() * 1000;
    }
}
