<?php
use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;

class KernelTestAgent
{
    public static $calls = [];
    public static $userInside = 'unset';
    public static function again($n = 0) { self::$calls[] = "again:$n"; self::$userInside = $GLOBALS['USER'] ?? null; return '\KernelTestAgent::again(' . ($n + 1) . ');'; }
    public static function once() { self::$calls[] = 'once'; return ''; }
    public static function boom() { self::$calls[] = 'boom'; throw new \RuntimeException('agent failed'); }
}

class AgentTest extends KernelTestCase
{
    protected function setUp(): void
    {
        KernelTestAgent::$calls = [];
        $this->installProbe();
        $h = Application::getConnection()->getSqlHelper();
        Application::getConnection()->queryExecute('UPDATE b_agent SET NEXT_EXEC = ' . $h->addDaysToDateTime(1) . ' WHERE NEXT_EXEC <= ' . $h->getCurrentDateTimeFunction()); // keep other agents out of the way
    }

    private function row(string $nameLike): ?array
    {
        $c = Application::getConnection();
        $r = $c->query("SELECT ID, NAME, RUNNING, IS_PERIOD, RETRY_COUNT, DATE_CHECK, UNIX_TIMESTAMP(NEXT_EXEC) AS NEXT_TS, UNIX_TIMESTAMP(LAST_EXEC) AS LAST_TS FROM b_agent WHERE NAME LIKE '" . $c->getSqlHelper()->forSql($nameLike) . "'")->fetch();
        return $r ?: null;
    }

    public function testReturnedStringBecomesTheNewNameAndNextRunIsIntervalFromNow(): void
    {
        $id = CAgent::AddAgent('\KernelTestAgent::again(0);', self::MOD, 'N', 120, '', 'Y', ConvertTimeStamp(time() - 3600, 'FULL'));
        $this->assertGreaterThan(0, $id);
        CAgent::ExecuteAgents();
        $this->assertSame(['again:0'], KernelTestAgent::$calls);
        $r = $this->row('%KernelTestAgent::again(%');
        $this->assertSame('\KernelTestAgent::again(1);', $r['NAME']);
        $this->assertSame('N', $r['RUNNING']);
        $this->assertSame('0', $r['RETRY_COUNT']);
        $this->assertNull($r['DATE_CHECK']);
        $this->assertEqualsWithDelta(time() + 120, (int)$r['NEXT_TS'], 5, 'IS_PERIOD=N: next run = now + interval');
        $this->assertNull(KernelTestAgent::$userInside, '$USER is null inside an agent');
        CAgent::ExecuteAgents();
        $this->assertSame(['again:0'], KernelTestAgent::$calls, 'not due again yet');
    }

    public function testPeriodicAgentKeepsItsScheduleFromNextExec(): void
    {
        $start = time() - 3600;
        CAgent::AddAgent('\KernelTestAgent::again(0);', self::MOD, 'Y', 60, '', 'Y', ConvertTimeStamp($start, 'FULL'));
        CAgent::ExecuteAgents();
        $this->assertEqualsWithDelta($start + 60, (int)$this->row('%KernelTestAgent::again(%')['NEXT_TS'], 2, 'IS_PERIOD=Y: next run = previous NEXT_EXEC + interval');
    }

    public function testEmptyReturnDeletesAndFutureAgentsWait(): void
    {
        CAgent::AddAgent('\KernelTestAgent::once();', self::MOD, 'N', 60, '', 'Y', ConvertTimeStamp(time() - 5, 'FULL'));
        CAgent::AddAgent('\KernelTestAgent::again(0);', self::MOD, 'N', 60, '', 'Y', ConvertTimeStamp(time() + 3600, 'FULL'));
        CAgent::ExecuteAgents();
        $this->assertSame(['once'], KernelTestAgent::$calls);
        $this->assertNull($this->row('%KernelTestAgent::once()%'));
        $this->assertNotNull($this->row('%KernelTestAgent::again(%'));
    }

