<?php

namespace Conduit\Integration\Exception;

/**
 * The module cannot be installed or used on this server: the extension is missing or
 * of an unsupported version, the database is too old or not MySQL/MariaDB, or no
 * encryption key is available. The message says what to do.
 */
class InstallException extends \RuntimeException implements ModuleException
{
}
