<?php
use Bitrix\Main\Application;
use Bitrix\Main\ArgumentException;
use Bitrix\Main\ArgumentNullException;
use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;

class OptionTest extends KernelTestCase
{
    protected function setUp(): void
    {
        $this->installProbe(['default_option.php' => "<?php\n\$kerneltest_probe_default_option = ['timeout' => '30', 'mode' => 'agent', 'n' => 7];\n"], false);
    }

    public function testDefaultOptionIsUsedOnlyWhenNoDefaultIsGiven(): void
    {
        $this->assertSame('30', Option::get(self::MOD, 'timeout'));
        $this->assertSame(7, Option::get(self::MOD, 'n'), 'default_option values come back as written there');
        $this->assertSame('5', Option::get(self::MOD, 'timeout', '5'));
        $this->assertSame('', Option::get(self::MOD, 'unknown'));
        $this->assertSame(['timeout' => '30', 'mode' => 'agent', 'n' => 7], Option::getDefaults(self::MOD));
        Option::set(self::MOD, 'timeout', 45);
        $this->assertSame('45', Option::get(self::MOD, 'timeout'));
        $this->assertSame('45', Option::get(self::MOD, 'timeout', '5'));
    }

    public function testGetRealValueIgnoresDefaults(): void
    {
        $this->assertNull(Option::getRealValue(self::MOD, 'timeout'));
        Option::set(self::MOD, 'timeout', '10');
        $this->assertSame('10', Option::getRealValue(self::MOD, 'timeout'));
    }

    public function testSiteValueWinsOverCommonValue(): void
    {
        Option::set(self::MOD, 'k', 'common');
        Option::set(self::MOD, 'k', 'for-s1', 's1');
        $this->assertSame('for-s1', Option::get(self::MOD, 'k'));            // SITE_ID is s1
        $this->assertSame('common', Option::get(self::MOD, 'k', '', 's2'));
        $this->assertSame('for-s1', Option::getForModule(self::MOD)['k']);
        $this->assertSame('common', Option::getForModule(self::MOD, 's2')['k']);
        $row = Application::getConnection()->query("SELECT VALUE FROM b_option_site WHERE MODULE_ID='" . self::MOD . "' AND NAME='k' AND SITE_ID='s1'")->fetch();
        $this->assertSame('for-s1', $row['VALUE']);
        Option::delete(self::MOD, ['name' => 'k', 'site_id' => 's1']);
        $this->assertSame('common', Option::get(self::MOD, 'k'));
    }

    public function testDeleteRefusesUnknownFilterKeys(): void
    {
        $this->expectException(ArgumentException::class);
        Option::delete(self::MOD, ['NAME' => 'x']);
    }

    public function testEmptyModuleOrNameIsRefused(): void
    {
        foreach ([fn() => Option::get('', 'x'), fn() => Option::get(self::MOD, ''), fn() => Option::set('', 'x', 1), fn() => Option::set(self::MOD, '', 1), fn() => Option::delete('')] as $i => $f) {
            try { $f(); $this->fail("case $i did not throw"); } catch (ArgumentNullException $e) { $this->assertInstanceOf(ArgumentException::class, $e); }
        }
    }

    public function testMainOptionsCannotBeDeletedWholesale(): void
    {
        $this->expectException(ArgumentException::class);
        Option::delete('main');
    }

    public function testSetSendsOnAfterSetOptionEvents(): void
    {
        $seen = [];
        $em = EventManager::getInstance();
        $k1 = $em->addEventHandler('main', 'OnAfterSetOption_kt_probe_opt', function ($e) use (&$seen) { $seen[] = ['named', $e->getParameter('value')]; });
        $k2 = $em->addEventHandler('main', 'OnAfterSetOption', function ($e) use (&$seen) { if ($e->getParameter('moduleId') === self::MOD) $seen[] = ['any', $e->getParameter('name')]; });
        Option::set(self::MOD, 'kt_probe_opt', 3);
        $em->removeEventHandler('main', 'OnAfterSetOption_kt_probe_opt', $k1);
        $em->removeEventHandler('main', 'OnAfterSetOption', $k2);
        $this->assertSame([['named', '3'], ['any', 'kt_probe_opt']], $seen);
    }

    public function testLegacyCOptionSharesTheStore(): void
    {
        COption::SetOptionString(self::MOD, 'legacy', 'v1');
        $this->assertSame('v1', Option::get(self::MOD, 'legacy'));
        $this->assertSame(0, COption::GetOptionInt(self::MOD, 'nothing'));
        COption::RemoveOption(self::MOD, 'legacy');
        $this->assertSame('gone', Option::get(self::MOD, 'legacy', 'gone'));
    }
}
