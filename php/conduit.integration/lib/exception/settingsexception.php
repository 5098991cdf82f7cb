<?php

namespace Conduit\Integration\Exception;

/**
 * A setting, connection or webhook source was refused (unknown name, wrong type, out of
 * range, rejected by the extension), or one that does not exist was asked for. Nothing
 * was stored. The message names the setting and quotes the value (never a secret);
 * the extension's own exception, when there is one, is `getPrevious()`.
 */
class SettingsException extends \InvalidArgumentException implements ModuleException
{
}
