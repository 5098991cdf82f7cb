<?php
use Bitrix\Main\Application;
use Bitrix\Main\ArgumentException;
use Bitrix\Main\DB\SqlExpression;
use Bitrix\Main\ORM\Data\DataManager;
use Bitrix\Main\ORM\Fields;
use Bitrix\Main\ORM\Query\Query;
use Bitrix\Main\Type\DateTime;

class KernelTestOrmTable extends DataManager
{
    public static $beforeAdd = null;
    public static function getTableName() { return 'b_kerneltest_orm'; }
    public static function getMap()
    {
        return [
            (new Fields\IntegerField('ID'))->configurePrimary()->configureAutocomplete()->configureSize(8),
            (new Fields\StringField('CODE'))->configureRequired()->configureSize(5),
            (new Fields\StringField('NOTE'))->configureNullable(),
            new Fields\IntegerField('N', ['default_value' => 0]),
            (new Fields\FloatField('F'))->configureNullable(),
            (new Fields\BooleanField('FLAG'))->configureValues('N', 'Y')->configureDefaultValue(false),
            new Fields\EnumField('KIND', ['values' => ['a', 'bb'], 'default_value' => 'a']),
            (new Fields\DatetimeField('AT'))->configureNullable(),
            (new Fields\DateField('DAY'))->configureNullable(),
            (new Fields\TextField('DATA'))->configureNullable()->configureSerialized(),
            new Fields\ExpressionField('N2', '%s * 2', ['N']),
        ];
    }
    public static function onBeforeAdd(\Bitrix\Main\ORM\Event $event)
    {
        if (self::$beforeAdd) return (self::$beforeAdd)($event);
        return null;
    }
}

class OrmTest extends KernelTestCase
{
    protected function setUp(): void
    {
        $c = Application::getConnection();
        if ($c->isTableExists('b_kerneltest_orm')) $c->dropTable('b_kerneltest_orm');
        KernelTestOrmTable::getEntity()->createDbTable();
        KernelTestOrmTable::$beforeAdd = null;
    }
    protected function tearDown(): void
    {
        Application::getConnection()->dropTable('b_kerneltest_orm');
        parent::tearDown();
    }

    private function add(array $f): int
    {
        $r = KernelTestOrmTable::add($f);
        $this->assertTrue($r->isSuccess(), implode('; ', $r->getErrorMessages()));
        return $r->getId();
    }

    public function testCreateDbTableColumns(): void
    {
        $cols = [];
        if (conduit_kernel_db_type() === 'pgsql') {
            // the real PgsqlConnection::createTable: IDENTITY for the autoincrement, PostgreSQL's type names
            $r = Application::getConnection()->query("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, IS_IDENTITY FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'b_kerneltest_orm' ORDER BY ordinal_position");
            while ($row = $r->fetch()) $cols[$row['COLUMN_NAME']] = [$row['DATA_TYPE'] . ($row['CHARACTER_MAXIMUM_LENGTH'] ? '(' . $row['CHARACTER_MAXIMUM_LENGTH'] . ')' : '') . ($row['IS_IDENTITY'] === 'YES' ? ' identity' : ''), $row['IS_NULLABLE']];
            $this->assertSame([
                'id' => ['bigint identity', 'NO'], 'code' => ['character varying(255)', 'NO'], 'note' => ['character varying(255)', 'YES'], 'n' => ['integer', 'NO'],
                'f' => ['double precision', 'YES'], 'flag' => ['character(1)', 'NO'], 'kind' => ['character varying(2)', 'NO'], 'at' => ['timestamp without time zone', 'YES'],
                'day' => ['date', 'YES'], 'data' => ['text', 'YES'],
            ], $cols, 'NOT NULL unless nullable; string length from validators, not size; no column for the expression');
            $cols = null;
        } else {
        $r = Application::getConnection()->query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'b_kerneltest_orm' ORDER BY ORDINAL_POSITION");
        while ($row = $r->fetch()) $cols[$row['COLUMN_NAME']] = [$row['COLUMN_TYPE'], $row['IS_NULLABLE']];
        }
        if ($cols !== null) $this->assertSame([
            'ID' => ['bigint(20)', 'NO'], 'CODE' => ['varchar(255)', 'NO'], 'NOTE' => ['varchar(255)', 'YES'], 'N' => ['int(11)', 'NO'],
            'F' => ['double', 'YES'], 'FLAG' => ['char(1)', 'NO'], 'KIND' => ['varchar(2)', 'NO'], 'AT' => ['datetime', 'YES'],
            'DAY' => ['date', 'YES'], 'DATA' => ['text', 'YES'],
        ], $cols, 'NOT NULL unless nullable; string length from validators, not size; no column for the expression');
        $fields = Application::getConnection()->getTableFields('b_kerneltest_orm');
        $this->assertInstanceOf(Fields\IntegerField::class, $fields['ID']);
        $this->assertInstanceOf(Fields\DatetimeField::class, $fields['AT']);
        $this->assertInstanceOf(Fields\StringField::class, $fields['CODE']);
    }

