<?php

namespace Conduit\Integration\Exception;

/**
 * The encryption key for stored secrets is missing or unusable (key file unreadable,
 * inside the document root, wrong size; no crypto_key), or a stored secret does not
 * decrypt with the configured keys. The extension's exception is `getPrevious()`.
 */
class KeyException extends \RuntimeException implements ModuleException
{
}
