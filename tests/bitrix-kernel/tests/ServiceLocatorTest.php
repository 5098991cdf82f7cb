<?php
use Bitrix\Main\Config\Configuration;
use Bitrix\Main\DI\ServiceLocator;
use Bitrix\Main\Loader;
use Bitrix\Main\ObjectNotFoundException;

class ServiceLocatorTest extends KernelTestCase
{
    protected function setUp(): void
    {
        $this->installProbe([
            'include.php' => "<?php\n",
            'lib/greeter.php' => "<?php\nnamespace Kerneltest\\Probe;\nclass Greeter { public static \$made = 0; public \$who; public function __construct(\$who = 'nobody') { self::\$made++; \$this->who = \$who; } }\n",
            '.settings.php' => "<?php\nreturn [\n 'services' => ['value' => [\n  'kerneltest.probe.greeter' => ['className' => '\\\\Kerneltest\\\\Probe\\\\Greeter', 'constructorParams' => ['ada']],\n  'kerneltest.probe.lazy' => ['constructor' => static function () { return new \\ArrayObject(['built' => true]); }],\n  'kerneltest.probe.params' => ['className' => '\\\\Kerneltest\\\\Probe\\\\Greeter', 'constructorParams' => static function () { return ['from-callable']; }],\n ], 'readonly' => true],\n 'console' => ['value' => ['commands' => ['X\\\\Cmd']], 'readonly' => true],\n];\n",
        ]);
    }

    public function testModuleServicesAreRegisteredWhenTheModuleIsIncluded(): void
    {
        $sl = ServiceLocator::getInstance();
        $this->assertFalse($sl->has('kerneltest.probe.greeter'), 'not before includeModule');
        $this->assertTrue(Loader::includeModule(self::MOD));
        $this->assertTrue($sl->has('kerneltest.probe.greeter'));
        $made = \Kerneltest\Probe\Greeter::$made;
        $a = $sl->get('kerneltest.probe.greeter');
        $this->assertSame('ada', $a->who);
        $this->assertSame($a, $sl->get('kerneltest.probe.greeter'), 'one shared instance');
        $this->assertSame($made + 1, \Kerneltest\Probe\Greeter::$made);
        $this->assertTrue($sl->get('kerneltest.probe.lazy')['built']);
        $this->assertSame('from-callable', $sl->get('kerneltest.probe.params')->who);
    }

    public function testModuleConfigurationIsReadFromItsSettingsFile(): void
    {
        $this->assertTrue(Loader::includeModule(self::MOD));
        $this->assertSame(['commands' => ['X\Cmd']], Configuration::getInstance(self::MOD)->get('console'));
        $this->assertNull(Configuration::getInstance(self::MOD)->get('missing'));
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', Configuration::getValue('crypto')['crypto_key']);
        $this->assertSame(conduit_kernel_db_type() === 'pgsql' ? '\Bitrix\Main\DB\PgsqlConnection' : '\Bitrix\Main\DB\MysqliConnection',
            Configuration::getValue('connections')['default']['className']);
    }

    public function testUnknownServiceAndAddInstance(): void
    {
        $sl = ServiceLocator::getInstance();
        try { $sl->get('kerneltest.nothing.here'); $this->fail('no exception'); } catch (ObjectNotFoundException $e) { $this->assertStringContainsString('kerneltest.nothing.here', $e->getMessage()); }
        $o = new \stdClass();
        $sl->addInstance('kerneltest.probe.instance', $o);
        $this->assertSame($o, $sl->get('kerneltest.probe.instance'));
        $this->assertInstanceOf(\ArrayObject::class, $sl->get(\ArrayObject::class), 'a class name with no required arguments is built');
    }
}
