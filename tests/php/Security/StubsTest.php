<?php
declare(strict_types=1);

namespace Conduit\Tests\Security;

use PHPUnit\Framework\TestCase;

/**
 * stubs/parts/security.stubs.php must describe the extension as loaded: every
 * public method with the same parameters, types, defaults and return type, and
 * #[\SensitiveParameter] where the extension marks it.
 */
final class StubsTest extends TestCase
{
    private const STUBS = __DIR__ . '/../../../stubs/parts/security.stubs.php';

    /** @return array<string, array<string, string>> class => method => signature as text */
    private static function stubSignatures(): array
    {
        $source = (string) file_get_contents(self::STUBS);
        $classes = [];
        $class = null;
        foreach (explode("\n", $source) as $line) {
            if (preg_match('/^final class (\w+)/', $line, $m)) {
                $class = 'Conduit\\' . $m[1];
                $classes[$class] = [];
            } elseif ($class !== null && preg_match('/^    public (static )?function (\w+)\((.*)\)(?:: (\S+))? \{\}$/', $line, $m)) {
                $classes[$class][$m[2]] = trim(($m[1] ?? '') . '(' . $m[3] . ')' . (isset($m[4]) ? ": {$m[4]}" : ''));
            }
        }
        return $classes;
    }

    private static function reflected(\ReflectionMethod $method): string
    {
        $params = [];
        foreach ($method->getParameters() as $p) {
            $text = '';
            foreach ($p->getAttributes() as $attribute) {
                $text .= '#[\\' . $attribute->getName() . '] ';
            }
            $text .= $p->getType() . ' $' . $p->getName();
            if ($p->isDefaultValueAvailable()) {
                $text .= ' = ' . str_replace('NULL', 'null', var_export($p->getDefaultValue(), true));
            }
            $params[] = $text;
        }
        $return = $method->hasReturnType() ? ': ' . $method->getReturnType() : '';
        if ($method->getReturnType() instanceof \ReflectionNamedType && !$method->getReturnType()->isBuiltin()) {
            $return = ': ' . substr((string) $method->getReturnType(), strlen('Conduit\\'));
        }
        return ($method->isStatic() ? 'static ' : '') . '(' . implode(', ', $params) . ')' . $return;
    }

    public function testStubsMatchTheLoadedExtension(): void
    {
        // The extension marks #[\SensitiveParameter] at startup (src/guard.rs); constructing
        // first is harmless and keeps this test independent of that timing.
        new \Conduit\SecretBox(['keys' => ['k' => \Conduit\SecretBox::generateKey()]]);
        new \Conduit\WebhookSecurity(['scheme' => 'hmac', 'secrets' => 's']);

        $stubs = self::stubSignatures();
        self::assertSame(['Conduit\WebhookSecurity', 'Conduit\WebhookEvent', 'Conduit\SecretBox'], array_keys($stubs));
        foreach ($stubs as $class => $methods) {
            $reflection = new \ReflectionClass($class);
            self::assertTrue($reflection->isFinal(), "$class is final");
            $actual = [];
            foreach ($reflection->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
                // ext-php-rs gives WebhookEvent a public constructor that throws; the
                // stub declares it private so IDEs flag `new WebhookEvent()`.
                if ($class === 'Conduit\WebhookEvent' && $method->getName() === '__construct') {
                    continue;
                }
                $actual[$method->getName()] = self::reflected($method);
            }
            ksort($actual);
            ksort($methods);
            self::assertSame($actual, $methods, $class);
        }
    }

    public function testStubsLint(): void
    {
        exec(escapeshellarg(PHP_BINARY) . ' -n -l ' . escapeshellarg(self::STUBS) . ' 2>&1', $output, $exit);
        self::assertSame(0, $exit, implode("\n", $output));
    }
}
