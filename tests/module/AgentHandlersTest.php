<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\EventManager;
use Bitrix\Main\EventResult;
use Conduit\Integration\Agent;
use Conduit\Integration\Deliveries;
use Conduit\Integration\Exception\HandlerException;
use Conduit\Integration\Exception\PermanentFailureException;
use Conduit\Integration\Handlers;
use Conduit\Integration\JobContext;
use Conduit\Integration\Orm\RequestLogTable;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Tests\Support\MockApi;

/**
 * The queue agent as Bitrix runs it (eval of its b_agent NAME, CAgent::ExecuteAgents), with
 * handlers registered directly and through the module event, and HTTP deliveries through a
 * named connection.
 */
final class AgentHandlersTest extends ModuleTestCase
{
    private string $type;
    /** @var list<string> */
    private array $types = [];
    /** @var list<int> */
    private array $jobs = [];

    protected function setUp(): void
    {
        self::ensureInstalled();
        $this->type = self::uniqueName('t') . '.job';
    }

    protected function tearDown(): void
    {
        foreach (array_merge([$this->type], $this->types) as $type) {
            Handlers::unregister($type);
        }
        foreach ($this->jobs as $id) {
            Services::queue()->delete($id);
        }
    }

    /** @return string the agent's call string as stored in b_agent */
    private static function agentName(): string
    {
        $rows = \CAgent::GetList([], ['MODULE_ID' => self::MODULE]);
        $names = [];
        while ($row = $rows->Fetch()) {
            $names[] = $row['NAME'];
        }
        self::assertSame(['\\Conduit\\Integration\\Agent::run();'], $names, 'InstallAgents registered exactly the queue agent');
        return $names[0];
    }

    /** What CAgent::ExecuteAgents does with NAME: eval, and the result is the next NAME ('' would delete it). */
    private static function runAgent(): string
    {
        $result = null;
        eval('$result = ' . self::agentName());
        return (string) $result;
    }

    private function push(string $type, array $payload, array $options = []): int
    {
        return $this->jobs[] = Services::queue()->push($type, $payload, $options);
    }

    public function testTheAgentIsRegisteredAsANonPeriodicAgentOfTheModule(): void
    {
        $row = \CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch();
        $this->assertIsArray($row);
        $this->assertSame('N', $row['IS_PERIOD']);
        $this->assertSame((string) Settings::get('agent_interval_s'), (string) $row['AGENT_INTERVAL']);
        $this->assertSame('Y', $row['ACTIVE']);
    }

    public function testChangingTheIntervalSettingReschedulesTheAgent(): void
    {
        $before = Settings::get('agent_interval_s');
        try {
            Settings::set('agent_interval_s', 300);
            $this->assertSame('300', (string) \CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch()['AGENT_INTERVAL']);
            Settings::setMany(['agent_interval_s' => '120']);
            $this->assertSame('120', (string) \CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch()['AGENT_INTERVAL']);
        } finally {
            Settings::set('agent_interval_s', $before);
        }
    }

    public function testAHandlerJobRunsAndEndsDoneWithItsResult(): void
    {
        $calls = [];
        Handlers::register($this->type, function (array $payload, JobContext $context) use (&$calls) {
            $calls[] = [$payload, $context->jobId, $context->type, $context->attempt, $context->runner];
            return ['seen' => $payload['n']];
        });
        $id = $this->push($this->type, ['n' => 42]);

        $this->assertSame('\\Conduit\\Integration\\Agent::run();', self::runAgent(), 'the agent returns its own call string (rescheduled)');

        $this->assertSame([[['n' => 42], $id, $this->type, 1, 'agent']], $calls, 'called once with payload and context');
        $job = Services::queue()->get($id);
        $this->assertSame('done', $job->status);
        $this->assertSame(['seen' => 42], $job->result);
        $run = Agent::lastRun();
        $this->assertNotNull($run, 'the run is recorded for the dashboard');
        $this->assertGreaterThanOrEqual(1, $run['handled']);
        $this->assertSame('hit', $run['mode']);
        $this->assertArrayNotHasKey('error', $run);
        $this->assertGreaterThan(microtime(true) - 60, $run['finished_at']);
    }

