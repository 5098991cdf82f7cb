<?php
namespace Bitrix\Main\Config;

class ConfigurationException extends \Bitrix\Main\SystemException {}
