<?php
namespace Bitrix\Main\DB;

use Bitrix\Main\Loader;
use Bitrix\Main\ORM\Fields\IntegerField;
use Bitrix\Main\ORM\Fields\ScalarField;

/**
 * The test kernel's PostgreSQL connection, written from the behaviour of the real kernel's
 * PgsqlConnection (main 25.550): pg_connect, identifiers folded to lower case (the helper's
 * quote()), result keys upper case (PgsqlResult), IDENTITY columns for autoincrement,
 * INSERT ... RETURNING in add(), getInsertedId() through bx_lastval(), named locks through
 * bx_get_lock()/bx_release_lock() (advisory locks; the functions come from the site schema, as
 * main/install/pgsql/install_add.sql creates them), getType() "pgsql", getVersion() [major.minor, null].
 *
 * Host forms: "host", "host:port", or a socket directory ("/run/postgresql", optionally ":port").
 */
class PgsqlConnection extends Connection
{
    const INDEX_UNIQUE = 'UNIQUE';
    const INDEX_FULLTEXT = 'FULLTEXT';
    const INDEX_SPATIAL = 'SPATIAL';

    protected $version;

    public function getType() { return 'pgsql'; }

    protected function createSqlHelper() { return new PgsqlSqlHelper($this); }

    /** pg_connect() connection string for the configured host, database and credentials. */
    protected function connectionString(): string
    {
        $host = (string)$this->host;
        $port = 0;
        if (($pos = strrpos($host, ':')) !== false && ctype_digit(substr($host, $pos + 1))) {
            $port = (int)substr($host, $pos + 1);
            $host = substr($host, 0, $pos);
        }
        $q = fn($v) => "'" . str_replace(['\\', "'"], ['\\\\', "\\'"], (string)$v) . "'";
        $s = 'host=' . $q($host === '' ? 'localhost' : $host);
        if ($port > 0) $s .= ' port=' . $port;
        $s .= ' dbname=' . $q($this->database) . ' user=' . $q($this->login);
        if ((string)$this->password !== '') $s .= ' password=' . $q($this->password);
        return $s . " options='--client_encoding=UTF8'";
    }

    protected function connectInternal()
    {
        if ($this->isConnected) return;
        $error = '';
        set_error_handler(function ($no, $str) use (&$error) { $error = $str; return true; });
        try {
            $link = pg_connect($this->connectionString(), PGSQL_CONNECT_FORCE_NEW);
        } finally {
            restore_error_handler();
        }
        if (!$link) throw new ConnectionException('Pgsql connect error [' . $this->host . ']', $error);
        $this->resource = $link;
        $this->isConnected = true;
        pg_set_error_verbosity($link, PGSQL_ERRORS_DEFAULT);
        // the PHP process's offset is the session time zone (now() and PHP dates agree), as the
        // MySQL connection does; INTERVAL form because a bare '+03:00' is a POSIX zone (sign inverted)
        $this->queryExecute("SET TIME ZONE INTERVAL '" . (new \DateTime())->format('P') . "' HOUR TO MINUTE");
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
        if ($this->isConnected && $this->resource) {
            try { pg_close($this->resource); } catch (\Throwable $e) {}
        }
        $this->isConnected = false;
        $this->resource = null;
        $this->transactionLevel = 0;
    }
    protected function queryInternal($sql, array $binds = null, $trackerQuery = null)
    {
        $this->connectInternal();
        set_error_handler(function () { return true; }); // pg_query warns on an error; it is thrown below
        try {
            $result = pg_query($this->resource, $sql);
        } finally {
            restore_error_handler();
        }
        if ($result === false) {
            throw new SqlQueryException('Pgsql query error', (string)pg_last_error($this->resource), $sql);
        }
        $this->lastQueryResult = $result;
        return $result;
    }
    protected function createResult($result, $trackerQuery = null) { return new PgsqlResult($result, $this, $trackerQuery); }

