<?php
use Bitrix\Main\Config\Option;

class RightsTest extends KernelTestCase
{
    protected function setUp(): void { $this->installProbe(); }

    public function testLevels(): void
    {
        global $APPLICATION;
        $readers = $this->createGroup('kt_readers');
        $writers = $this->createGroup('kt_writers');
        $off = $this->createGroup('kt_off', 'N');
        $APPLICATION->SetGroupRight(self::MOD, $readers, 'R');
        $APPLICATION->SetGroupRight(self::MOD, $writers, 'W');
        $APPLICATION->SetGroupRight(self::MOD, $off, 'W');
        $this->assertSame('D', $APPLICATION->GetGroupRight(self::MOD, [2]));
        $this->assertSame('R', $APPLICATION->GetGroupRight(self::MOD, [2, $readers]));
        $this->assertSame('W', $APPLICATION->GetGroupRight(self::MOD, [$readers, $writers]), 'the max over groups');
        $this->assertSame('D', $APPLICATION->GetGroupRight(self::MOD, [$off]), 'inactive groups do not count');
        $this->assertSame('W', $APPLICATION->GetGroupRight(self::MOD, [1]));
        $this->assertSame('', $APPLICATION->GetGroupRight(self::MOD, [2], 'N'), 'no default level asked: empty');
        Option::set(self::MOD, 'GROUP_DEFAULT_RIGHT', 'R');
        $this->assertSame('R', $APPLICATION->GetGroupRight(self::MOD, [2]));
        $this->assertSame('R', $APPLICATION->GetGroupRight(self::MOD, [$readers]));
        $APPLICATION->SetGroupRight(self::MOD, $readers, 'W', 's1');
        $this->assertSame('R', $APPLICATION->GetGroupRight(self::MOD, [$readers]), 'site rows need a site');
        $this->assertSame('W', $APPLICATION->GetGroupRight(self::MOD, [$readers], 'Y', 'Y', 's1'));
    }

    public function testCurrentUser(): void
    {
        global $APPLICATION, $USER;
        $readers = $this->createGroup('kt_readers');
        $APPLICATION->SetGroupRight(self::MOD, $readers, 'R');
        $reader = $this->createUser('kt_reader', [$readers]);
        $this->assertSame([2], $USER->GetUserGroupArray());
        $this->assertFalse($USER->IsAuthorized());
        $this->assertSame('D', $APPLICATION->GetGroupRight(self::MOD));
        $this->assertTrue($USER->Authorize($reader));
        $this->assertSame($reader, $USER->GetID());
        $this->assertSame('kt_reader', $USER->GetLogin());
        $this->assertFalse($USER->IsAdmin());
        $this->assertEqualsCanonicalizing([(string)$readers, '2'], $USER->GetUserGroupArray());
        $this->assertSame('R', $APPLICATION->GetGroupRight(self::MOD));
        $USER->Logout();
        $this->assertTrue($USER->Authorize(1));
        $this->assertTrue($USER->IsAdmin());
        $this->assertSame('W', $APPLICATION->GetGroupRight(self::MOD));
        $this->assertTrue($USER->CanDoOperation('edit_other_settings'));
    }

    public function testLoginChecksThePassword(): void
    {
        global $USER;
        $this->createUser('kt_pw', [2]);
        $r = $USER->Login('kt_pw', 'wrong-password');
        $this->assertSame('ERROR', $r['TYPE']);
        $this->assertFalse($USER->IsAuthorized());
        $this->assertTrue($USER->Login('kt_pw', 'secret123'));
        $this->assertTrue($USER->IsAuthorized());
        $this->assertSame('kt_pw', $_SESSION['SESS_AUTH']['LOGIN']);
        $u2 = new CUser();
        $this->assertSame($USER->GetID(), $u2->GetID(), 'a new CUser reads the session');
    }

    public function testUnRegisterModuleDropsItsRights(): void
    {
        global $APPLICATION;
        $g = $this->createGroup('kt_readers');
        $APPLICATION->SetGroupRight(self::MOD, $g, 'R');
        \Bitrix\Main\ModuleManager::unRegisterModule(self::MOD);
        $this->assertSame('D', $APPLICATION->GetGroupRight(self::MOD, [$g]));
    }
}