    public function testExecuteAgentsRunsTheAgentAndReschedulesIt(): void
    {
        $ran = 0;
        Handlers::register($this->type, function () use (&$ran) {
            $ran++;
        });
        $id = $this->push($this->type, []);
        $agent = \CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch();
        // Make it due now, as it is after agent_interval_s.
        \CAgent::Update($agent['ID'], ['NEXT_EXEC' => \Bitrix\Main\Type\DateTime::createFromTimestamp(time() - 10)->toString()]);
        \CAgent::ExecuteAgents();
        $this->assertSame(1, $ran);
        $this->assertSame('done', Services::queue()->get($id)->status);
        $after = \CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch();
        $this->assertIsArray($after, 'still registered: the agent returned its call string');
        $next = (new \Bitrix\Main\Type\DateTime((string) $after['NEXT_EXEC']))->getTimestamp();
        $this->assertGreaterThan(time() + (int) Settings::get('agent_interval_s') - 15, $next, 'rescheduled agent_interval_s later');
    }

    public function testAFailingHandlerFailsTheJobWithItsMessage(): void
    {
        Handlers::register($this->type, function () {
            throw new \RuntimeException('ERP order 17 was rejected: unknown customer');
        });
        $retried = $this->push($this->type, ['n' => 1], ['max_attempts' => 3]);
        $last = $this->push($this->type, ['n' => 2], ['max_attempts' => 1]);
        self::runAgent();

        $job = Services::queue()->get($retried);
        $this->assertSame('pending', $job->status, 'a plain exception is retried with backoff');
        $this->assertSame(1, $job->attempts);
        $this->assertSame('RuntimeException: ERP order 17 was rejected: unknown customer', $job->lastError);
        $job = Services::queue()->get($last);
        $this->assertSame('failed', $job->status, 'out of attempts: dead letter');
        $this->assertSame('RuntimeException: ERP order 17 was rejected: unknown customer', $job->lastError);
    }

    public function testAPermanentFailureDeadLettersAtOnce(): void
    {
        Handlers::register($this->type, function () {
            throw new PermanentFailureException('order 18 no longer exists');
        });
        $id = $this->push($this->type, [], ['max_attempts' => 5]);
        self::runAgent();
        $job = Services::queue()->get($id);
        $this->assertSame('failed', $job->status);
        $this->assertSame(1, $job->attempts);
        $this->assertStringContainsString('order 18 no longer exists', (string) $job->lastError);
    }

    public function testAJobWithoutAHandlerIsFailedNotLostOrAcked(): void
    {
        $id = $this->push($this->type, ['n' => 1], ['max_attempts' => 5]);
        self::runAgent();
        $job = Services::queue()->get($id);
        $this->assertSame('failed', $job->status, 'dead-lettered at once, not retried forever');
        $this->assertSame(1, $job->attempts);
        $this->assertStringContainsString('no handler for type "' . $this->type . '"', (string) $job->lastError);

        // Register it and retry: the job is not lost.
        Handlers::register($this->type, fn (array $payload) => ['ok' => $payload['n']]);
        Services::queue()->retry($id);
        self::runAgent();
        $this->assertSame('done', Services::queue()->get($id)->status);
    }

    public function testAStringHandlerThatDoesNotExistFailsTheJobWithTheReason(): void
    {
        Handlers::register($this->type, '\\No\\Such\\Handler::handle');
        $id = $this->push($this->type, []);
        self::runAgent();
        $job = Services::queue()->get($id);
        $this->assertSame('failed', $job->status);
        $this->assertStringContainsString('\\No\\Such\\Handler::handle', (string) $job->lastError);
    }

    public function testOtherModulesRegisterThroughTheModuleEvent(): void
    {
        $viaCall = $this->type;
        $viaResult = self::uniqueName('t') . '.result';
        $this->types[] = $viaResult;
        $seen = [];
        $events = EventManager::getInstance();
        $key = $events->addEventHandler('conduit.integration', 'OnRegisterHandlers', function () use ($viaCall, $viaResult, &$seen) {
            Handlers::register($viaCall, function (array $payload) use (&$seen) {
                $seen[] = 'call:' . $payload['n'];
            });
            return new EventResult(EventResult::SUCCESS, ['handlers' => [$viaResult => function (array $payload) use (&$seen) {
                $seen[] = 'result:' . $payload['n'];
            }]]);
        });
        try {
            Handlers::reset(); // as in a new process: the event is sent before the first job
            $a = $this->push($viaCall, ['n' => 1]);
            $b = $this->push($viaResult, ['n' => 2]);
            self::runAgent();
        } finally {
            $events->removeEventHandler('conduit.integration', 'OnRegisterHandlers', $key);
        }
        sort($seen);
        $this->assertSame(['call:1', 'result:2'], $seen);
        $this->assertSame('done', Services::queue()->get($a)->status);
        $this->assertSame('done', Services::queue()->get($b)->status);
    }

