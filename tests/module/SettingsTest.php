<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Config\Option;
use Conduit\Integration\Exception\SettingsException;
use Conduit\Integration\Settings;

/** Scalar settings: every type and range round trips through Option; a bad value is refused and never stored. */
final class SettingsTest extends ModuleTestCase
{
    private static array $saved = [];

    public static function setUpBeforeClass(): void
    {
        self::ensureInstalled();
        foreach (array_keys(Settings::DEFINITIONS) as $name) {
            self::$saved[$name] = Option::getRealValue(self::MODULE, $name);
        }
    }

    public static function tearDownAfterClass(): void
    {
        foreach (self::$saved as $name => $value) {
            $value === null ? Option::delete(self::MODULE, ['name' => $name]) : Option::set(self::MODULE, $name, $value);
        }
    }

    public function testEverySettingHasADefaultOfItsType(): void
    {
        $defaults = Settings::defaults();
        foreach (Settings::DEFINITIONS as $name => $definition) {
            $this->assertArrayHasKey($name, $defaults, "$name has no default in default_option.php");
            Settings::reset($name);
            $value = Settings::get($name);
            $expected = match ($definition['type']) {
                Settings::TYPE_INT => 'integer', Settings::TYPE_FLOAT => 'double', Settings::TYPE_BOOL => 'boolean',
                Settings::TYPE_LIST => 'array', default => 'string',
            };
            $this->assertSame($expected, gettype($value), $name);
        }
        $this->assertSame(5, Settings::get('queue_max_attempts'));
        $this->assertSame(3.0, Settings::get('agent_time_budget_s'));
        $this->assertTrue(Settings::get('log_enabled'));
        $this->assertSame('hits', Settings::get('agent_mode'));
        $this->assertSame([], Settings::get('log_redact_fields'));
    }

    public static function numericBounds(): array
    {
        $cases = [];
        foreach (Settings::DEFINITIONS as $name => $d) {
            if ($d['type'] === Settings::TYPE_INT || $d['type'] === Settings::TYPE_FLOAT) {
                $cases[$name] = [$name, $d['type'], $d['min'], $d['max']];
            }
        }
        return $cases;
    }

    /** @dataProvider numericBounds */
    public function testNumericRangeIsEnforcedAtBothEnds(string $name, string $type, int|float $min, int|float $max): void
    {
        $typed = static fn ($v) => $type === Settings::TYPE_INT ? (int) $v : (float) $v;
        foreach ([$min, $max] as $bound) {
            Settings::set($name, $bound);
            $this->assertSame($typed($bound), Settings::get($name));
            Settings::set($name, (string) $bound);                 // as an admin form posts it
            $this->assertSame($typed($bound), Settings::get($name));
        }
        $step = $type === Settings::TYPE_INT ? 1 : 0.25;
        foreach ([$min - $step, $max + $step] as $outside) {
            $stored = Option::get(self::MODULE, $name);
            try {
                Settings::set($name, $outside);
                $this->fail("$name accepted $outside");
            } catch (SettingsException $e) {
                $this->assertStringContainsString($name, $e->getMessage());
                $this->assertStringContainsString((string) $min, $e->getMessage());
                $this->assertStringContainsString((string) $max, $e->getMessage());
            }
            $this->assertSame($stored, Option::get(self::MODULE, $name), 'a refused value was stored');
        }
        Settings::reset($name);
    }

    public static function badValues(): array
    {
        return [
            'int as fraction' => ['queue_max_attempts', 5.5],
            'int as words' => ['queue_max_attempts', 'five'],
            'int as bool' => ['queue_max_attempts', true],
            'int as array' => ['queue_lease_s', [60]],
            'float as words' => ['agent_time_budget_s', 'fast'],
            'float NAN' => ['agent_time_budget_s', NAN],
            'float INF' => ['agent_time_budget_s', INF],
            'bool as yes' => ['log_enabled', 'yes'],
            'bool as 1' => ['log_enabled', 1],
            'enum unknown' => ['agent_mode', 'daily'],
            'enum wrong case' => ['agent_mode', 'CRON'],
            'list bad item' => ['log_redact_fields', ['ok', '<script>']],
            'list too long' => ['log_redact_fields', array_map(static fn ($i) => "f$i", range(1, 51))],
            'string not a URL' => ['public_base_url', 'shop.example.com'],
            'string ftp' => ['public_base_url', 'ftp://shop.example.com'],
            'string too long' => ['public_base_url', 'https://example.com/' . str_repeat('a', 300)],
            'string with a query' => ['public_base_url', 'https://example.com/?x=<b>'],
        ];
    }

