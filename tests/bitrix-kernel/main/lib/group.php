<?php
namespace Bitrix\Main;

use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields;

class GroupTable extends DataManager
{
    public static function getTableName() { return 'b_group'; }
    public static function getMap()
    {
        return [
            (new Fields\IntegerField('ID'))->configurePrimary()->configureAutocomplete(),
            new Fields\DatetimeField('TIMESTAMP_X'),
            new Fields\BooleanField('ACTIVE', ['values' => ['N', 'Y']]),
            new Fields\IntegerField('C_SORT'),
            new Fields\BooleanField('ANONYMOUS', ['values' => ['N', 'Y']]),
            new Fields\BooleanField('IS_SYSTEM', ['values' => ['N', 'Y']]),
            new Fields\StringField('NAME'),
            new Fields\StringField('DESCRIPTION'),
            new Fields\StringField('STRING_ID'),
        ];
    }
}

class UserGroupTable extends DataManager
{
    public static function getTableName() { return 'b_user_group'; }
    public static function getMap()
    {
        return [
            (new Fields\IntegerField('USER_ID'))->configurePrimary(),
            (new Fields\IntegerField('GROUP_ID'))->configurePrimary(),
            new Fields\DatetimeField('DATE_ACTIVE_FROM'),
            new Fields\DatetimeField('DATE_ACTIVE_TO'),
        ];
    }
}