    public function testAddDefaultsTruncationAndTypes(): void
    {
        $id = $this->add(['CODE' => 'abcdefgh', 'DATA' => ['x' => 1], 'AT' => new DateTime('2024-03-05 10:00:00', 'Y-m-d H:i:s')]);
        $row = KernelTestOrmTable::getRowById($id);
        $this->assertSame('abcde', $row['CODE'], 'size truncates');
        $this->assertSame('0', $row['N']);
        $this->assertSame('N', $row['FLAG']);
        $this->assertSame('a', $row['KIND']);
        $this->assertArrayNotHasKey('N2', $row, 'the default select is the scalar fields only');
        $this->assertSame('0', KernelTestOrmTable::getRow(['select' => ['N2'], 'filter' => ['=ID' => $id]])['N2']);
        $this->assertSame(['x' => 1], $row['DATA']);
        $this->assertInstanceOf(DateTime::class, $row['AT']);
        $this->assertSame('05.03.2024 10:00:00', $row['AT']->toString());
        $this->assertNull($row['DAY']);
        $this->assertNull(KernelTestOrmTable::getRowById($id + 1000));
    }

    public function testValidationErrorsAreResultsNotExceptions(): void
    {
        $r = KernelTestOrmTable::add(['CODE' => '', 'KIND' => 'zzz']);
        $this->assertFalse($r->isSuccess());
        $this->assertCount(2, $r->getErrors());
        $this->assertSame(\Bitrix\Main\ORM\Fields\FieldError::EMPTY_REQUIRED, $r->getErrors()[0]->getCode());
        $this->assertSame(0, KernelTestOrmTable::getCount());
        $u = KernelTestOrmTable::update($this->add(['CODE' => 'ok']), ['CODE' => '']);
        $this->assertFalse($u->isSuccess());
        $this->assertTrue(KernelTestOrmTable::update(1, ['N' => 5])->isSuccess(), 'absent required fields are not checked on update');
    }

    public function testUnknownFieldAndParameterThrow(): void
    {
        try { KernelTestOrmTable::add(['CODE' => 'x', 'NOPE' => 1]); $this->fail(); } catch (ArgumentException $e) { $this->assertStringContainsString('NOPE', $e->getMessage()); }
        try { KernelTestOrmTable::getList(['filters' => []]); $this->fail(); } catch (ArgumentException $e) { $this->assertSame('Unknown parameter: filters', $e->getMessage()); }
        try { KernelTestOrmTable::getList(['offset' => 5])->fetchAll(); $this->fail(); } catch (ArgumentException $e) { $this->assertStringContainsString('Limit must be set', $e->getMessage()); }
        $this->expectException(\Bitrix\Main\SystemException::class);
        KernelTestOrmTable::getList(['filter' => ['=NOPE' => 1]]);
    }

