<?php

namespace Conduit\Tests\Module;

use Conduit\Integration\Exception\SettingsException;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;

/** rate_limit.scope / circuit_breaker.scope in connection settings: "store" gets the module's Store. */
final class SharedScopeTest extends ModuleTestCase
{
    private array $created = [];

    protected function setUp(): void
    {
        self::ensureInstalled();
    }

    protected function tearDown(): void
    {
        foreach ($this->created as $name) {
            Settings::deleteConnection($name);
        }
    }

    public function testStoreAndHostScopesAreSavedAndBuildAClient(): void
    {
        foreach (['store', 'host', 'process'] as $scope) {
            $name = $this->created[] = self::uniqueName('s');
            Settings::saveConnection($name, [
                'base_url' => 'https://erp.example.com/api',
                'rate_limit' => ['per_second' => 10, 'burst' => 5, 'scope' => $scope],
                'circuit_breaker' => ['min_calls' => 5, 'scope' => $scope],
            ]);
            self::assertSame($scope, Settings::connection($name)['rate_limit']['scope']);
            self::assertSame('closed', Services::client($name)->getCircuitState(), $scope);
        }
    }

    public function testAnUnknownScopeIsRefusedNamingTheOption(): void
    {
        $name = $this->created[] = self::uniqueName('s');
        try {
            Settings::saveConnection($name, ['base_url' => 'https://erp.example.com', 'rate_limit' => ['per_second' => 1, 'scope' => 'cluster']]);
            self::fail('no exception');
        } catch (SettingsException $e) {
            self::assertStringContainsString('rate_limit.scope', $e->getMessage());
        }
    }
}
