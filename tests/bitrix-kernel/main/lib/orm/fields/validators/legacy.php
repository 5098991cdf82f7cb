<?php
namespace Bitrix\Main\Entity\Validator;

use Bitrix\Main\ORM\Fields\Validators;

foreach (['Length' => Validators\LengthValidator::class, 'RegExp' => Validators\RegExpValidator::class,
    'Range' => Validators\RangeValidator::class, 'Unique' => Validators\UniqueValidator::class] as $a => $t) {
    if (!class_exists(__NAMESPACE__ . '\\' . $a, false)) class_alias($t, __NAMESPACE__ . '\\' . $a);
}
