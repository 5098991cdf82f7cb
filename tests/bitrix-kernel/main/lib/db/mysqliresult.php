<?php
namespace Bitrix\Main\DB;

class MysqliResult extends Result
{
    protected $resultFields;

    protected function fetchRowInternal()
    {
        if (!($this->resource instanceof \mysqli_result)) return false;
        $r = $this->resource->fetch_assoc();
        return $r ?: false;
    }
    public function getSelectedRowsCount()
    {
        return $this->resource instanceof \mysqli_result ? $this->resource->num_rows : 0;
    }
    /** @return \Bitrix\Main\ORM\Fields\ScalarField[] by column name, typed from the driver metadata. */
    public function getFields()
    {
        if ($this->resultFields === null) {
            $this->resultFields = [];
            if ($this->resource instanceof \mysqli_result) {
                $helper = $this->connection->getSqlHelper();
                foreach ($this->resource->fetch_fields() as $f) {
                    $this->resultFields[$f->name] = $helper->getFieldByColumnType($f->name, $f->type);
                }
            }
        }
        return $this->resultFields;
    }
}
