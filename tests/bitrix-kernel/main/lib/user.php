<?php
namespace Bitrix\Main;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields;

/** b_user (the columns the test kernel creates). Read it with getList; create users with CUser::Add. */
class UserTable extends DataManager
{
    public static function getTableName() { return 'b_user'; }
    public static function getMap()
    {
        return [
            (new Fields\IntegerField('ID'))->configurePrimary()->configureAutocomplete(),
            new Fields\StringField('LOGIN'),
            (new Fields\StringField('PASSWORD'))->configurePrivate(),
            new Fields\StringField('EMAIL'),
            new Fields\BooleanField('ACTIVE', ['values' => ['N', 'Y']]),
            new Fields\BooleanField('BLOCKED', ['values' => ['N', 'Y']]),
            new Fields\StringField('NAME'),
            new Fields\StringField('LAST_NAME'),
            new Fields\StringField('SECOND_NAME'),
            new Fields\DatetimeField('DATE_REGISTER'),
            new Fields\DatetimeField('LAST_LOGIN'),
            new Fields\DatetimeField('TIMESTAMP_X'),
            new Fields\StringField('LID'),
            new Fields\StringField('XML_ID'),
            new Fields\StringField('EXTERNAL_AUTH_ID'),
            new Fields\StringField('LANGUAGE_ID'),
            new Fields\StringField('TITLE'),
        ];
    }
}