    /** @dataProvider badValues */
    public function testBadValueIsRefusedWithAClearMessageAndNotStored(string $name, mixed $value): void
    {
        $before = self::rawOptions()[$name] ?? null;
        try {
            Settings::set($name, $value);
            $this->fail("$name accepted " . var_export($value, true));
        } catch (SettingsException $e) {
            $this->assertStringContainsString('"' . $name . '"', $e->getMessage());
            $this->assertInstanceOf(\Conduit\Integration\Exception\ModuleException::class, $e);
        }
        $this->assertSame($before, self::rawOptions()[$name] ?? null);
    }

    public function testBoolEnumListAndStringRoundTrip(): void
    {
        Settings::set('log_enabled', false);
        $this->assertSame('N', self::rawOptions()['log_enabled']);
        $this->assertFalse(Settings::get('log_enabled'));
        Settings::set('log_enabled', 'Y');
        $this->assertTrue(Settings::get('log_enabled'));

        Settings::set('agent_mode', 'cron');
        $this->assertSame('cron', Settings::get('agent_mode'));

        Settings::set('log_redact_fields', 'pin, cvv ;card.number  pin');
        $this->assertSame(['pin', 'cvv', 'card.number'], Settings::get('log_redact_fields'));
        $this->assertSame('pin,cvv,card.number', self::rawOptions()['log_redact_fields']);
        Settings::set('log_redact_fields', []);
        $this->assertSame([], Settings::get('log_redact_fields'));

        Settings::set('public_base_url', ' https://shop.example.com/ru ');
        $this->assertSame('https://shop.example.com/ru', Settings::get('public_base_url'));
        Settings::set('public_base_url', '');
        $this->assertSame('', Settings::get('public_base_url'));

        Settings::set('agent_time_budget_s', '2.5');
        $this->assertSame('2.5', self::rawOptions()['agent_time_budget_s']);
        $this->assertSame(2.5, Settings::get('agent_time_budget_s'));
    }

    public function testAValueStoredBehindTheModulesBackFallsBackToTheDefault(): void
    {
        Option::set(self::MODULE, 'queue_max_attempts', 'lots');
        Option::set(self::MODULE, 'agent_mode', 'sometimes');
        $this->assertSame(5, Settings::get('queue_max_attempts'));
        $this->assertSame('hits', Settings::get('agent_mode'));
        Settings::reset('queue_max_attempts');
        Settings::reset('agent_mode');
    }

    public function testUnknownSettingIsRefused(): void
    {
        $this->expectException(SettingsException::class);
        $this->expectExceptionMessage('queue_max_attempts'); // the message lists the known ones
        Settings::set('queue_max_atempts', 5);
    }

    public function testSetManyIsAllOrNothing(): void
    {
        Settings::set('queue_lease_s', 60);
        try {
            Settings::setMany(['queue_lease_s' => 120, 'agent_mode' => 'weekly']);
            $this->fail('setMany accepted a bad value');
        } catch (SettingsException $e) {
            $this->assertStringContainsString('agent_mode', $e->getMessage());
        }
        $this->assertSame(60, Settings::get('queue_lease_s'));
        Settings::setMany(['queue_lease_s' => 120, 'agent_mode' => 'hits']);
        $this->assertSame(120, Settings::get('queue_lease_s'));
    }

    public function testAllReturnsEverySettingTyped(): void
    {
        $all = Settings::all();
        $this->assertSame(array_keys(Settings::DEFINITIONS), array_keys($all));
    }

    public function testQueueServiceFollowsTheSettings(): void
    {
        Settings::set('queue_max_attempts', 7);
        $queue = \Conduit\Integration\Services::queue();
        $id = $queue->push(self::uniqueName('t.settings'), ['x' => 1]);
        try {
            $this->assertSame(7, $queue->get($id)->maxAttempts);
        } finally {
            $queue->delete($id);
        }
    }
}