    public function testInactiveAgentsAndAgentsOfUninstalledModulesDoNotRun(): void
    {
        CAgent::AddAgent('\KernelTestAgent::once();', self::MOD, 'N', 60, '', 'N', ConvertTimeStamp(time() - 5, 'FULL'));
        CAgent::AddAgent('\KernelTestAgent::again(0);', 'kerneltest.absent', 'N', 60, '', 'Y', ConvertTimeStamp(time() - 5, 'FULL'));
        CAgent::ExecuteAgents();
        $this->assertSame([], KernelTestAgent::$calls);
        Application::getConnection()->queryExecute("DELETE FROM b_agent WHERE MODULE_ID = 'kerneltest.absent'");
    }

    public function testAThrowingAgentIsLoggedAndStaysLockedFor600Seconds(): void
    {
        CAgent::AddAgent('\KernelTestAgent::boom();', self::MOD, 'N', 60, '', 'Y', ConvertTimeStamp(time() - 5, 'FULL'));
        $before = count(Application::getInstance()->getExceptionHandler()->logged);
        $log = ini_set('error_log', '/dev/null');
        CAgent::ExecuteAgents();
        CAgent::ExecuteAgents();
        ini_set('error_log', $log);
        $this->assertSame(['boom'], KernelTestAgent::$calls, 'the DATE_CHECK lock keeps it from running again at once');
        $this->assertSame($before + 1, count(Application::getInstance()->getExceptionHandler()->logged));
        $r = $this->row('%KernelTestAgent::boom()%');
        $this->assertSame('Y', $r['RUNNING']);
        $this->assertNotNull($r['DATE_CHECK']);
    }

    public function testDuplicateAddAgentFailsWithAnException(): void
    {
        $id = CAgent::AddAgent('\KernelTestAgent::once();', self::MOD);
        $this->assertFalse(CAgent::AddAgent('\KernelTestAgent::once();', self::MOD));
        $this->assertInstanceOf(CApplicationException::class, $GLOBALS['APPLICATION']->GetException());
        $this->assertEquals($id, CAgent::AddAgent('\KernelTestAgent::once();', self::MOD, 'N', 86400, '', 'Y', '', 100, false, false));
    }

    public function testGetListAndRemoveAgent(): void
    {
        CAgent::AddAgent('\KernelTestAgent::once();', self::MOD, 'N', 300);
        $r = CAgent::GetList(['ID' => 'DESC'], ['MODULE_ID' => self::MOD])->Fetch();
        $this->assertSame('\KernelTestAgent::once();', $r['NAME']);
        $this->assertSame('300', $r['AGENT_INTERVAL']);
        $this->assertMatchesRegularExpression('/^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$/', $r['NEXT_EXEC'], 'dates in the site format');
        CAgent::RemoveAgent('\KernelTestAgent::once();', self::MOD);
        $this->assertFalse(CAgent::GetList([], ['MODULE_ID' => self::MOD])->Fetch());
    }

    public function testOnHitsWithCronSupportOnlyPeriodicAgentsRun(): void
    {
        Option::set('main', 'agents_use_crontab', 'Y');
        try {
            CAgent::AddAgent('\KernelTestAgent::once();', self::MOD, 'N', 60, '', 'Y', ConvertTimeStamp(time() - 5, 'FULL'));
            CAgent::AddAgent('\KernelTestAgent::again(0);', self::MOD, 'Y', 60, '', 'Y', ConvertTimeStamp(time() - 5, 'FULL'));
            CAgent::ExecuteAgents();
        } finally {
            Option::delete('main', ['name' => 'agents_use_crontab']);
        }
        $this->assertSame(['again:0'], KernelTestAgent::$calls);
    }

    public function testUnRegisterModuleRemovesItsAgents(): void
    {
        CAgent::AddAgent('\KernelTestAgent::once();', self::MOD);
        \Bitrix\Main\ModuleManager::unRegisterModule(self::MOD);
        $this->assertNull($this->row('%KernelTestAgent::once()%'));
    }
}
