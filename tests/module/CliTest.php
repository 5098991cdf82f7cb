<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Application;
use Conduit\Integration\Storage\Schema;

/**
 * php bin/conduit boots Bitrix from the module's own location and runs the same install
 * code headless. Runs last: the child processes change the site behind this process's caches,
 * so the checks here read the database directly.
 */
final class CliTest extends ModuleTestCase
{
    private static function registered(): bool
    {
        return (bool) Application::getConnection()->queryScalar("SELECT COUNT(*) FROM b_module WHERE ID = 'conduit.integration'");
    }

    public function testHelpAndUsage(): void
    {
        [$code, $out] = self::runCli(['help']);
        $this->assertSame(0, $code, $out);
        foreach (['install', 'uninstall [--keep-data]', 'migrate', 'check'] as $command) {
            $this->assertStringContainsString($command, $out);
        }
        [$code, , $err] = self::runCli(['frobnicate']);
        $this->assertSame(2, $code);
        $this->assertStringContainsString('frobnicate', $err);
    }

    public function testUninstallKeepingDataThenInstallThenCheck(): void
    {
        self::ensureInstalled();
        [$code, $out, $err] = self::runCli(['uninstall', '--keep-data']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertFalse(self::registered());
        foreach (Schema::tableNames() as $table) {
            $this->assertTrue(self::tableExists($table));
        }

        [$code, $out, $err] = self::runCli(['install']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertTrue(self::registered());
        $this->assertStringContainsString('conduit.integration', $out);

        [$code, $out, $err] = self::runCli(['check']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertStringNotContainsString('FAIL', $out);

        // Without --document-root it finds the site by walking up from its own folder.
        [$code, $out, $err] = self::runCli(['check'], false);
        $this->assertSame(0, $code, $out . $err);
        $this->assertStringContainsString('ok ', $out);
    }

    public function testUninstallWithoutKeepingData(): void
    {
        if (!self::mayDestroyData()) {
            $this->markTestSkipped('the module was installed on this site before the suite; set CONDUIT_TEST_ALLOW_UNINSTALL=1');
        }
        [$code, $out, $err] = self::runCli(['uninstall']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertFalse(self::registered());
        foreach (Schema::tableNames() as $table) {
            $this->assertFalse(self::tableExists($table));
        }
        [$code, $out, $err] = self::runCli(['install']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertTrue(self::registered());
    }
}
