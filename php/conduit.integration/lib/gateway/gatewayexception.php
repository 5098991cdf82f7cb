<?php

namespace Conduit\Integration\Gateway;

/** A gateway call got an answer it cannot turn into its DTO. */
final class GatewayException extends \RuntimeException
{
}
