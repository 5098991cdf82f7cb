<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\ORM\Fields\ScalarField;

abstract class Connection
{
    protected $configuration;
    protected $host;
    protected $database;
    protected $login;
    protected $password;
    protected $initCommand;
    protected $options;
    protected $resource;
    protected $isConnected = false;
    protected $sqlHelper;
    protected $transactionLevel = 0;
    protected $lastQueryResult;
    protected $tableColumnsCache = [];

    public function __construct(array $configuration)
    {
        $this->configuration = $configuration;
        $this->host = $configuration['host'] ?? '';
        $this->database = $configuration['database'] ?? '';
        $this->login = $configuration['login'] ?? '';
        $this->password = $configuration['password'] ?? '';
        $this->initCommand = $configuration['initCommand'] ?? '';
        $this->options = (int)($configuration['options'] ?? 0);
    }
    public function getConfiguration() { return $this->configuration; }
    public function getHost() { return $this->host; }
    public function getLogin() { return $this->login; }
    public function getPassword() { return $this->password; }
    public function getDatabase() { return $this->database; }
    public function getDbName() { return $this->database; }
    public function isConnected() { return $this->isConnected; }
    public function getResource() { $this->connectInternal(); return $this->resource; }
    public function connect() { $this->connectInternal(); }
    public function disconnect() { $this->disconnectInternal(); }
    abstract protected function connectInternal();
    abstract protected function disconnectInternal();
    abstract protected function queryInternal($sql, array $binds = null, $trackerQuery = null);
    abstract protected function createResult($result, $trackerQuery = null);
    abstract public function getInsertedId();
    abstract public function getAffectedRowsCount();
    abstract public function getType();
    abstract public function getVersion();
    abstract public function getErrorMessage();
    abstract protected function createSqlHelper();

    public function getSqlHelper()
    {
        return $this->sqlHelper ?? ($this->sqlHelper = $this->createSqlHelper());
    }

    /** query($sql), query($sql, $limit), query($sql, $offset, $limit), query($sql, array $binds, $offset, $limit) */
    public function query($sql)
    {
        $args = func_get_args();
        $binds = null; $offset = 0; $limit = 0;
        if (isset($args[1]) && is_array($args[1])) { $binds = $args[1]; $offset = (int)($args[2] ?? 0); $limit = (int)($args[3] ?? 0); }
        elseif (count($args) === 2) { $limit = (int)$args[1]; }
        elseif (count($args) >= 3) { $offset = (int)$args[1]; $limit = (int)$args[2]; }
        if ($limit > 0) $sql = $this->getSqlHelper()->getTopSql($sql, $limit, $offset);
        $res = $this->queryInternal($sql, $binds);
        return $this->createResult($res);
    }
    public function queryScalar($sql, array $binds = null)
    {
        $r = $this->query($sql, $binds ?? [], 0, 1);
        $row = $r->fetchRaw();
        return $row ? reset($row) : null;
    }
    public function queryExecute($sql, array $binds = null)
    {
        $this->queryInternal($sql, $binds);
    }
    public function add($tableName, array $data, $identity = 'ID')
    {
        [$cols, $vals] = $this->getSqlHelper()->prepareInsert($tableName, $data);
        $this->queryExecute('INSERT INTO ' . $this->getSqlHelper()->quote($tableName) . '(' . $cols . ') VALUES (' . $vals . ')');
        return $this->getInsertedId();
    }
    public function addMulti($tableName, $rows, $identity = 'ID')
    {
        $id = null;
        foreach ($rows as $row) $id = $this->add($tableName, $row, $identity);
        return $id;
    }
    public function getTableFields($tableName)
    {
        if (!isset($this->tableColumnsCache[$tableName])) {
            $res = $this->query('SELECT * FROM ' . $this->getSqlHelper()->quote($tableName) . ' LIMIT 0');
            $this->tableColumnsCache[$tableName] = $res->getFields();
        }
        return $this->tableColumnsCache[$tableName];
    }
    public function getTableField($tableName, $columnName)
    {
        return $this->getTableFields($tableName)[$columnName] ?? null;
    }
    public function createTable($tableName, $fields, $primary = [], $autoincrement = [])
    {
        $h = $this->getSqlHelper();
        $sql = [];
        foreach ($fields as $columnName => $field) {
            if (!($field instanceof ScalarField)) throw new \Bitrix\Main\ArgumentException(sprintf('Field `%s` should be an Entity\ScalarField instance', $columnName));
            $sql[] = $h->quote($field->getColumnName()) . ' ' . $h->getColumnTypeByField($field)
                . ($field->isNullable() ? '' : ' NOT NULL')
                . (in_array($columnName, $autoincrement, true) ? ' AUTO_INCREMENT' : '');
        }
        $q = 'CREATE TABLE IF NOT EXISTS ' . $h->quote($tableName) . ' (' . implode(', ', $sql);
        if ($primary) {
            $q .= ', PRIMARY KEY(' . implode(', ', array_map(fn($p) => $h->quote($fields[$p]->getColumnName()), $primary)) . ')';
        }
        $q .= ')';
        $this->queryExecute($q);
        unset($this->tableColumnsCache[$tableName]);
    }
    public function createPrimaryIndex($tableName, $columnNames)
    {
        $h = $this->getSqlHelper();
        $this->queryExecute('ALTER TABLE ' . $h->quote($tableName) . ' ADD PRIMARY KEY(' . implode(', ', array_map([$h, 'quote'], (array)$columnNames)) . ')');
    }
    public function createIndex($tableName, $indexName, $columnNames, $columnLengths = null, $indexType = null)
    {
        $h = $this->getSqlHelper();
        $cols = [];
        foreach ((array)$columnNames as $c) $cols[] = $h->quote($c) . (isset($columnLengths[$c]) ? '(' . (int)$columnLengths[$c] . ')' : '');
        $type = $indexType === 'UNIQUE' ? 'UNIQUE ' : ($indexType === 'FULLTEXT' ? 'FULLTEXT ' : '');
        $this->queryExecute('CREATE ' . $type . 'INDEX ' . $h->quote($indexName) . ' ON ' . $h->quote($tableName) . ' (' . implode(', ', $cols) . ')');
    }
    public function isIndexExists($tableName, array $columns) { return $this->getIndexName($tableName, $columns) !== null; }
    public function renameTable($currentName, $newName)
    {
        $this->queryExecute('RENAME TABLE ' . $this->getSqlHelper()->quote($currentName) . ' TO ' . $this->getSqlHelper()->quote($newName));
        unset($this->tableColumnsCache[$currentName]);
    }
    public function dropTable($tableName)
    {
        $this->queryExecute('DROP TABLE ' . $this->getSqlHelper()->quote($tableName));
        unset($this->tableColumnsCache[$tableName]);
    }
    public function dropColumn($tableName, $columnName)
    {
        $this->queryExecute('ALTER TABLE ' . $this->getSqlHelper()->quote($tableName) . ' DROP COLUMN ' . $this->getSqlHelper()->quote($columnName));
        unset($this->tableColumnsCache[$tableName]);
    }
    public function truncateTable($tableName)
    {
        $this->queryExecute('TRUNCATE TABLE ' . $this->getSqlHelper()->quote($tableName));
    }
    /**
     * Runs each statement of a batch (an install.sql); as the kernel: the messages of the statements
     * that failed, [] when all ran; $stopOnError stops at the first.
     * @return string[]
     */
    public function executeSqlBatch($sqlBatch, $stopOnError = false)
    {
        $errors = [];
        foreach ($this->parseSqlBatch($sqlBatch) as $sql) {
            try {
                $this->queryExecute($sql);
            } catch (SqlException $e) {
                $errors[] = $e->getMessage();
                if ($stopOnError) return $errors;
            }
        }
        return $errors;
    }

