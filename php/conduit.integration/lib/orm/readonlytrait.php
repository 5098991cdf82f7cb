<?php

namespace Conduit\Integration\Orm;

use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Exception\ReadOnlyEntityException;

Loc::loadMessages(__FILE__);

/**
 * For entities over tables the extension writes: reading and deleting go through the
 * ORM, adding and changing rows does not (the extension keeps its invariants — leases,
 * dedupe keys, group locks — only when it does the writing).
 */
trait ReadOnlyTrait
{
    public static function add(array $data)
    {
        throw new ReadOnlyEntityException((string) Loc::getMessage('CONDUIT_ORM_READ_ONLY', ['#CLASS#' => static::class]));
    }

    public static function update($primary, array $data)
    {
        throw new ReadOnlyEntityException((string) Loc::getMessage('CONDUIT_ORM_READ_ONLY', ['#CLASS#' => static::class]));
    }
}