    public function testLegacyFilterSemantics(): void
    {
        $this->add(['CODE' => 'ab_c', 'NOTE' => null]);
        $this->add(['CODE' => 'AB%C', 'NOTE' => '']);
        $this->add(['CODE' => 'xyz', 'NOTE' => 'note']);
        $this->add(['CODE' => '123', 'NOTE' => 'x', 'N' => 3]);
        $count = fn($f) => KernelTestOrmTable::getCount($f);
        $this->assertSame(2, $count(['=NOTE' => '']), '= "" matches NULL and empty');
        $this->assertSame(2, $count(['=NOTE' => null]));
        $this->assertSame(3, $count(['!=NOTE' => 'note']), '!= includes NULL');
        $this->assertSame(2, $count(['!NOTE' => '']), '! "" means not empty');
        $this->assertSame(2, $count(['CODE' => 'ab%']), 'no prefix: case-insensitive LIKE, wildcards active');
        $this->assertSame(1, $count(['%CODE' => '%']), '% escapes wildcards');
        $this->assertSame(2, $count(['%CODE' => 'b']), '% is case-insensitive');
        $this->assertSame(1, $count(['=CODE' => 'ab_c']));
        $this->assertSame(3, $count(['=N' => 0]), '=0 also matches NULL/0');
        $this->assertSame(1, $count(['><N' => [1, 5]]));
        $this->assertSame(3, $count(['!@CODE' => ['123']]));
        $this->assertSame(1, $count(['=CODE' => ['xyz', 'nope']]));
        $this->assertSame(0, $count(['@N' => []]));
        $this->assertSame(2, $count(['LOGIC' => 'OR', '=CODE' => 'xyz', '>N' => 1]));
        $this->assertSame(1, $count([['LOGIC' => 'AND', '%CODE' => 'b', '=NOTE' => false], '!=CODE' => 'ab_c']));
        $this->assertSame(0, $count([['LOGIC' => 'AND', '%CODE' => 'b', '=NOTE' => false], '!CODE' => 'ab_c']), '! is NOT LIKE: _ matches the %');
        $this->assertSame(1, $count(['=FLAG' => false, '=CODE' => 'xyz']), 'booleans are normalized');
    }

    public function testConditionTreeIsStrict(): void
    {
        $this->add(['CODE' => 'aa', 'NOTE' => null]);
        $this->add(['CODE' => 'bb', 'NOTE' => 'n']);
        $q = fn() => KernelTestOrmTable::query()->setSelect(['CODE']);
        $this->assertSame(['bb'], array_column($q()->where('NOTE', '!=', 'x')->fetchAll(), 'CODE'), '!= excludes NULL');
        $this->assertSame(['aa'], array_column($q()->whereNull('NOTE')->fetchAll(), 'CODE'));
        $this->assertSame(['aa', 'bb'], array_column($q()->whereIn('CODE', ['aa', 'bb'])->setOrder(['CODE'])->fetchAll(), 'CODE'));
        $this->assertSame(['bb'], array_column($q()->where(Query::filter()->logic('or')->where('CODE', 'bb')->where('CODE', 'zz'))->fetchAll(), 'CODE'));
        $this->assertSame(['aa'], array_column($q()->whereNot('CODE', 'bb')->fetchAll(), 'CODE'));
        $this->assertSame(['bb'], array_column($q()->whereLike('CODE', 'b%')->fetchAll(), 'CODE'));
    }

