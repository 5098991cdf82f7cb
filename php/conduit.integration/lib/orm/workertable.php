<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields\IntegerField;
use Bitrix\Main\ORM\Fields\StringField;

/**
 * One row per `bin/conduit worker` process, `b_conduit_worker` (owned by the module): its
 * heartbeat, what it did and how it ended — the worker health the admin dashboard shows.
 * A row whose HEARTBEAT_AT is older than a minute while STATUS is `running` is a worker
 * that died (kill -9, OOM, a reboot); rows of stopped workers are purged after a day.
 *
 * STATUS: `running`, `stopped` (clean exit; STOP_REASON: `signal`, `time_limit`,
 * `memory_limit`, `job_limit`, `error`). Times are milliseconds since the Unix epoch.
 */
class WorkerTable extends DataManager
{
    public static function getTableName()
    {
        return 'b_conduit_worker';
    }

    public static function getMap()
    {
        return [
            (new StringField('ID'))->configurePrimary()->configureSize(100),
            (new StringField('HOST'))->configureRequired()->configureSize(100),
            (new IntegerField('PID'))->configureRequired(),
            (new StringField('STATUS'))->configureRequired()->configureSize(16),
            (new StringField('STOP_REASON'))->configureNullable()->configureSize(32),
            (new StringField('TYPES'))->configureNullable()->configureSize(255),
            (new IntegerField('STARTED_AT'))->configureRequired()->configureSize(8),
            (new IntegerField('HEARTBEAT_AT'))->configureRequired()->configureSize(8),
            (new IntegerField('JOBS_DONE'))->configureRequired(),
            (new IntegerField('JOBS_FAILED'))->configureRequired(),
            (new IntegerField('MEMORY_BYTES'))->configureRequired()->configureSize(8),
            (new StringField('LAST_ERROR'))->configureNullable()->configureSize(255),
        ];
    }
}
