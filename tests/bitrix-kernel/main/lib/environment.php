<?php
namespace Bitrix\Main;

class Environment extends Type\ParameterDictionary {}
