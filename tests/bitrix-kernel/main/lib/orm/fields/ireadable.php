<?php
namespace Bitrix\Main\ORM\Fields;

interface IReadable {}
