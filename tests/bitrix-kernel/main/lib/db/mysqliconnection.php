<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\Loader;

class MysqliConnection extends Connection
{
    const INDEX_UNIQUE = 'UNIQUE';
    const INDEX_FULLTEXT = 'FULLTEXT';
    const INDEX_SPATIAL = 'SPATIAL';

    protected $engine = '';

    public function getType() { return 'mysql'; }

    protected function createSqlHelper() { return new MysqliSqlHelper($this); }

    protected function connectInternal()
    {
        if ($this->isConnected) return;
        $host = $this->host; $port = 0; $socket = null;
        if (($pos = strpos($host, ':')) !== false) {
            $rest = substr($host, $pos + 1);
            $host = substr($host, 0, $pos);
            if (ctype_digit($rest)) $port = (int)$rest; else $socket = $rest;
        }
        if ($host === 'localhost' && $socket === null && $port === 0) $host = 'localhost';
        mysqli_report(MYSQLI_REPORT_OFF);
        $link = mysqli_init();
        if (!$link) throw new ConnectionException('Mysql init failed');
        if (!@$link->real_connect($host, $this->login, $this->password, $this->database, $port ?: 3306, $socket, $this->options)) {
            throw new ConnectionException('Mysql connect error [' . $this->host . ']', sprintf('(%s) %s', $link->connect_errno, $link->connect_error));
        }
        $this->resource = $link;
        $this->isConnected = true;
        $link->set_charset('utf8mb4');
        // the PHP process timezone is the database session timezone (NOW() and PHP dates agree)
        $this->queryExecute("SET time_zone = '" . (new \DateTime())->format('P') . "'");
        if ($this->initCommand) $this->queryExecute($this->initCommand);
        $this->afterConnected();
    }
    protected function afterConnected()
    {
        $f = Loader::getDocumentRoot() . '/bitrix/php_interface/after_connect_d7.php';
        if (is_file($f)) include $f;
    }
    protected function disconnectInternal()
    {
        if ($this->isConnected) { $this->resource->close(); }
        $this->isConnected = false;
        $this->resource = null;
        $this->transactionLevel = 0;
    }
    protected function queryInternal($sql, array $binds = null, $trackerQuery = null)
    {
        $this->connectInternal();
        // PHP 8.1+ mysqli throws mysqli_sql_exception by default; the real kernel turns
        // both that and a false result into SqlQueryException.
        try {
            $result = $this->resource->query($sql);
        } catch (\mysqli_sql_exception $e) {
            throw new SqlQueryException('Mysql query error', sprintf('(%s) %s', $e->getCode(), $e->getMessage()), $sql, $e);
        }
        if ($result === false) {
            throw new SqlQueryException('Mysql query error', sprintf('(%s) %s', $this->resource->errno, $this->resource->error), $sql);
        }
        $this->lastQueryResult = $result;
        return $result;
    }
    protected function createResult($result, $trackerQuery = null) { return new MysqliResult($result, $this, $trackerQuery); }
    public function getInsertedId() { $this->connectInternal(); return (int)$this->resource->insert_id; }
    public function getAffectedRowsCount() { $this->connectInternal(); return (int)$this->resource->affected_rows; }
    public function getErrorMessage() { return $this->resource ? sprintf('(%s) %s', $this->resource->errno, $this->resource->error) : ''; }
    public function getErrorCode() { return $this->resource ? $this->resource->errno : 0; }
    /** [version, edition]: e.g. ['10.11.6', 'MariaDB'] */
    public function getVersion()
    {
        $v = (string)$this->queryScalar('SELECT VERSION()');
        preg_match('/^[0-9.]+/', $v, $m);
        return [$m[0] ?? $v, stripos($v, 'mariadb') !== false ? 'MariaDB' : null];
    }
    public function isTableExists($tableName)
    {
        $tableName = preg_replace('/[^A-Za-z0-9%_]+/i', '', $tableName);
        if ($tableName === '') return false;
        $r = $this->query("SHOW TABLES LIKE '" . $this->getSqlHelper()->forSql($tableName) . "'");
        return (bool)$r->fetchRaw();
    }
    public function getIndexName($tableName, array $columns, $strict = false)
    {
        if (!$columns) return null;
        $r = $this->query('SHOW INDEX FROM ' . $this->getSqlHelper()->quote($tableName));
        $idx = [];
        while ($row = $r->fetchRaw()) $idx[$row['Key_name']][(int)$row['Seq_in_index'] - 1] = $row['Column_name'];
        foreach ($idx as $name => $cols) {
            ksort($cols);
            $cols = array_values($cols);
            if ($strict ? $cols === array_values($columns) : array_slice($cols, 0, count($columns)) === array_values($columns)) return $name;
        }
        return null;
    }
    public function lock($name, $timeout = 0)
    {
        $n = $this->getSqlHelper()->forSql($this->database . '_' . $name);
        return (string)$this->queryScalar("SELECT GET_LOCK('" . $n . "', " . (int)$timeout . ')') === '1';
    }
    public function unlock($name)
    {
        $n = $this->getSqlHelper()->forSql($this->database . '_' . $name);
        return (string)$this->queryScalar("SELECT RELEASE_LOCK('" . $n . "')") === '1';
    }
    public function setStorageEngine($engine) { $this->engine = $engine; }
    public function selectDatabase($database) { $this->connectInternal(); $this->resource->select_db($database); $this->database = $database; }
}
