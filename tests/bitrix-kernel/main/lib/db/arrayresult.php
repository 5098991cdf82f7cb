<?php
namespace Bitrix\Main\DB;

class ArrayResult extends Result
{
    public function __construct(array $rows) { parent::__construct(array_values($rows)); }
    protected function fetchRowInternal()
    {
        $r = current($this->resource);
        if ($r === false) return false;
        next($this->resource);
        return $r;
    }
    public function getSelectedRowsCount() { return count($this->resource); }
    public function getFields() { return []; }
}
