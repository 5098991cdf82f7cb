<?php

namespace Conduit\Integration\Security;

/**
 * Marker for write-only secret fields: pass `Secret::Keep` instead of a value to
 * `Settings::saveConnection()` / `saveWebhookSource()` to keep the stored secret
 * (an admin form that shows "set on <date>" and leaves "replace" empty).
 */
enum Secret
{
    case Keep;
}
