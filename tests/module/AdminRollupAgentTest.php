<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Admin\Rollup;
use Conduit\Integration\Agent;
use Conduit\Integration\Module;
use Conduit\Integration\Queue\Processor;
use Conduit\Integration\Reason;
use Conduit\Integration\Services;
use Conduit\Integration\Storage\AdminTables;

/**
 * The dashboard's summaries follow the log and the queue from the module's agent alone (no
 * admin page is loaded here), and a stored error is shown in the reader's language with the
 * writer's words kept.
 */
final class AdminRollupAgentTest extends ModuleTestCase
{
    /** @var list<int> */
    private array $jobs = [];

    protected function setUp(): void
    {
        self::ensureInstalled();
    }

    protected function tearDown(): void
    {
        foreach ($this->jobs as $id) {
            try {
                Services::queue()->delete($id);
            } catch (\Throwable $e) {
            }
        }
        Loc::setCurrentLang('en');
    }

    public function testAnAgentRunAdvancesTheRollupsWithoutAPageLoad(): void
    {
        $connection = Application::getConnection();
        // whatever other tests left behind is summed first, so this run has only our rows to add
        do {
            $r = Rollup::advanceAll(1000000);
        } while ($r['log']['behind'] > 0 || $r['queue']['behind'] > 0 || $r['endpoints']['behind'] > 0);
        $logBefore = (int) Module::getRealDbOption(Rollup::WATERMARK_OPTION);

        $endpoint = '/t-agent-rollup/' . bin2hex(random_bytes(3)) . '/{id}';
        $log = Services::requestLog();
        foreach ([12.0, 30.0, 700.0] as $i => $ms) {
            $log->record(['method' => 'POST', 'url' => 'https://agent-rollup.example.com' . $endpoint, 'endpoint' => $endpoint, 'status' => $i === 2 ? 502 : 201, 'duration_ms' => $ms]);
        }
        $log->flush();
        $type = self::uniqueName('t') . '.rollup';
        $this->jobs[] = Services::queue()->push($type, ['n' => 1]);
        $createdBucket = intdiv((int) (microtime(true) * 1000), 60000) * 60000;
        $createdBefore = (int) $connection->queryScalar('SELECT COALESCE(SUM(' . $connection->getSqlHelper()->quote('CREATED') . '), 0) FROM ' . $connection->getSqlHelper()->quote(AdminTables::QUEUE_ROLLUP) . ' WHERE ' . $connection->getSqlHelper()->quote('BUCKET') . ' >= ' . ($createdBucket - 60000));

        Agent::run();

        $record = Agent::lastRun();
        $this->assertIsArray($record['rollup'] ?? null, 'the run record says what the rollup did');
        $this->assertGreaterThan($logBefore, (int) Module::getRealDbOption(Rollup::WATERMARK_OPTION), 'the log watermark moved');
        $rows = Rollup::breakdown('ENDPOINT', (int) (microtime(true) * 1000) - 600000, 1000);
        $this->assertArrayHasKey($endpoint, $rows, 'the new rows are in the per-minute rollup');
        $this->assertSame(3, $rows[$endpoint]['requests']);
        $this->assertSame(1, $rows[$endpoint]['errors']);
        $createdAfter = (int) $connection->queryScalar('SELECT COALESCE(SUM(' . $connection->getSqlHelper()->quote('CREATED') . '), 0) FROM ' . $connection->getSqlHelper()->quote(AdminTables::QUEUE_ROLLUP) . ' WHERE ' . $connection->getSqlHelper()->quote('BUCKET') . ' >= ' . ($createdBucket - 60000));
        $this->assertGreaterThanOrEqual($createdBefore + 1, $createdAfter, 'the new job is counted in the queue rollup');
        $match = Rollup::endpointsContaining(substr($endpoint, 1, 20), 0);
        $this->assertTrue($match['complete'], 'the endpoint list covers every log row');
        $this->assertContains($endpoint, $match['endpoints'], 'and knows the new endpoint');
        $this->assertSame([], Rollup::endpointsContaining('no-such-endpoint-' . bin2hex(random_bytes(4)), 0)['endpoints']);

        // the agent adds nothing twice
        $again = Rollup::advanceAll(1000000);
        $this->assertSame(0, $again['log']['added']);
        $this->assertSame(3, Rollup::breakdown('ENDPOINT', (int) (microtime(true) * 1000) - 600000, 1000)[$endpoint]['requests']);
        foreach ([AdminTables::ROLLUP, AdminTables::ROLLUP_HOURLY] as $table) {
            $connection->queryExecute('DELETE FROM ' . $connection->getSqlHelper()->quote($table) . ' WHERE ' . $connection->getSqlHelper()->quote('ENDPOINT') . " = '" . $connection->getSqlHelper()->forSql($endpoint) . "'");
        }
    }

