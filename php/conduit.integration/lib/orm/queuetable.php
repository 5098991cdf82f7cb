<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields\IntegerField;
use Bitrix\Main\ORM\Fields\StringField;
use Bitrix\Main\ORM\Fields\TextField;

/**
 * The extension's job table, `b_conduit_jobs` (crates/conduit-store/migrations/mariadb/0001_jobs.sql,
 * postgres/0001_jobs.sql: its small counts are BIGINT there, {@see Columns}),
 * for getList() with Bitrix filters, ordering, paging and count_total, and for admin deletes.
 *
 * Jobs are written only by `Conduit\SyncQueue` (push, claim, ack, fail, retry): add() and
 * update() throw. Times (`*_AT`, `RUN_AT`, `LEASE_UNTIL`) are milliseconds since the Unix
 * epoch — {@see Time} converts; `PAYLOAD` and `RESULT` are JSON text.
 * The module's tests compare this map with the real columns after migrate().
 */
class QueueTable extends DataManager
{
    use ReadOnlyTrait;

    public const STATUSES = ['pending', 'running', 'done', 'failed'];

    public static function getTableName()
    {
        return 'b_conduit_jobs';
    }

    public static function getMap()
    {
        return [
            (new IntegerField('ID'))->configurePrimary()->configureAutocomplete()->configureSize(8),
            (new StringField('TYPE'))->configureRequired()->configureSize(191),
            (new TextField('PAYLOAD'))->configureRequired(),
            (new StringField('STATUS'))->configureRequired()->configureSize(16),
            (new IntegerField('PRIORITY'))->configureDefaultValue(0)->configureSize(Columns::intSize(4)),
            (new IntegerField('CLAIM_ORDER'))->configureDefaultValue(0)->configureSize(Columns::intSize(4)),
            (new IntegerField('ATTEMPTS'))->configureDefaultValue(0)->configureSize(Columns::intSize(4)),
            (new IntegerField('MAX_ATTEMPTS'))->configureRequired()->configureSize(Columns::intSize(4)),
            (new IntegerField('RUN_AT'))->configureRequired()->configureSize(8),
            (new IntegerField('CREATED_AT'))->configureRequired()->configureSize(8),
            (new IntegerField('UPDATED_AT'))->configureRequired()->configureSize(8),
            (new IntegerField('LEASE_UNTIL'))->configureNullable()->configureSize(8),
            (new IntegerField('LEASE_TOKEN'))->configureNullable()->configureSize(8),
            (new StringField('DEDUPE_KEY'))->configureNullable()->configureSize(191),
            (new StringField('DEDUPE_ACTIVE'))->configureNullable()->configureSize(191),
            (new StringField('GROUP_KEY'))->configureNullable()->configureSize(191),
            (new IntegerField('BACKOFF_BASE_MS'))->configureRequired()->configureSize(8),
            (new IntegerField('BACKOFF_MAX_MS'))->configureRequired()->configureSize(8),
            (new TextField('LAST_ERROR'))->configureNullable(),
            (new TextField('RESULT'))->configureNullable(),
            (new IntegerField('STARTED_AT'))->configureNullable()->configureSize(8),
            (new IntegerField('FINISHED_AT'))->configureNullable()->configureSize(8),
            (new IntegerField('PROCESSING_MS'))->configureNullable()->configureSize(8),
        ];
    }
}
