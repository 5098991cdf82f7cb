<?php
// Boots the test kernel for a page or a CLI script (as bitrix/modules/main/include/prolog_before.php does).
require_once dirname(__DIR__) . '/include.php';