    /**
     * Splits a batch at the query delimiter followed by white space or the end, outside quoted
     * strings ('…', "…", `…`), comments (-- and # to the end of the line, dropped) and $$ bodies.
     * @return string[]
     */
    public function parseSqlBatch($sqlBatch)
    {
        $delimiter = $this->getSqlHelper()->getQueryDelimiter();
        $text = str_replace("\r\n", "\n", (string)$sqlBatch);
        $statements = [];
        $sql = '';
        $n = strlen($text);
        for ($i = 0; $i < $n; $i++) {
            $ch = $text[$i];
            if ($ch === "'" || $ch === '"' || $ch === '`') {
                $j = $i + 1;
                while ($j < $n && !($text[$j] === $ch && $text[$j - 1] !== '\\')) $j++;
                $sql .= substr($text, $i, $j - $i + 1);
                $i = $j;
            } elseif ($ch === '#' || ($ch === '-' && ($text[$i + 1] ?? '') === '-')) {
                $j = strpos($text, "\n", $i);
                $i = $j === false ? $n : $j - 1;
            } elseif ($ch === '$' && ($text[$i + 1] ?? '') === '$') {
                $j = strpos($text, '$$', $i + 2);
                $j = $j === false ? $n : $j + 2;
                $sql .= substr($text, $i, $j - $i);
                $i = $j - 1;
            } elseif (substr($text, $i, strlen($delimiter)) === $delimiter && ($i + strlen($delimiter) >= $n || ctype_space($text[$i + strlen($delimiter)]))) {
                if (trim($sql) !== '') $statements[] = trim($sql);
                $sql = '';
                $i += strlen($delimiter) - 1;
            } else {
                $sql .= $ch;
            }
        }
        if (trim($sql) !== '') $statements[] = trim($sql);
        return $statements;
    }

    public function startTransaction()
    {
        if ($this->transactionLevel === 0) $this->queryExecute('START TRANSACTION');
        else $this->queryExecute('SAVEPOINT TRANS' . $this->transactionLevel);
        $this->transactionLevel++;
    }
    public function commitTransaction()
    {
        if ($this->transactionLevel <= 0) return;
        $this->transactionLevel--;
        if ($this->transactionLevel === 0) $this->queryExecute('COMMIT');
    }
    public function rollbackTransaction()
    {
        if ($this->transactionLevel <= 0) return;
        $this->transactionLevel--;
        if ($this->transactionLevel === 0) $this->queryExecute('ROLLBACK');
        else $this->queryExecute('ROLLBACK TO SAVEPOINT TRANS' . $this->transactionLevel);
    }
    public function getTransactionLevel() { return $this->transactionLevel; }
    public function lock($name, $timeout = 0) { return true; }
    public function unlock($name) { return true; }
    public function startTracker($reset = false) { return null; }
    public function stopTracker() {}
    public function getTracker() { return null; }
}
