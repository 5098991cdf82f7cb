<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Bitrix\Main\ORM\Fields;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Services;

/**
 * Every ORM map equals the real columns the extension's migrate() created: names, types,
 * sizes and nullability. A migration that changes a column without the entity fails here.
 * The columns come from the site database's own information_schema: MySQL's on MySQL/MariaDB,
 * PostgreSQL's on PostgreSQL (its type names mapped to the same families).
 */
final class OrmSchemaTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::ensureInstalled();
        Services::store()->migrate();
    }

    public static function entities(): array
    {
        return ['queue' => [QueueTable::class], 'request log' => [RequestLogTable::class],
            'webhook events' => [\Conduit\Integration\Orm\WebhookEventTable::class], 'workers' => [\Conduit\Integration\Orm\WorkerTable::class]];
    }

    /** @return array<string, array{type: string, column_type: string, nullable: bool, length: ?int}> */
    private static function columns(string $table): array
    {
        $connection = Application::getConnection();
        if ($connection->getType() === 'pgsql') {
            return self::pgsqlColumns($table);
        }
        $sql = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS"
            . " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" . $connection->getSqlHelper()->forSql($table) . "' ORDER BY ORDINAL_POSITION";
        $columns = [];
        $result = $connection->query($sql);
        while ($row = $result->fetch()) {
            $row = array_change_key_case($row, CASE_UPPER);
            $columns[strtoupper($row['COLUMN_NAME'])] = [
                'type' => strtolower($row['DATA_TYPE']),
                'column_type' => strtolower($row['COLUMN_TYPE']),
                'nullable' => $row['IS_NULLABLE'] === 'YES',
                'length' => $row['CHARACTER_MAXIMUM_LENGTH'] === null ? null : (int) $row['CHARACTER_MAXIMUM_LENGTH'],
            ];
        }
        return $columns;
    }

    /**
     * PostgreSQL's information_schema, in MySQL's type words: integer → int, double precision →
     * double, character varying → varchar, character → char (the names PostgreSQL stores in lower case).
     */
    private static function pgsqlColumns(string $table): array
    {
        $connection = Application::getConnection();
        $words = ['integer' => 'int', 'smallint' => 'smallint', 'bigint' => 'bigint', 'double precision' => 'double', 'real' => 'float',
            'numeric' => 'decimal', 'text' => 'text', 'character varying' => 'varchar', 'character' => 'char'];
        $sql = 'SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns'
            . " WHERE table_schema = current_schema() AND table_name = '" . $connection->getSqlHelper()->forSql(strtolower($table)) . "' ORDER BY ordinal_position";
        $columns = [];
        $result = $connection->query($sql);
        while ($row = $result->fetch()) {
            $row = array_change_key_case($row, CASE_UPPER);
            $type = strtolower($row['DATA_TYPE']);
            $columns[strtoupper($row['COLUMN_NAME'])] = [
                'type' => $words[$type] ?? $type,
                'column_type' => $type,
                'nullable' => $row['IS_NULLABLE'] === 'YES',
                'length' => $row['CHARACTER_MAXIMUM_LENGTH'] === null ? null : (int) $row['CHARACTER_MAXIMUM_LENGTH'],
            ];
        }
        return $columns;
    }

    /** @dataProvider entities */
    public function testMapEqualsColumns(string $entity): void
    {
        $table = $entity::getTableName();
        $columns = self::columns($table);
        $this->assertNotEmpty($columns, "$table has no columns: was migrate() run?");

        $fields = [];
        foreach ($entity::getEntity()->getFields() as $field) {
            if ($field instanceof Fields\ScalarField) {
                $fields[strtoupper($field->getColumnName())] = $field;
            }
        }
        $this->assertSame(array_keys($columns), array_keys($fields), "$entity: field names differ from the columns of $table (in column order)");

        $intSizes = ['tinyint' => 1, 'smallint' => 2, 'mediumint' => 3, 'int' => 4, 'bigint' => 8];
        foreach ($fields as $name => $field) {
            $column = $columns[$name];
            $where = "$entity::$name ({$column['column_type']})";
            switch (true) {
                case $field instanceof Fields\IntegerField:
                    $this->assertArrayHasKey($column['type'], $intSizes, "$where is not an integer column");
                    $this->assertSame($intSizes[$column['type']], (int) $field->getSize(), "$where: IntegerField size");
                    break;
                case $field instanceof Fields\FloatField:
                    $this->assertContains($column['type'], ['double', 'float', 'decimal'], $where);
                    break;
                case $field instanceof Fields\TextField:
                    $this->assertContains($column['type'], ['text', 'mediumtext', 'longtext'], $where);
                    break;
                case $field instanceof Fields\StringField:
                    $this->assertContains($column['type'], ['varchar', 'char'], $where);
                    $this->assertSame($column['length'], (int) $field->getSize(), "$where: StringField size");
                    break;
                default:
                    $this->fail("$where: unexpected field class " . get_class($field));
            }
            $this->assertSame($column['nullable'], $field->isNullable(), "$where: nullability");
            if (!$column['nullable'] && !$field->isPrimary()) {
                // NOT NULL columns without a database default must be required in the map.
                $this->assertTrue($field->isRequired() || $field->getDefaultValue() !== null, "$where is NOT NULL but neither required nor defaulted");
            }
        }
        $primary = $entity::getEntity()->getPrimaryArray();
        $this->assertSame(['ID'], $primary);
    }
}
