<?php
// Legacy Bitrix\Main\Entity\* names of the ORM classes.
namespace Bitrix\Main\Entity;

foreach ([
    'DataManager' => \Bitrix\Main\ORM\Data\DataManager::class,
    'Base' => \Bitrix\Main\ORM\Entity::class,
    'Query' => \Bitrix\Main\ORM\Query\Query::class,
    'AddResult' => \Bitrix\Main\ORM\Data\AddResult::class,
    'UpdateResult' => \Bitrix\Main\ORM\Data\UpdateResult::class,
    'DeleteResult' => \Bitrix\Main\ORM\Data\DeleteResult::class,
    'EntityError' => \Bitrix\Main\ORM\EntityError::class,
    'FieldError' => \Bitrix\Main\ORM\Fields\FieldError::class,
    'IntegerField' => \Bitrix\Main\ORM\Fields\IntegerField::class,
    'StringField' => \Bitrix\Main\ORM\Fields\StringField::class,
    'TextField' => \Bitrix\Main\ORM\Fields\TextField::class,
    'FloatField' => \Bitrix\Main\ORM\Fields\FloatField::class,
    'DatetimeField' => \Bitrix\Main\ORM\Fields\DatetimeField::class,
    'DateField' => \Bitrix\Main\ORM\Fields\DateField::class,
    'BooleanField' => \Bitrix\Main\ORM\Fields\BooleanField::class,
    'EnumField' => \Bitrix\Main\ORM\Fields\EnumField::class,
    'ExpressionField' => \Bitrix\Main\ORM\Fields\ExpressionField::class,
    'Event' => \Bitrix\Main\ORM\Event::class,
    'EventResult' => \Bitrix\Main\ORM\EventResult::class,
] as $alias => $target) {
    if (!class_exists(__NAMESPACE__ . '\\' . $alias, false)) class_alias($target, __NAMESPACE__ . '\\' . $alias);
}
