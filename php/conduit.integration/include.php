<?php
// Classes are autoloaded from lib/ (namespace Conduit\Integration, lowercase file names).
// The one thing done on inclusion: apply the extension's new migrations after an upgrade
// (a cached Option read when nothing is pending; see Conduit\Integration\Module::ensureSchema).
\Conduit\Integration\Module::ensureSchema();