    public function testRegistrationRefusesBadTypesAndDeliveryTypes(): void
    {
        foreach (['', 'bad type', str_repeat('x', 192), 'conduit.http', 'conduit.http:erp'] as $type) {
            try {
                Handlers::register($type, fn () => null);
                $this->fail("type \"$type\" was accepted");
            } catch (HandlerException $e) {
                $this->assertNotSame('', $e->getMessage());
            }
        }
        $this->expectException(HandlerException::class);
        Handlers::register($this->type, 'not a handler!');
    }

    public function testDeliveriesGoThroughTheirNamedConnection(): void
    {
        $connection = self::uniqueName('erp');
        $prefix = MockApi::prefix();
        $token = 'tok-' . bin2hex(random_bytes(8));
        Settings::saveConnection($connection, ['base_url' => MockApi::get()->url($prefix), 'auth' => ['type' => 'bearer', 'token' => $token], 'retry' => ['max_attempts' => 1]]);
        try {
            $this->assertSame('conduit.http:' . $connection, Deliveries::typeFor($connection));
            $id = $this->jobs[] = Deliveries::push($connection, 'POST', '/orders', ['json' => ['id' => 7], 'idempotency_key' => 'order-7-' . $prefix]);
            $this->assertSame('conduit.http:' . $connection, Services::queue()->get($id)->type);
            $business = $this->jobs[] = Deliveries::push($connection, 'POST', '/orders', ['json' => ['id' => 8], 'headers' => ['X-Mock-Status' => '422']]);
            self::runAgent();

            $this->assertSame('done', Services::queue()->get($id)->status);
            $this->assertSame('failed', Services::queue()->get($business)->status, 'a 4xx business error is dead-lettered');
            $requests = MockApi::get()->requests($prefix);
            $this->assertCount(2, $requests);
            $first = $requests[0]['path'] === $prefix . '/orders' && str_contains($requests[0]['body'], '"id":7') ? $requests[0] : $requests[1];
            $this->assertSame('Bearer ' . $token, $first['headers']['authorization'], "the connection's auth was used");
            $this->assertSame('order-7-' . $prefix, $first['headers']['idempotency-key']);
            Services::requestLog()->flush();
            $this->assertSame(1, RequestLogTable::getCount(['=JOB_ID' => $id]), 'the attempt is in the request log with its job id');
        } finally {
            Settings::deleteConnection($connection);
        }

        // Its connection gone, a delivery is a visible dead letter, not a job waiting forever.
        $gone = self::uniqueName('gone');
        Settings::saveConnection($gone, ['base_url' => MockApi::get()->url($prefix)]);
        $orphan = $this->jobs[] = Deliveries::push($gone, 'GET', '/x');
        Settings::deleteConnection($gone);
        self::runAgent();
        $job = Services::queue()->get($orphan);
        $this->assertSame('failed', $job->status);
        $this->assertStringContainsString('no connection "' . $gone . '"', (string) $job->lastError);
    }
    public function testUninstallRemovesTheAgentAndTheEndpointAndReinstallBringsThemBack(): void
    {
        if (!self::mayDestroyData()) {
            $this->markTestSkipped('the module was installed on this site before the suite');
        }
        $endpoint = CONDUIT_TEST_ROOT . '/bitrix/tools/conduit.integration/webhook.php';
        $this->assertFileExists($endpoint);
        $this->assertNotFalse(self::module()->DoUninstall(true), self::lastException());
        $this->assertFalse(\CAgent::GetList([], ['MODULE_ID' => self::MODULE])->Fetch(), 'UnInstallAgents removed the agent');
        $this->assertFileDoesNotExist($endpoint, 'UnInstallFiles removed the endpoint');
        $this->assertTrue(self::tableExists('b_conduit_webhook_event'), 'kept data: the event table stays');
        self::ensureInstalled();
        $this->assertFileExists($endpoint);
        self::agentName();
    }

    public function testAnUpgradeFromAVersionWithoutTheModuleTablesCreatesThem(): void
    {
        if (!self::mayDestroyData()) {
            $this->markTestSkipped('the module was installed on this site before the suite');
        }
        $connection = \Bitrix\Main\Application::getConnection();
        $connection->queryExecute('DROP TABLE b_conduit_worker');
        \Bitrix\Main\Config\Option::delete(self::MODULE, ['name' => 'module_tables_version']);
        $this->assertFalse(self::tableExists('b_conduit_worker'));
        \Conduit\Integration\Module::ensureSchema(); // what include.php runs on the first hit after the upgrade
        $this->assertTrue(self::tableExists('b_conduit_worker'));
        $this->assertTrue(self::tableExists('b_conduit_webhook_event'));
    }
}
