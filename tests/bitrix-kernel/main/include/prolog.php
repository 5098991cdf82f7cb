<?php
require_once __DIR__ . '/prolog_before.php';
require_once __DIR__ . '/prolog_after.php';
