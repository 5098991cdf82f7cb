<?php

namespace Conduit\Integration\Exception;

/**
 * Thrown by a job handler when retrying cannot help (the order was deleted, the data is
 * invalid): the job goes to `failed` at once with this message, without the remaining
 * attempts. Any other exception from a handler is retried with backoff until the job's
 * attempts are used up.
 */
class PermanentFailureException extends \RuntimeException implements ModuleException
{
}
