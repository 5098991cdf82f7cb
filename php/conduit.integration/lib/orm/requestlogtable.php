<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields\FloatField;
use Bitrix\Main\ORM\Fields\IntegerField;
use Bitrix\Main\ORM\Fields\StringField;
use Bitrix\Main\ORM\Fields\TextField;

/**
 * The extension's request log, `b_conduit_request_log`
 * (crates/conduit-store/migrations/mariadb/0002_request_log.sql): one row per HTTP attempt,
 * already redacted. For getList() with Bitrix filters, ordering, paging and count_total,
 * and for admin deletes; rows are written only by the extension's log writer (add() and
 * update() throw).
 *
 * `CREATED_AT` is milliseconds since the Unix epoch ({@see Time}); `STATUS` is NULL when
 * no HTTP answer arrived; headers are JSON lists of [name, value] pairs.
 * The module's tests compare this map with the real columns after migrate().
 */
class RequestLogTable extends DataManager
{
    use ReadOnlyTrait;

    public static function getTableName()
    {
        return 'b_conduit_request_log';
    }

    public static function getMap()
    {
        return [
            (new IntegerField('ID'))->configurePrimary()->configureAutocomplete()->configureSize(8),
            (new IntegerField('CREATED_AT'))->configureRequired()->configureSize(8),
            (new StringField('METHOD'))->configureRequired()->configureSize(16),
            (new TextField('URL'))->configureRequired(),
            (new StringField('ENDPOINT'))->configureRequired()->configureSize(1024),
            (new IntegerField('STATUS'))->configureNullable()->configureSize(Columns::intSize(2)),
            (new FloatField('DURATION_MS'))->configureRequired(),
            (new IntegerField('ATTEMPT'))->configureRequired()->configureSize(Columns::intSize(4)),
            (new StringField('CORRELATION_ID'))->configureRequired()->configureSize(64),
            (new IntegerField('JOB_ID'))->configureNullable()->configureSize(8),
            (new StringField('ERROR_CLASS'))->configureNullable()->configureSize(64),
            (new TextField('ERROR_MESSAGE'))->configureNullable(),
            (new TextField('REQUEST_HEADERS'))->configureRequired(),
            (new TextField('REQUEST_BODY'))->configureRequired(),
            (new TextField('RESPONSE_HEADERS'))->configureRequired(),
            (new TextField('RESPONSE_BODY'))->configureRequired(),
        ];
    }
}
