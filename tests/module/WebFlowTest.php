<?php

namespace Conduit\Tests\Module;

/**
 * The admin step pages of the install and uninstall flow (the files
 * $APPLICATION->IncludeAdminFile shows): the "save tables" choice and the results.
 */
final class WebFlowTest extends ModuleTestCase
{
    private static function page(string $file, array $post = []): string
    {
        $path = self::moduleDir() . '/install/' . $file;
        return WebRequest::render(static function () use ($path): void {
            global $APPLICATION;
            include $path;
        }, [], $post, $post !== []);
    }

    public function testUninstallStepOffersToKeepTheData(): void
    {
        $html = self::page('unstep.php', ['sessid' => bitrix_sessid(), 'id' => 'conduit.integration', 'uninstall' => 'Y']);
        $this->assertMatchesRegularExpression('/<input type="checkbox" name="savedata" id="conduit_savedata" value="Y" checked>/', $html);
        $this->assertStringContainsString('name="step" value="2"', $html);
        $this->assertStringContainsString('name="id" value="conduit.integration"', $html);
        $this->assertStringContainsString('name="uninstall" value="Y"', $html);
        $this->assertMatchesRegularExpression('/name="sessid"[^>]*value="[0-9a-f]{32}"/', $html);
        $this->assertStringContainsString('method="post"', $html);
    }

    public function testStepPagesNeedAValidSessid(): void
    {
        foreach (['step.php', 'unstep.php', 'unstep2.php'] as $file) {
            $this->assertSame('', trim(self::page($file, ['sessid' => str_repeat('0', 32)])), "$file rendered without a valid sessid");
        }
    }

    public function testResultPagesSayWhatHappenedToTheData(): void
    {
        $kept = self::page('unstep2.php', ['sessid' => bitrix_sessid(), 'savedata' => 'Y']);
        $deleted = self::page('unstep2.php', ['sessid' => bitrix_sessid()]);
        $this->assertNotSame('', trim($kept));
        $this->assertNotSame($kept, $deleted);
        $installed = self::page('step.php', ['sessid' => bitrix_sessid()]);
        $this->assertStringContainsString('adm-info-message', $installed);
    }
}
