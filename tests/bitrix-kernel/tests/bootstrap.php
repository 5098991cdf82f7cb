<?php
// The kernel's own tests boot exactly as a module's tests do: through boot.php.
require __DIR__ . '/../boot.php';
require __DIR__ . '/KernelTestCase.php';
