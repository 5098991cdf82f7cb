<?php
require __DIR__ . '/epilog_admin_before.php';
require __DIR__ . '/epilog_admin_after.php';
