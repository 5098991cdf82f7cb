<?php
require __DIR__ . '/epilog_before.php';
require __DIR__ . '/epilog_after.php';
