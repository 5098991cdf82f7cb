<?php

namespace Conduit\Integration\Exception;

/**
 * add()/update() on an ORM entity over the extension's tables: rows are written by the
 * extension (Conduit\SyncQueue, the request-log writer), never through the ORM.
 */
class ReadOnlyEntityException extends \LogicException implements ModuleException
{
}
