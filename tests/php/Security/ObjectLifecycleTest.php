<?php
declare(strict_types=1);

namespace Conduit\Tests\Security;

use Conduit\ApiClient;
use Conduit\ConduitException;
use Conduit\ConfigException;
use Conduit\Job;
use Conduit\RequestLog;
use Conduit\SecretBox;
use Conduit\Store;
use Conduit\SyncQueue;
use Conduit\WebhookSecurity;
use PHPUnit\Framework\TestCase;

/**
 * Objects are built once, by their constructor, and only the extension builds the
 * ones it returns: a second __construct(), a method on an object made without its
 * constructor, `new` on a returned-only class and a write to a Job property are
 * Conduit\ConfigException (never a plain \Exception, never a silent re-point).
 */
final class ObjectLifecycleTest extends TestCase
{
    private string $db;

    protected function setUp(): void
    {
        $this->db = sys_get_temp_dir() . '/conduit-lifecycle-' . getmypid() . '-' . bin2hex(random_bytes(4)) . '.db';
    }

    protected function tearDown(): void
    {
        foreach (glob($this->db . '*') ?: [] as $file) {
            unlink($file);
        }
    }

    /** @return array<class-string, array{0: \Closure(): object, 1: list<mixed>, 2: string, 3?: list<mixed>}> class => [factory, constructor args again, a method, its arguments] */
    private function constructible(): array
    {
        $store = new Store('sqlite://' . $this->db);
        $store->migrate();
        $other = new Store('sqlite://' . $this->db . '-other');
        $other->migrate();
        return [
            ApiClient::class => [fn () => new ApiClient('http://127.0.0.1:9/api'), ['http://127.0.0.2:9/other'], 'getBaseUrl'],
            WebhookSecurity::class => [fn () => new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['a']]), [['scheme' => 'hmac', 'secrets' => ['b']]], 'getScheme'],
            SecretBox::class => [fn () => new SecretBox(['keys' => ['k1' => SecretBox::generateKey()]]), [['keys' => ['k2' => SecretBox::generateKey()]]], 'primaryKeyId'],
            Store::class => [fn () => new Store('sqlite://' . $this->db), ['sqlite://' . $this->db . '-other'], 'getDsn'],
            SyncQueue::class => [fn () => new SyncQueue($store), [$other], 'stats'],
            RequestLog::class => [fn () => new RequestLog($store), [$other], 'writerStats'],
            \Conduit\Mapper::class => [fn () => new \Conduit\Mapper(['fields' => ['a' => 'a']]), [['fields' => ['b' => 'b']]], 'map', [['a' => 1, 'b' => 2]]],
        ];
    }

    private static function assertConfigException(\Closure $call, string $expect, string $what): void
    {
        try {
            $call();
            self::fail("$what did not throw");
        } catch (ConfigException $e) {
            self::assertInstanceOf(ConduitException::class, $e);
            self::assertStringContainsString($expect, $e->getMessage(), $what);
        }
    }

    public function testEveryPublicClassIsCovered(): void
    {
        $covered = array_merge(array_keys($this->constructible()), [Job::class, \Conduit\Response::class, \Conduit\WebhookEvent::class], self::RETURNED_ONLY);
        foreach (get_declared_classes() as $class) {
            $r = new \ReflectionClass($class);
            if (!$r->isInternal() || !str_starts_with($class, 'Conduit\\') || $r->isSubclassOf(\Throwable::class)) {
                continue;
            }
            // Version has a private constructor (PHP refuses `new` itself).
            if ($class === 'Conduit\Version') {
                continue;
            }
            self::assertContains($class, $covered, "$class has no lifecycle test");
        }
    }

    public function testASecondConstructCallIsRefusedAndChangesNothing(): void
    {
        foreach ($this->constructible() as $class => $case) {
            [$factory, $again, $method] = $case;
            $args = $case[3] ?? [];
            $object = $factory();
            $before = $object->$method(...$args);
            self::assertConfigException(fn () => $object->__construct(...$again), "$class::__construct() was already called", $class);
            self::assertEquals($before, $object->$method(...$args), "$class kept its state");
        }
    }

    public function testMethodsOnAnUnconstructedObjectAreConduitExceptions(): void
    {
        foreach ($this->constructible() as $class => $case) {
            $method = $case[2];
            $args = $case[3] ?? [];
            $r = new \ReflectionClass($class);
            if ($r->isFinal()) {
                // PHP itself refuses: "internal class marked as final that cannot be instantiated without invoking its constructor".
                try {
                    $r->newInstanceWithoutConstructor();
                    self::fail("$class was instantiated without its constructor");
                } catch (\ReflectionException $e) {
                    self::assertStringContainsString('final', $e->getMessage());
                }
                continue;
            }
            $object = $r->newInstanceWithoutConstructor();
            self::assertConfigException(fn () => $object->$method(...$args), "$class::$method() called on an object that was not constructed", $class);
            // The constructor still works on such an object, once.
            $object->__construct(...$case[1]);
            $object->$method(...$args);
        }
        // A subclass that skips parent::__construct() is the same case (ApiClient is
        // not final; Store and the other final classes cannot be extended at all).
        $sub = new class ('ignored') extends \Conduit\ApiClient {
            public function __construct(string $baseUrl)
            {
            }
        };
        self::assertConfigException(fn () => $sub->send('GET', '/x'), 'ApiClient::send() called on an object that was not constructed', 'subclass');
    }

    public function testFinalClassesCannotBeExtended(): void
    {
        foreach (['Store', 'SyncQueue', 'Job', 'RequestLog', 'SecretBox', 'WebhookSecurity', 'WebhookEvent', 'Mapper', 'Version'] as $short) {
            $class = "Conduit\\$short";
            self::assertTrue((new \ReflectionClass($class))->isFinal(), "$class is final");
            // Extending a final class is a compile error, so ask a child process.
            $cmd = escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg(self::extensionPath())
                . ' -r ' . escapeshellarg("class Sub extends $class {} echo 'extended';") . ' 2>&1';
            $out = (string) shell_exec($cmd);
            self::assertStringNotContainsString('extended', $out, $class);
            self::assertStringContainsString('final class', $out, $class);
        }
    }

    /** The extension this process runs (the tests load the workspace's release build). */
    private static function extensionPath(): string
    {
        return dirname(__DIR__, 3) . '/target/release/libconduit.so';
    }

    /** Classes only the extension creates, refused by `new` with a ConfigException (checked when loaded). */
    private const RETURNED_ONLY = ['Conduit\RecordStream'];

    public function testReturnedOnlyClassesRefuseNew(): void
    {
        foreach (self::RETURNED_ONLY as $class) {
            if (class_exists($class)) {
                self::assertConfigException(fn () => new $class(), "$class cannot be created with new", $class);
            }
        }
        self::assertConfigException(fn () => new Job(), 'Conduit\Job cannot be created with new', 'Job');
        self::assertConfigException(fn () => new \Conduit\Response(), 'Conduit\Response cannot be created with new', 'Response');
        $event = (new WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['s']]));
        $body = '{"id":"e1"}';
        $verified = $event->verify($body, $event->sign($body));
        self::assertConfigException(fn () => $verified->__construct(), 'Conduit\WebhookEvent cannot be created', 'WebhookEvent');
        self::assertStringStartsWith('sha256:', $verified->getId());
    }

    public function testJobPropertiesAreReadOnly(): void
    {
        $store = new Store('sqlite://' . $this->db);
        $store->migrate();
        $queue = new SyncQueue($store);
        $id = $queue->push('t', ['a' => 1]);
        [$job] = $queue->claim(1);
        $writes = [
            'id' => fn () => $job->id = 5,
            'status' => fn () => $job->status = 'done',
            'type (wrong type)' => fn () => $job->type = 7,
            'payload' => fn () => $job->payload = [],
            'a new property' => fn () => $job->extra = 1,
            'increment' => fn () => $job->attempts++,
        ];
        foreach ($writes as $what => $write) {
            self::assertConfigException($write, 'read-only snapshot of a job', $what);
        }
        self::assertConfigException(function () use ($job) {
            unset($job->id);
        }, 'cannot be unset', 'unset');
        self::assertSame($id, $job->id);
        self::assertSame('running', $job->status);
        self::assertSame(1, $job->attempts);
        self::assertSame(['a' => 1], $job->payload);
        self::assertFalse(isset($job->extra));
    }
}
