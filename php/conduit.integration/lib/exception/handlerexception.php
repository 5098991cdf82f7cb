<?php

namespace Conduit\Integration\Exception;

/**
 * A job handler was registered wrongly (bad job type, a value that is neither a callable
 * nor a "Class::method"/class name string), or a string handler cannot be resolved when
 * its job runs. The message names the type and the handler.
 */
class HandlerException extends \InvalidArgumentException implements ModuleException
{
}
