<?php
namespace Bitrix\Main\Type;

class Dictionary extends ParameterDictionary {}