    public function testRuntimeExpressionGroupOrderAndCountTotal(): void
    {
        foreach ([['a', 1], ['a', 2], ['bb', 5]] as [$k, $n]) $this->add(['CODE' => "c$n", 'KIND' => $k, 'N' => $n]);
        $rows = KernelTestOrmTable::getList([
            'select' => ['KIND', 'CNT', 'TOTAL'],
            'runtime' => [new Fields\ExpressionField('CNT', 'COUNT(*)'), 'TOTAL' => ['data_type' => 'integer', 'expression' => ['SUM(%s)', 'N']]],
            'order' => ['CNT' => 'DESC'],
        ])->fetchAll();
        $this->assertSame([['KIND' => 'a', 'CNT' => '2', 'TOTAL' => '3'], ['KIND' => 'bb', 'CNT' => '1', 'TOTAL' => '5']], $rows);
        $having = KernelTestOrmTable::getList(['select' => ['KIND', 'CNT'], 'runtime' => [new Fields\ExpressionField('CNT', 'COUNT(*)')], 'filter' => ['>CNT' => 1], 'count_total' => true]);
        $this->assertSame([['KIND' => 'a', 'CNT' => '2']], $having->fetchAll(), 'a filter on an aggregate goes to HAVING');
        $this->assertSame(1, $having->getCount());
        $res = KernelTestOrmTable::getList(['select' => ['ID', 'N2'], 'filter' => ['>N2' => 2], 'limit' => 1, 'count_total' => true, 'order' => ['ID' => 'ASC']]);
        $this->assertSame(2, $res->getCount());
        $this->assertSame('4', $res->fetch()['N2']);
        $this->assertSame(['C' => 'c5'], KernelTestOrmTable::getRow(['select' => ['C' => 'CODE'], 'filter' => ['=KIND' => 'bb']]));
        $this->expectException(\Bitrix\Main\SystemException::class);
        KernelTestOrmTable::getList([])->getCount();
    }

    public function testObjects(): void
    {
        $id = $this->add(['CODE' => 'obj', 'N' => 4, 'F' => 1.5, 'FLAG' => true, 'AT' => new DateTime()]);
        $o = KernelTestOrmTable::getByPrimary($id)->fetchObject();
        $this->assertSame($id, $o->getId());
        $this->assertSame(4, $o->getN());
        $this->assertSame(1.5, $o->getF());
        $this->assertTrue($o->getFlag());
        $this->assertInstanceOf(DateTime::class, $o->getAt());
        $this->assertSame('obj', $o['CODE']);
        $o->setN(9);
        $this->assertTrue($o->save()->isSuccess());
        $this->assertSame('9', KernelTestOrmTable::getRowById($id)['N']);
        $new = KernelTestOrmTable::createObject();
        $new->setCode('fresh');
        $this->assertTrue($new->save()->isSuccess());
        $this->assertIsInt($new->getId());
        $this->assertSame(2, count(KernelTestOrmTable::query()->setSelect(['ID'])->fetchCollection()));
        $this->assertTrue($new->delete()->isSuccess());
        $this->assertSame(1, KernelTestOrmTable::getCount());
    }

    public function testUpdateWithSqlExpressionAndAffectedRows(): void
    {
        $id = $this->add(['CODE' => 'e', 'N' => 1]);
        $u = KernelTestOrmTable::update($id, ['N' => new SqlExpression('?# + ?i', 'N', 10)]);
        $this->assertSame(1, $u->getAffectedRowsCount());
        $this->assertSame('11', KernelTestOrmTable::getRowById($id)['N']);
        $this->assertSame(0, KernelTestOrmTable::update($id + 99, ['N' => 1])->getAffectedRowsCount());
    }

    public function testOnBeforeAddCanModifyOrRefuse(): void
    {
        KernelTestOrmTable::$beforeAdd = function ($e) {
            $r = new \Bitrix\Main\ORM\EventResult();
            if ($e->getParameter('fields')['CODE'] === 'bad') { $r->addError(new \Bitrix\Main\ORM\EntityError('refused')); return $r; }
            $r->modifyFields(['NOTE' => 'set by handler']);
            return $r;
        };
        $this->assertSame('set by handler', KernelTestOrmTable::getRowById($this->add(['CODE' => 'ok']))['NOTE']);
        $bad = KernelTestOrmTable::add(['CODE' => 'bad']);
        $this->assertSame(['refused'], $bad->getErrorMessages());
    }

