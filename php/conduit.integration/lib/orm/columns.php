<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\Application;

/**
 * Column facts of the extension's tables that differ by engine, for the ORM maps.
 *
 * The extension's PostgreSQL migrations (crates/conduit-store/migrations/postgres/) make every
 * integer column BIGINT, where the MariaDB ones use INT or SMALLINT for small counts and codes
 * (priority, attempts, the HTTP status); the maps say what the site database really has, and
 * OrmSchemaTest compares them with its information_schema on either engine.
 */
final class Columns
{
    private function __construct()
    {
    }

    /** IntegerField size of a column that is $mysqlSize bytes on MySQL/MariaDB: 8 on PostgreSQL. */
    public static function intSize(int $mysqlSize): int
    {
        return Application::getConnection()->getType() === 'pgsql' ? 8 : $mysqlSize;
    }
}
