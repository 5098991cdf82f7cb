#!/bin/sh
# Conduit image entrypoint: when the mounted site is a Bitrix site without the module
# yet, copies it in (the same command an administrator runs on a server), then runs
# the command (php-fpm, or the worker).
set -e
SITE=${BITRIX_ROOT:-/var/www/site}
if [ -d "$SITE/bitrix" ] && [ ! -f "$SITE/local/modules/conduit.integration/include.php" ]; then
    conduit-install-bitrix-module "$SITE"
fi
exec "$@"
