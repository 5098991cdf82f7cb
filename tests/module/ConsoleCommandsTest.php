<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Services;
use Symfony\Component\Console\Application as ConsoleApplication;
use Symfony\Component\Console\Tester\CommandTester;

/**
 * The Bitrix console commands of the module (.settings.php `console`): defined and
 * registered only where symfony/console is loaded, and running the bin/conduit code.
 */
final class ConsoleCommandsTest extends ModuleTestCase
{
    private const AUTOLOAD = '/usr/share/php/Symfony/Component/Console/autoload.php'; // Debian's php-symfony-console

    public static function setUpBeforeClass(): void
    {
        if (!class_exists(\Symfony\Component\Console\Command\Command::class)) {
            if (!is_file(self::AUTOLOAD)) {
                self::markTestSkipped('symfony/console is not installed (Debian: php-symfony-console, scripts/install-deps.sh)');
            }
            require_once self::AUTOLOAD;
        }
    }

    /** @return list<class-string> */
    private static function commands(): array
    {
        $settings = include self::moduleDir() . '/.settings.php';
        return $settings['console']['value']['commands'];
    }

    public function testTheCommandsAreRegisteredWhenSymfonyConsoleExists(): void
    {
        self::ensureInstalled();
        $names = [];
        foreach (self::commands() as $class) {
            $this->assertTrue(class_exists($class), $class);
            $command = new $class();
            $this->assertInstanceOf(\Symfony\Component\Console\Command\Command::class, $command);
            $names[] = $command->getName();
            $this->assertNotSame('', (string) $command->getDescription());
        }
        sort($names);
        $this->assertSame(['conduit:check', 'conduit:log:purge', 'conduit:queue:retry-failed', 'conduit:queue:run', 'conduit:queue:stats', 'conduit:uninstall', 'conduit:worker'], $names);
    }

    public function testACommandRunsTheModuleCode(): void
    {
        self::ensureInstalled();
        $console = new ConsoleApplication();
        foreach (self::commands() as $class) {
            $console->add(new $class());
        }
        $type = self::uniqueName('t') . '.console';
        $id = Services::queue()->push($type, []);
        try {
            $stats = new CommandTester($console->find('conduit:queue:stats'));
            $this->assertSame(0, $stats->execute(['--json' => true]));
            $json = json_decode($stats->getDisplay(), true);
            $this->assertSame(1, $json['queue']['by_type'][$type]['pending']);

            $worker = new CommandTester($console->find('conduit:worker'));
            $this->assertSame(0, $worker->execute(['--types' => $type, '--time-limit' => '1', '--sleep' => '0.1']));
            $this->assertStringContainsString('(time_limit)', $worker->getDisplay());
            $this->assertSame('failed', Services::queue()->get($id)->status, 'no handler: dead-lettered');

            $retry = new CommandTester($console->find('conduit:queue:retry-failed'));
            $this->assertSame(0, $retry->execute(['--type' => $type]));
            $this->assertSame('pending', Services::queue()->get($id)->status);
        } finally {
            Services::queue()->delete($id);
        }
    }
}
