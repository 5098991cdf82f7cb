<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Conduit\Integration\Admin\ConnectionForm;
use Conduit\Integration\Admin\Rollup;
use Conduit\Integration\Admin\Ui;
use Conduit\Integration\Handlers;
use Conduit\Integration\Orm\QueueTable;
use Conduit\Integration\Security\Secret;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Integration\Storage\AdminTables;

/**
 * The admin pages' building blocks (the pages themselves run in tests/browser): escaping of
 * invalid UTF-8, filter validation, capped counts, the id range of a date filter, the
 * statement time limit, the log rollup and its percentiles, manual job types, and the
 * connection editor (write-only secrets).
 */
final class AdminPagesTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::ensureInstalled();
        $lib = CONDUIT_TEST_ROOT . '/bitrix/modules/main/interface/admin_lib.php';
        if (!class_exists('CAdminMessage') && is_file($lib)) {
            require_once $lib;
        }
    }

    public function testEscapingKeepsInvalidUtf8VisibleAndInert(): void
    {
        $this->assertSame('&lt;script&gt;&quot;&#039;', Ui::e('<script>"\''));
        $this->assertSame("a\u{FFFD}b", html_entity_decode(Ui::e("a\xFFb")), 'invalid bytes become U+FFFD instead of an empty string');
        $this->assertSame('', Ui::e(['array']));
    }

    public function testFilterValuesAreValidatedWithAMessage(): void
    {
        $errors = [];
        $this->assertSame('stock', Ui::text('  stock ', 'Endpoint', $errors));
        $this->assertNull(Ui::text(str_repeat('x', 201), 'Endpoint', $errors));
        $this->assertNull(Ui::text("\xFF\xFE", 'Endpoint', $errors));
        $this->assertNull(Ui::choice("5xx' OR 1=1", ['2xx', '5xx'], 'Answer', $errors));
        $this->assertNull(Ui::id('12 OR 1', 'Job', $errors));
        $this->assertSame(42, Ui::id('42', 'Job', $errors));
        $this->assertNull(Ui::date('31.02.2026', 'From', $errors));
        $this->assertSame(mktime(14, 30, 0, 12, 31, 2026), Ui::date('31.12.2026 14:30', 'From', $errors));
        $this->assertSame(mktime(23, 59, 59, 12, 31, 2026), Ui::date('2026-12-31', 'To', $errors, true));
        $this->assertCount(5, $errors);
        foreach ($errors as $message) {
            $this->assertIsString($message);
            $this->assertNotSame('', $message);
        }
    }

    public function testCountsAreCappedAndDateFiltersBecomeAnIdRange(): void
    {
        $queue = Services::queue();
        $type = 't.admin.' . bin2hex(random_bytes(3));
        $ids = [];
        for ($i = 0; $i < 12; $i++) {
            $ids[] = $queue->push($type, ['i' => $i]);
        }
        try {
            [$count, $more] = Ui::cappedCount(QueueTable::class, ['=TYPE' => $type], 10);
            $this->assertSame([10, true], [$count, $more]);
            [$count, $more] = Ui::cappedCount(QueueTable::class, ['=TYPE' => $type], 100);
            $this->assertSame([12, false], [$count, $more]);
            $created = (int) QueueTable::getRowById($ids[5])['CREATED_AT'];
            $floor = Ui::idFloor(QueueTable::class, 'CREATED_AT', $created, 0);
            $this->assertNotNull($floor);
            $this->assertLessThanOrEqual($ids[5], $floor, 'never above the first row of that time');
            $this->assertFalse(QueueTable::getList(['filter' => ['<ID' => $floor, '>=CREATED_AT' => $created], 'limit' => 1])->fetch(), 'no row of that time below the floor');
        } finally {
            foreach ($ids as $id) {
                $queue->delete($id);
            }
        }
    }

    public function testTheStatementTimeLimitStopsASlowQueryAndIsResetAfter(): void
    {
        // SLEEP() answers 0 (1 when interrupted) on MySQL; pg_sleep() answers nothing, so select 1 from it
        $sleep = Application::getConnection()->getType() === 'pgsql'
            ? static fn (float $s): string => "SELECT 1 FROM pg_sleep($s)"
            : static fn (float $s): string => "SELECT SLEEP($s) + 1";
        [$result, $stopped] = Ui::bounded(static fn () => Application::getConnection()->queryScalar($sleep(2)), 0.05);
        $this->assertTrue($stopped || (int) $result === 2, 'stopped (or SLEEP reported the interruption)');
        [$result, $stopped] = Ui::bounded(static fn () => Application::getConnection()->queryScalar('SELECT 7'), 0.5);
        $this->assertSame([7, false], [(int) $result, $stopped]);
        $this->assertSame(1, (int) Application::getConnection()->queryScalar($sleep(0.1)), 'no limit left on the connection');
    }

    public function testTheRollupSumsNewLogRowsOnceWithPercentiles(): void
    {
        $log = Services::requestLog();
        Rollup::advance(1000000); // whatever other tests logged
        $endpoint = '/t-rollup/' . bin2hex(random_bytes(3));
        foreach ([3.0, 3.0, 3.0, 40.0, 700.0] as $i => $ms) {
            $log->record(['method' => 'GET', 'url' => 'https://rollup.example.com' . $endpoint, 'endpoint' => $endpoint, 'status' => $i === 4 ? 503 : 200, 'duration_ms' => $ms]);
        }
        $log->flush();
        $first = Rollup::advance(1000000);
        $this->assertGreaterThanOrEqual(5, $first['added']);
        $this->assertSame(0, Rollup::advance(1000000)['added'], 'nothing is added twice');
        $rows = Rollup::breakdown('ENDPOINT', (int) (microtime(true) * 1000) - 600000, 1000);
        $this->assertArrayHasKey($endpoint, $rows);
        $this->assertSame(['requests' => 5, 'errors' => 1, 'p50' => 5.0, 'p95' => 1000.0], $rows[$endpoint]);
        $this->assertSame(5.0, Rollup::percentile([0, 0, 3, 0, 0, 1], 0.5));
        $this->assertNull(Rollup::percentile(array_fill(0, count(AdminTables::BUCKETS_MS) + 1, 0), 0.5));
        $helper = Application::getConnection()->getSqlHelper();
        foreach ([AdminTables::ROLLUP, AdminTables::ROLLUP_HOURLY] as $table) {
            Application::getConnection()->queryExecute('DELETE FROM ' . $helper->quote($table) . ' WHERE ' . $helper->quote('ENDPOINT') . " = '" . $helper->forSql($endpoint) . "'");
        }
    }

    public function testManualJobTypesAreListedWithTheirTitle(): void
    {
        $type = 't.manual.' . bin2hex(random_bytes(3));
        Handlers::register($type, static fn () => null, ['manual' => true, 'title' => 'Import <everything>']);
        Handlers::register($type . '.plain', static fn () => null);
        try {
            $manual = Handlers::manual();
            $this->assertSame('Import <everything>', $manual[$type] ?? null);
            $this->assertArrayNotHasKey($type . '.plain', $manual);
            Handlers::register($type, static fn () => null); // re-registered without the option: no longer manual
            $this->assertArrayNotHasKey($type, Handlers::manual());
        } finally {
            Handlers::unregister($type);
            Handlers::unregister($type . '.plain');
        }
    }

    public function testTheConnectionEditorNeverReturnsASecretAndKeepsItWhenLeftEmpty(): void
    {
        $name = self::uniqueName('t');
        $token = 'editor-token-' . bin2hex(random_bytes(6));
        Settings::saveConnection($name, ['base_url' => 'https://erp.example.com/api', 'auth' => ['type' => 'bearer', 'token' => $token], 'headers' => ['X-Api-Key' => 'k-' . $token, 'X-Shop' => '7'], 'proxy' => 'http://u:p@proxy:3128']);
        try {
            $masked = Settings::connectionMasked($name);
            $values = ConnectionForm::values($masked);
            $this->assertStringNotContainsString($token, json_encode($values));
            $this->assertStringNotContainsString('u:p@', json_encode($values));
            $this->assertSame("X-Api-Key: [keep]\nX-Shop: 7", $values['conn_headers']);
            $request = new \Bitrix\Main\HttpRequest(new \Bitrix\Main\Server($_SERVER), [], [
                'conn_base_url' => 'https://erp.example.com/api', 'conn_auth_type' => 'bearer', 'conn_auth_secret' => '',
                'conn_headers' => $values['conn_headers'], 'conn_timeout' => '7.5', 'conn_max_attempts' => '2', 'conn_rate_per_second' => '5',
            ], [], []);
            $options = ConnectionForm::fromPost($request, $masked);
            $this->assertSame(Secret::Keep, $options['auth']['token']);
            $this->assertSame(Secret::Keep, $options['headers']['X-Api-Key']);
            $this->assertSame(Secret::Keep, $options['proxy']);
            $this->assertSame(['max_attempts' => 2], $options['retry']);
            $this->assertSame(5.0, $options['rate_limit']['per_second']);
            Settings::saveConnection($name, $options);
            $saved = Settings::connection($name);
            $this->assertSame($token, $saved['auth']['token']);
            $this->assertSame('k-' . $token, $saved['headers']['X-Api-Key']);
            $this->assertSame(7.5, $saved['timeout']);
        } finally {
            Settings::deleteConnection($name);
        }
    }
}
