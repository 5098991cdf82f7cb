<?php
/**
 * PHPUnit bootstrap for the extension's PHP-level suites.
 *
 * The extension must be loaded (`php -d extension=…/libconduit.so`); the mock API
 * is started on demand by Support\MockApi and stopped when PHP exits.
 */
declare(strict_types=1);

if (!extension_loaded('conduit')) {
    fwrite(STDERR, "The conduit extension is not loaded: run through `make test`.\n");
    exit(1);
}

require_once __DIR__ . '/Support/MockApi.php';
require_once __DIR__ . '/Support/PhpProcess.php';
