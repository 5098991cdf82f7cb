<?php
namespace Bitrix\Main\DB;

/** PostgreSQL result: rows with upper-case keys (PostgreSQL folds unquoted names to lower case), values as strings. */
class PgsqlResult extends Result
{
    protected $resultFields;

    protected function fetchRowInternal()
    {
        if (!($this->resource instanceof \PgSql\Result)) return false;
        $r = pg_fetch_assoc($this->resource);
        return $r ? array_change_key_case($r, CASE_UPPER) : false;
    }
    public function getSelectedRowsCount()
    {
        return $this->resource instanceof \PgSql\Result ? pg_num_rows($this->resource) : 0;
    }
    public function getFields()
    {
        if ($this->resultFields === null) {
            $this->resultFields = [];
            if ($this->resource instanceof \PgSql\Result) {
                $helper = $this->connection->getSqlHelper();
                for ($i = 0, $n = pg_num_fields($this->resource); $i < $n; $i++) {
                    $name = mb_strtoupper(pg_field_name($this->resource, $i));
                    $this->resultFields[$name] = $helper->getFieldByColumnType($name, pg_field_type($this->resource, $i));
                }
            }
        }
        return $this->resultFields;
    }
}
