<?php

namespace Conduit\Integration\Exception;

/** Implemented by every exception the module throws: `catch (ModuleException $e)` catches them all. */
interface ModuleException extends \Throwable
{
}
