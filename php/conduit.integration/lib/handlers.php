<?php

namespace Conduit\Integration;

use Bitrix\Main\Event;
use Bitrix\Main\EventResult;
use Bitrix\Main\Localization\Loc;
use Conduit\Integration\Exception\HandlerException;

Loc::loadMessages(__FILE__);

/**
 * Job type → handler: what the agent and `bin/conduit worker` call for a job that is not an
 * HTTP delivery.
 *
 * A handler is a callable, a "Class::staticMethod" string, or a class name (instantiated
 * without arguments, then invoked or its `handle()` called); strings are resolved when a
 * job runs, so the class loads only then. It is called as
 * `$handler(array $payload, JobContext $context)`; what it returns (JSON-encodable, or
 * null) is kept as the job's result. An exception fails the attempt with its message
 * (retried with backoff; `Exception\PermanentFailureException` and the engine's 4xx
 * `ApiException` fail the job at once). A job whose type has no handler is dead-lettered
 * at once with "no handler for type …".
 *
 * Register from `local/php_interface/init.php` (runs on every hit, in agents and in the
 * CLI worker):
 *
 * ```php
 * \Bitrix\Main\Loader::includeModule('conduit.integration');
 * \Conduit\Integration\Handlers::register('order.import', [\MyCompany\Erp\OrderImport::class, 'handle']);
 * ```
 *
 * or, from another module, with a persistent handler of the module event
 * `conduit.integration:OnRegisterHandlers` (sent once per process, the first time a job
 * runs), registered in that module's InstallEvents:
 *
 * ```php
 * EventManager::getInstance()->registerEventHandler('conduit.integration', 'OnRegisterHandlers',
 *     'mycompany.erp', \MyCompany\Erp\Jobs::class, 'onRegisterHandlers');
 * // public static function onRegisterHandlers(\Bitrix\Main\Event $event) {
 * //     Handlers::register('order.import', [OrderImport::class, 'handle']);
 * //     // or: return new EventResult(EventResult::SUCCESS, ['handlers' => ['order.import' => '\MyCompany\Erp\OrderImport::handle']]);
 * // }
 * ```
 */
final class Handlers
{
    /** The module event other modules register their handlers in. */
    public const EVENT = 'OnRegisterHandlers';

    /** @var array<string, callable|string> */
    private static array $handlers = [];
    /** @var array<string, string> manual job types => title */
    private static array $manual = [];
    private static bool $eventSent = false;

    private function __construct()
    {
    }

    /**
     * Sets the handler of a job type (replacing an earlier one).
     *
     * @param callable|string $handler a callable, "Class::method" or a class name
     * @param array{manual?: bool, title?: string} $options manual: the admin dashboard offers a
     *   "Run sync now" button for this type (a job with an empty payload), titled `title`
     * @throws HandlerException for a bad type or a value that cannot be a handler
     */
    public static function register(string $type, callable|string $handler, array $options = []): void
    {
        if (!preg_match(Settings::JOB_TYPE_PATTERN, $type)) {
            throw new HandlerException(self::msg('CONDUIT_HANDLERS_BAD_TYPE', ['#TYPE#' => $type]));
        }
        if (Deliveries::isDeliveryType($type)) {
            throw new HandlerException(self::msg('CONDUIT_HANDLERS_DELIVERY_TYPE', ['#TYPE#' => $type]));
        }
        if (is_string($handler) && !is_callable($handler) && !preg_match('/^\\\\?[A-Za-z_][A-Za-z0-9_\\\\]*(::[A-Za-z_][A-Za-z0-9_]*)?$/', $handler)) {
            throw new HandlerException(self::msg('CONDUIT_HANDLERS_BAD_HANDLER', ['#TYPE#' => $type, '#HANDLER#' => $handler]));
        }
        self::$handlers[$type] = $handler;
        if (!empty($options['manual'])) {
            self::$manual[$type] = trim((string) ($options['title'] ?? '')) ?: $type;
        } else {
            unset(self::$manual[$type]);
        }
    }

    /**
     * The job types registered with `'manual' => true` (the dashboard's "Run sync now").
     *
     * @return array<string, string> type => title, sorted by type
     */
    public static function manual(): array
    {
        self::collect();
        $manual = array_intersect_key(self::$manual, self::$handlers);
        ksort($manual, SORT_STRING);
        return $manual;
    }

    /** Removes the handler of a type; false when there was none. */
    public static function unregister(string $type): bool
    {
        $had = isset(self::$handlers[$type]);
        unset(self::$handlers[$type], self::$manual[$type]);
        return $had;
    }

    public static function has(string $type): bool
    {
        self::collect();
        return isset(self::$handlers[$type]);
    }

    /** @return list<string> the job types that have a handler, sorted */
    public static function types(): array
    {
        self::collect();
        $types = array_keys(self::$handlers);
        sort($types, SORT_STRING);
        return $types;
    }

    /**
     * The callable for a type, or null when none is registered.
     *
     * @throws HandlerException when a string handler names a class or method that does not exist
     */
    public static function resolve(string $type): ?callable
    {
        self::collect();
        if (!isset(self::$handlers[$type])) {
            return null;
        }
        $handler = self::$handlers[$type];
        if (!is_string($handler)) {
            return $handler;
        }
        $name = ltrim((string) $handler, '\\');
        if (str_contains($name, '::')) {
            [$class, $method] = explode('::', $name, 2);
            if (class_exists($class) && method_exists($class, $method)) {
                return [$class, $method];
            }
        } elseif (function_exists($name)) {
            return $name;
        } elseif (class_exists($name)) {
            $object = new $name();
            if (is_callable($object)) {
                return $object;
            }
            if (method_exists($object, 'handle')) {
                return [$object, 'handle'];
            }
        }
        throw new HandlerException(self::msg('CONDUIT_HANDLERS_UNRESOLVED', ['#TYPE#' => $type, '#HANDLER#' => (string) $handler]));
    }

    /**
     * Sends `conduit.integration:OnRegisterHandlers` once per process so other modules
     * register their handlers. Called before the first job runs; harmless to call again.
     */
    public static function collect(): void
    {
        if (self::$eventSent) {
            return;
        }
        self::$eventSent = true;
        $event = new Event(Module::ID, self::EVENT, []);
        $event->send();
        foreach ($event->getResults() as $result) {
            if (!$result instanceof EventResult || $result->getType() === EventResult::ERROR) {
                continue;
            }
            $parameters = $result->getParameters();
            foreach ((array) ($parameters['handlers'] ?? []) as $type => $handler) {
                if (!isset(self::$handlers[(string) $type])) {
                    self::register((string) $type, $handler);
                }
            }
        }
    }

    /** Forgets every handler and lets the module event be sent again (tests, long-running workers reloading). */
    public static function reset(): void
    {
        self::$handlers = [];
        self::$manual = [];
        self::$eventSent = false;
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }
}
