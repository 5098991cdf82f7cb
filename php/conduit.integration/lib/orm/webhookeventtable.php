<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields\IntegerField;
use Bitrix\Main\ORM\Fields\StringField;

/**
 * Every delivery the public webhook endpoint received, `b_conduit_webhook_event` (owned by
 * the module, created by InstallDB through Bitrix's connection, see
 * {@see \Conduit\Integration\Storage\ModuleTables}): source, verdict, reason, HTTP status
 * answered and the job it created — what the admin "Webhook events" page lists to answer
 * "did the ERP's call reach us?". Bounded: rows older than webhook_event_retention_days
 * are purged by the agent's housekeeping and `bin/conduit log:purge`.
 *
 * VERDICT: `accepted` (a job was queued), `duplicate` (the event id was seen within the
 * dedupe window: no second job), `rejected` (REASON: a SignatureException reason code,
 * `unknown_source`, `body_too_large`, `method_not_allowed`), `unavailable` (the database
 * refused the job: answered 503, the sender retries). `CREATED_AT` is milliseconds since
 * the Unix epoch ({@see Time}), like the extension's tables.
 */
class WebhookEventTable extends DataManager
{
    public const VERDICT_ACCEPTED = 'accepted';
    public const VERDICT_DUPLICATE = 'duplicate';
    public const VERDICT_REJECTED = 'rejected';
    public const VERDICT_UNAVAILABLE = 'unavailable';

    public static function getTableName()
    {
        return 'b_conduit_webhook_event';
    }

    public static function getMap()
    {
        return [
            (new IntegerField('ID'))->configurePrimary()->configureAutocomplete()->configureSize(8),
            (new IntegerField('CREATED_AT'))->configureRequired()->configureSize(8),
            (new StringField('SOURCE'))->configureRequired()->configureSize(64),
            (new StringField('VERDICT'))->configureRequired()->configureSize(16),
            (new StringField('REASON'))->configureNullable()->configureSize(64),
            (new IntegerField('HTTP_STATUS'))->configureRequired()->configureSize(2),
            (new StringField('EVENT_ID'))->configureNullable()->configureSize(191),
            (new StringField('EVENT_TYPE'))->configureNullable()->configureSize(191),
            (new IntegerField('JOB_ID'))->configureNullable()->configureSize(8),
            (new IntegerField('BODY_BYTES'))->configureRequired(),
            (new StringField('REMOTE_ADDR'))->configureNullable()->configureSize(45),
            (new StringField('MESSAGE'))->configureNullable()->configureSize(255),
        ];
    }
}