    /** As the kernel: INSERT ... RETURNING the identity column unless the row gives it. */
    public function add($tableName, array $data, $identity = 'ID')
    {
        [$cols, $vals] = $this->getSqlHelper()->prepareInsert($tableName, $data);
        $sql = 'INSERT INTO ' . $this->getSqlHelper()->quote($tableName) . ' (' . $cols . ') VALUES (' . $vals . ')';
        if ($identity !== null && (!isset($data[$identity]) || $data[$identity] instanceof SqlExpression)) {
            $row = $this->query($sql . ' RETURNING ' . $this->getSqlHelper()->quote($identity))->fetchRaw();
            return $row ? (int)reset($row) : 0;
        }
        $this->queryExecute($sql);
        return $data[$identity] ?? null;
    }
    public function getInsertedId()
    {
        try {
            return (int)$this->queryScalar('SELECT bx_lastval()');
        } catch (SqlQueryException $e) {
            return 0;
        }
    }
    public function getAffectedRowsCount() { return $this->lastQueryResult ? pg_affected_rows($this->lastQueryResult) : 0; }
    public function getErrorMessage() { return $this->resource ? (string)pg_last_error($this->resource) : ''; }
    /** The SQLSTATE of the last error ("23505" for a duplicate key), as the kernel parses it. */
    public function getErrorCode()
    {
        return preg_match('/ERROR:\s*([0-9A-Z]{5}):/', $this->getErrorMessage(), $m) ? $m[1] : '';
    }
    /** [major.minor, null], e.g. ['15.8', null] */
    public function getVersion()
    {
        if ($this->version === null) {
            $this->connectInternal();
            $v = trim((string)(pg_version($this->resource)['server'] ?? ''));
            $this->version = preg_match('/^\D*?([0-9]+\.[0-9]+)/', $v, $m) ? $m[1] : $v;
        }
        return [$this->version, null];
    }
    public function isTableExists($tableName)
    {
        $r = $this->query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = '"
            . $this->getSqlHelper()->forSql(mb_strtolower((string)$tableName)) . "'");
        return (bool)$r->fetchRaw();
    }
    public function getIndexName($tableName, array $columns, $strict = false)
    {
        if (!$columns) return null;
        $r = $this->query("SELECT ic.relname AS index_name, k.n AS position, pg_get_indexdef(ix.indexrelid, k.n, true) AS column_name
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class ic ON ic.oid = ix.indexrelid
            JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = current_schema()
            CROSS JOIN LATERAL generate_series(1, ix.indnatts) AS k(n)
            WHERE t.relname = '" . $this->getSqlHelper()->forSql(mb_strtolower((string)$tableName)) . "'
            ORDER BY ic.relname, k.n");
        $idx = [];
        while ($row = $r->fetchRaw()) $idx[$row['INDEX_NAME']][] = mb_strtoupper(trim($row['COLUMN_NAME'], '"'));
        $want = array_map('mb_strtoupper', array_values($columns));
        foreach ($idx as $name => $cols) {
            if ($strict ? $cols === $want : array_slice($cols, 0, count($want)) === $want) return $name;
        }
        return null;
    }
    /** Column name (upper case, as the kernel gives them) => field, from information_schema. */
    public function getTableFields($tableName)
    {
        if (empty($this->tableColumnsCache[$tableName])) {
            $h = $this->getSqlHelper();
            $r = $this->query("SELECT column_name, data_type, character_maximum_length FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = '" . $h->forSql(mb_strtolower((string)$tableName)) . "'
                ORDER BY ordinal_position");
            $fields = [];
            while ($row = $r->fetchRaw()) {
                $name = mb_strtoupper($row['COLUMN_NAME']);
                $f = $h->getFieldByColumnType($name, $row['DATA_TYPE']);
                if ($f instanceof \Bitrix\Main\ORM\Fields\StringField && $row['CHARACTER_MAXIMUM_LENGTH']) $f->configureSize((int)$row['CHARACTER_MAXIMUM_LENGTH']);
                $fields[$name] = $f;
            }
            $this->tableColumnsCache[$tableName] = $fields;
        }
        return $this->tableColumnsCache[$tableName];
    }
    public function createTable($tableName, $fields, $primary = [], $autoincrement = [])
    {
        $h = $this->getSqlHelper();
        $sql = [];
        foreach ($fields as $columnName => $field) {
            if (!($field instanceof ScalarField)) throw new \Bitrix\Main\ArgumentException(sprintf('Field `%s` should be an Entity\ScalarField instance', $columnName));
            if (in_array($columnName, $autoincrement, true)) {
                $size = $field instanceof IntegerField ? $field->getSize() : 4;
                $type = ($size == 2 ? 'SMALLINT' : ($size == 8 ? 'BIGINT' : 'INT')) . ' GENERATED BY DEFAULT AS IDENTITY';
            } else {
                $type = $h->getColumnTypeByField($field);
            }
            $sql[] = $h->quote($field->getColumnName()) . ' ' . $type . ($field->isNullable() ? '' : ' NOT NULL');
        }
        $q = 'CREATE TABLE IF NOT EXISTS ' . $h->quote($tableName) . ' (' . implode(', ', $sql);
        if ($primary) {
            $q .= ', PRIMARY KEY(' . implode(', ', array_map(fn($p) => $h->quote($fields[$p]->getColumnName()), $primary)) . ')';
        }
        $this->queryExecute($q . ')');
        unset($this->tableColumnsCache[$tableName]);
    }
    public function createIndex($tableName, $indexName, $columnNames, $columnLengths = null, $indexType = null)
    {
        $h = $this->getSqlHelper();
        $cols = implode(', ', array_map([$h, 'quote'], (array)$columnNames));
        if ($indexType === self::INDEX_FULLTEXT) $cols = "to_tsvector('english', $cols)";
        $this->queryExecute('CREATE ' . ($indexType === self::INDEX_UNIQUE ? 'UNIQUE ' : '') . 'INDEX IF NOT EXISTS ' . $h->quote($indexName)
            . ' ON ' . $h->quote($tableName) . ($indexType === self::INDEX_FULLTEXT ? ' USING GIN ' : ' ') . '(' . $cols . ')');
    }
    public function renameTable($currentName, $newName)
    {
        $this->queryExecute('ALTER TABLE ' . $this->getSqlHelper()->quote($currentName) . ' RENAME TO ' . $this->getSqlHelper()->quote($newName));
        unset($this->tableColumnsCache[$currentName]);
    }
    /** Named lock for this site: bx_get_lock() returns 0 once the advisory lock is held (timeout in seconds). */
    public function lock($name, $timeout = 0)
    {
        return (string)$this->queryScalar('SELECT bx_get_lock(' . $this->getLockKey($name) . ', ' . (int)$timeout . ')') === '0';
    }
    public function unlock($name)
    {
        return (string)$this->queryScalar('SELECT bx_release_lock(' . $this->getLockKey($name) . ')') === '0';
    }
    /** As the kernel: crc32 of the site's unique id and the name (advisory locks take a number). */
    protected function getLockKey($name)
    {
        return crc32(\CMain::GetServerUniqID() . '|' . $name);
    }
    public function selectDatabase($database)
    {
        throw new \Bitrix\Main\NotSupportedException('PostgreSQL cannot switch the database of an open connection');
    }
}
