<?php
// The kernel's own tests boot exactly as a module's tests do: through boot.php — on a site and
// database of their own (run.sh sets them; the defaults here keep a direct phpunit run off the
// module suite's site).
if ((string)getenv('CONDUIT_KERNEL_ROOT') === '') putenv('CONDUIT_KERNEL_ROOT=' . dirname(__DIR__, 3) . '/target/bitrix-kernel-selftest');
if ((string)getenv('CONDUIT_KERNEL_DB') === '') putenv('CONDUIT_KERNEL_DB=conduit_bitrix_selftest');
require __DIR__ . '/../boot.php';
require __DIR__ . '/KernelTestCase.php';