    /**
     * getList means the same on MySQL and PostgreSQL (the kernel's helpers see to it): NULLs sort first
     * ascending and last descending, "%" and the no-operator string filter and whereLike ignore case,
     * LOGIC OR, paging and count_total; raw values are strings, the insert id is the row's.
     */
    public function testGetListMeansTheSameOnBothEngines(): void
    {
        $ids = [];
        foreach ([['aXy', null, 3], ['bxY', 'n1', 1], ['cz', 'n0', 2], ['XYd', null, 4]] as [$code, $note, $n]) {
            $ids[$code] = $this->add(['CODE' => $code, 'NOTE' => $note, 'N' => $n]);
        }
        $codes = fn(array $params) => array_column(KernelTestOrmTable::getList(['select' => ['CODE']] + $params)->fetchAll(), 'CODE');
        $this->assertSame(['aXy', 'XYd', 'cz', 'bxY'], $codes(['order' => ['NOTE' => 'ASC', 'ID' => 'ASC']]), 'NULLs first ascending');
        $this->assertSame(['bxY', 'cz', 'aXy', 'XYd'], $codes(['order' => ['NOTE' => 'DESC', 'ID' => 'ASC']]), 'NULLs last descending');
        $this->assertSame(['aXy', 'bxY', 'XYd'], $codes(['filter' => ['%CODE' => 'xy'], 'order' => ['ID' => 'ASC']]), '% ignores case');
        $this->assertSame(['bxY'], $codes(['filter' => ['CODE' => 'BXY']]), 'no operator: case-insensitive match');
        $this->assertSame(['aXy', 'bxY'], array_column(KernelTestOrmTable::query()->setSelect(['CODE'])->whereLike('CODE', '_xy')->setOrder(['ID' => 'ASC'])->fetchAll(), 'CODE'), 'whereLike ignores case');
        $this->assertSame(['cz', 'XYd'], $codes(['filter' => ['LOGIC' => 'OR', '=CODE' => 'cz', '>N' => 3], 'order' => ['ID' => 'ASC']]));
        $res = KernelTestOrmTable::getList(['select' => ['ID', 'N'], 'order' => ['N' => 'DESC'], 'limit' => 2, 'offset' => 1, 'count_total' => true]);
        $rows = $res->fetchAll();
        $this->assertSame([['ID' => (string)$ids['aXy'], 'N' => '3'], ['ID' => (string)$ids['cz'], 'N' => '2']], $rows, 'paging; values as strings');
        $this->assertSame(4, $res->getCount());
        $this->assertSame(max($ids), (int)KernelTestOrmTable::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch()['ID']);
        $this->assertSame(['N2' => '8'], KernelTestOrmTable::getList(['select' => ['N2'], 'filter' => ['=ID' => $ids['XYd']]])->fetch(), 'expression field');
    }

    public function testTransactionsNest(): void
    {
        $c = Application::getConnection();
        $c->startTransaction();
        $this->add(['CODE' => 'outer']);
        $c->startTransaction();
        $this->add(['CODE' => 'inner']);
        $c->rollbackTransaction();
        $c->commitTransaction();
        $this->assertSame(['outer'], array_column(KernelTestOrmTable::getList(['select' => ['CODE']])->fetchAll(), 'CODE'));
        $pg = conduit_kernel_db_type() === 'pgsql';
        $this->assertSame($pg ? 'pgsql' : 'mysql', $c->getType());
        $this->assertMatchesRegularExpression('/^\d+\.\d+/', $c->getVersion()[0]);
        // the real helpers: mysqli doubles with a backslash, PostgreSQL doubles the quote; PostgreSQL folds names to lower case
        $this->assertSame($pg ? "a''b" : "a\\'b", $c->getSqlHelper()->forSql("a'b"));
        $this->assertSame($pg ? '"b_x"' : '`B_X`', $c->getSqlHelper()->quote('B_X'));
        $this->assertSame('1', (string)$c->queryScalar('SELECT 1'));
        $this->expectException(\Bitrix\Main\DB\SqlQueryException::class);
        $c->query('SELECT * FROM b_kerneltest_no_such_table');
    }
}