    public function testTheRollupIsBoundedPerRun(): void
    {
        do {
            $r = Rollup::advanceAll(1000000);
        } while ($r['log']['behind'] > 0 || $r['queue']['behind'] > 0 || $r['endpoints']['behind'] > 0);
        $log = Services::requestLog();
        for ($i = 0; $i < 5; $i++) {
            $log->record(['method' => 'GET', 'url' => 'https://bounded.example.com/x', 'endpoint' => '/t-bounded', 'status' => 200, 'duration_ms' => 1.0]);
        }
        $log->flush();
        $first = Rollup::advance(2);
        $this->assertSame(2, $first['added'], 'at most the bound per pass');
        $this->assertGreaterThanOrEqual(3, $first['behind']);
        $rest = Rollup::advance(1000);
        $this->assertGreaterThanOrEqual(3, $rest['added']);
        $this->assertSame(0, $rest['behind']);
        $connection = Application::getConnection();
        foreach ([AdminTables::ROLLUP, AdminTables::ROLLUP_HOURLY] as $table) {
            $connection->queryExecute('DELETE FROM ' . $connection->getSqlHelper()->quote($table) . ' WHERE ' . $connection->getSqlHelper()->quote('ENDPOINT') . " = '/t-bounded'");
        }
    }

    public function testAStoredErrorIsShownInTheReadersLanguageWithTheWritersWordsKept(): void
    {
        $type = self::uniqueName('t') . '.nohandler';
        $id = $this->jobs[] = Services::queue()->push($type, ['n' => 1]);
        // the writer: an agent on a Russian page hit
        Loc::setCurrentLang('ru');
        (new Processor('agent'))->run(microtime(true) + 5, 10, [$type]);
        Loc::setCurrentLang('en');
        $stored = (string) Services::queue()->get($id)->lastError;
        $this->assertStringContainsString('нет обработчика', mb_strtolower($stored), 'stored in the writer\'s language');
        $this->assertStringContainsString('CONDUIT_PROCESSOR_NO_HANDLER', $stored, 'with its reason code');

        $en = Reason::describe($stored, 'en');
        $this->assertSame('CONDUIT_PROCESSOR_NO_HANDLER', $en['code']);
        $this->assertStringContainsString('no handler for type "' . $type . '"', $en['text'], 'shown in English on the English page');
        $this->assertStringNotContainsString('обработчик', $en['text']);
        $this->assertNotNull($en['original']);
        $this->assertStringContainsString('"' . $type . '"', $en['original'], 'the stored words stay available');
        $this->assertStringContainsString('обработчик', Reason::describe($stored, 'ru')['text'], 'and in Russian on the Russian page');
        $this->assertNull(Reason::describe($stored, 'ru')['original'], 'no second copy when both are the same');

        // texts without a code, or with a code of no known source, are shown as they are
        $this->assertSame(['text' => 'Conduit\\TimeoutException: no answer', 'original' => null, 'code' => null], Reason::describe('Conduit\\TimeoutException: no answer'));
        $this->assertSame("reason:EVIL_CODE {}\n<b>x</b>", Reason::describe("reason:EVIL_CODE {}\n<b>x</b>")['text']);
        $this->assertNull(Reason::decode("reason:CONDUIT_PROCESSOR_NO_HANDLER not-json\nx"));
    }
}
