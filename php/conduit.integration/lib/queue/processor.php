<?php

namespace Conduit\Integration\Queue;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;
use Conduit\ApiException;
use Conduit\ConfigException;
use Conduit\Integration\Deliveries;
use Conduit\Integration\Exception\PermanentFailureException;
use Conduit\Integration\Handlers;
use Conduit\Integration\Reason;
use Conduit\Integration\JobContext;
use Conduit\Integration\Module;
use Conduit\Integration\Services;
use Conduit\Integration\Settings;
use Conduit\Job;
use Conduit\QueueException;
use Conduit\SyncQueue;

Loc::loadMessages(__FILE__);

/**
 * One bounded pass over the queue, shared by the agent and `bin/conduit worker`:
 *
 * 1. HTTP deliveries: for each delivery type with due jobs (`conduit.http` → connection
 *    `default`, `conduit.http:<name>` → connection `<name>`), `SyncQueue::runDeliveries()`
 *    with that connection's client, within what is left of the time budget and job limit.
 * 2. Handler jobs (every other type): claimed a few at a time, each run through
 *    {@see Handlers} and acked, retried (`fail`) or dead-lettered. A type without a
 *    handler is dead-lettered with "no handler for type …".
 *
 * Several agents and workers may run it at once: claims lease jobs (SKIP LOCKED), so a
 * job is held by one runner at a time, and acks are fenced by the lease token.
 */
final class Processor
{
    /** Handler jobs claimed per round trip. */
    private const HANDLER_BATCH = 10;

    private SyncQueue $queue;

    /** @var array<string, int|float|string|null> counters of this processor's lifetime */
    private array $totals = [];

    /**
     * @param string $runner "agent" or "worker" (handlers see it in their context)
     */
    public function __construct(private string $runner, ?SyncQueue $queue = null)
    {
        $this->queue = $queue ?? Services::queue();
        $this->totals = self::emptyCounts();
    }

    /** @return array{delivered: int, retried: int, failed: int, skipped: int, handled: int, handler_retried: int, handler_failed: int, no_handler: int, released: int, queue_errors: int, last_error: ?string} */
    public static function emptyCounts(): array
    {
        return ['delivered' => 0, 'retried' => 0, 'failed' => 0, 'skipped' => 0, 'handled' => 0, 'handler_retried' => 0,
            'handler_failed' => 0, 'no_handler' => 0, 'released' => 0, 'queue_errors' => 0, 'last_error' => null];
    }

    /** Jobs finished in a count array (delivered, handled, dead-lettered, retried). */
    public static function processed(array $counts): int
    {
        return (int) ($counts['delivered'] + $counts['retried'] + $counts['failed'] + $counts['handled']
            + $counts['handler_retried'] + $counts['handler_failed'] + $counts['no_handler']);
    }

    /** @return array the counters summed over every run() of this object */
    public function totals(): array
    {
        return $this->totals;
    }

    /**
     * Works until the deadline, the job limit, an empty queue or $stop() says so.
     *
     * @param float $deadline Unix time after which nothing new is started
     * @param int $limit most jobs to take in this pass
     * @param list<string>|null $types only these job types (null: all)
     * @param callable|null $stop `fn(): bool`, asked between handler jobs (a signal arrived)
     * @return array the counts of {@see emptyCounts()}
     */
    public function run(float $deadline, int $limit, ?array $types = null, ?callable $stop = null): array
    {
        $counts = self::emptyCounts();
        $due = $this->dueTypes($types);
        $deliveryTypes = array_values(array_filter($due, [Deliveries::class, 'isDeliveryType']));
        $handlerTypes = array_values(array_filter($due, static fn (string $t): bool => !Deliveries::isDeliveryType($t)));

        foreach ($deliveryTypes as $type) {
            $left = $limit - self::processed($counts) - $counts['skipped'];
            $time = $deadline - microtime(true);
            if ($left <= 0 || $time <= 0.001 || ($stop !== null && $stop())) {
                break;
            }
            $this->deliver($type, $left, $time, $counts);
        }

        if ($handlerTypes !== []) {
            Handlers::collect();
            while (($stop === null || !$stop()) && microtime(true) < $deadline) {
                $left = $limit - self::processed($counts);
                if ($left <= 0) {
                    break;
                }
                try {
                    $jobs = $this->queue->claim(min(self::HANDLER_BATCH, $left), ['types' => $handlerTypes, 'lease_s' => (float) Settings::get('queue_lease_s')]);
                } catch (QueueException $e) {
                    $this->queueError($counts, $e);
                    break;
                }
                if ($jobs === []) {
                    break;
                }
                foreach ($jobs as $i => $job) {
                    if (($stop !== null && $stop()) || microtime(true) >= $deadline) {
                        // Not started: give the rest back without spending their attempts.
                        $this->releaseAll(array_slice($jobs, $i), $counts);
                        break 2;
                    }
                    $this->handle($job, $counts);
                }
            }
        }

        foreach ($counts as $key => $value) {
            if ($key === 'last_error') {
                $this->totals[$key] = $value ?? $this->totals[$key];
            } else {
                $this->totals[$key] += $value;
            }
        }
        return $counts;
    }

    /**
     * Job types that have due jobs now — pending and due, or running past their lease —
     * restricted to $only.
     *
     * @param list<string>|null $only
     * @return list<string>
     */
    public function dueTypes(?array $only = null): array
    {
        $connection = Application::getConnection();
        $helper = $connection->getSqlHelper();
        $table = Module::TABLE_PREFIX . 'jobs';
        $now = (int) floor(microtime(true) * 1000);
        // Due: pending and due, or running with an expired lease (its runner died; claim() takes it over).
        $sql = 'SELECT DISTINCT TYPE FROM ' . $helper->quote($table) . " WHERE ((STATUS = 'pending' AND RUN_AT <= $now) OR (STATUS = 'running' AND LEASE_UNTIL < $now))";
        if ($only !== null) {
            if ($only === []) {
                return [];
            }
            $sql .= ' AND TYPE IN (' . implode(', ', array_map(static fn (string $t): string => "'" . $helper->forSql($t) . "'", $only)) . ')';
        }
        $types = [];
        $result = $connection->query($sql);
        while ($row = $result->fetch()) {
            $types[] = (string) $row['TYPE'];
        }
        sort($types, SORT_STRING);
        return $types;
    }

    private function deliver(string $type, int $limit, float $time, array &$counts): void
    {
        $connection = (string) Deliveries::connectionOf($type);
        try {
            $client = Services::client($connection);
        } catch (\Throwable $e) {
            // No such connection (deleted, mistyped) or its secrets do not decrypt: visible
            // dead letters rather than jobs waiting forever.
            $this->failUnroutable($type, $connection, $e, $limit, $counts);
            return;
        }
        try {
            $summary = $this->queue->runDeliveries($client, [
                'limit' => max(1, $limit),
                'concurrency' => (int) Settings::get('delivery_concurrency'),
                'time_budget_s' => max(0.001, $time),
                'types' => [$type],
            ]);
        } catch (QueueException|ConfigException $e) {
            $this->queueError($counts, $e);
            return;
        }
        foreach (['delivered', 'retried', 'failed', 'skipped', 'queue_errors'] as $key) {
            $counts[$key] += (int) ($summary[$key] ?? 0);
        }
        if (!empty($summary['last_queue_error'])) {
            $counts['last_error'] = (string) $summary['last_queue_error'];
        }
    }

    private function failUnroutable(string $type, string $connection, \Throwable $why, int $limit, array &$counts): void
    {
        $message = self::reasoned('CONDUIT_PROCESSOR_NO_CONNECTION', ['#TYPE#' => $type, '#NAME#' => $connection, '#REASON#' => $why->getMessage()]);
        try {
            $jobs = $this->queue->claim(min(100, max(1, $limit)), ['types' => [$type]]);
        } catch (QueueException $e) {
            $this->queueError($counts, $e);
            return;
        }
        foreach ($jobs as $job) {
            try {
                $this->queue->fail($job->id, $message, ['retry' => false]);
                $counts['failed']++;
            } catch (QueueException $e) {
                $this->queueError($counts, $e);
            }
        }
    }

    private function handle(Job $job, array &$counts): void
    {
        try {
            $handler = Handlers::resolve($job->type);
        } catch (\Throwable $e) {
            $this->finalFail($job, $e->getMessage(), $counts, 'handler_failed');
            return;
        }
        if ($handler === null) {
            $this->finalFail($job, self::reasoned('CONDUIT_PROCESSOR_NO_HANDLER', ['#TYPE#' => $job->type]), $counts, 'no_handler');
            return;
        }

        $context = new JobContext($job, $this->queue, $this->runner);
        try {
            $payload = is_array($job->payload) ? $job->payload : ['value' => $job->payload];
            $result = $handler($payload, $context);
        } catch (\Throwable $e) {
            $final = $e instanceof PermanentFailureException || $e instanceof ConfigException
                || ($e instanceof ApiException && !($e->getStatusCode() >= 500 || in_array($e->getStatusCode(), [408, 425, 429], true)));
            try {
                // Throwable: stored as "Class: message"; a RateLimitException's Retry-After wins.
                $status = $final ? $this->queue->fail($job->id, $e, ['retry' => false]) : $this->queue->fail($job->id, $e);
                $counts[$status === 'failed' ? 'handler_failed' : 'handler_retried']++;
                if ($status === 'failed') {
                    $counts['last_error'] = self::describe($job, $e);
                }
            } catch (QueueException $qe) {
                $this->queueError($counts, $qe);
            }
            return;
        }

        $result = self::storable($result);
        try {
            try {
                $this->queue->ack($job->id, $result);
            } catch (ConfigException $e) {
                $this->queue->ack($job->id, null); // a result the queue cannot store
            }
            $counts['handled']++;
        } catch (QueueException $e) {
            // Lease lost (the handler overran queue_lease_s and another runner took the
            // job over) or the database went away: the job is redelivered, never lost.
            $this->queueError($counts, $e);
        }
    }

    private function finalFail(Job $job, string $message, array &$counts, string $counter): void
    {
        try {
            $this->queue->fail($job->id, $message, ['retry' => false]);
            $counts[$counter]++;
            $counts['last_error'] = $message;
        } catch (QueueException $e) {
            $this->queueError($counts, $e);
        }
    }

    /** @param list<Job> $jobs */
    private function releaseAll(array $jobs, array &$counts): void
    {
        foreach ($jobs as $job) {
            try {
                $this->queue->release($job->id);
                $counts['released']++;
            } catch (QueueException $e) {
                $this->queueError($counts, $e); // expires with its lease instead
            }
        }
    }

    private function queueError(array &$counts, \Throwable $e): void
    {
        $counts['queue_errors']++;
        $counts['last_error'] = $e->getMessage();
    }

    private static function storable(mixed $result): mixed
    {
        if ($result === null || is_scalar($result) || is_array($result)) {
            return $result;
        }
        if ($result instanceof \JsonSerializable) {
            return $result->jsonSerialize();
        }
        return null;
    }

    private static function describe(Job $job, \Throwable $e): string
    {
        return self::reasoned('CONDUIT_PROCESSOR_JOB_FAILED', ['#ID#' => (string) $job->id, '#TYPE#' => $job->type, '#REASON#' => get_class($e) . ': ' . $e->getMessage()]);
    }

    /** A message to store: its code and parameters first, so a page in another language can show it in its own ({@see Reason}). */
    private static function reasoned(string $code, array $replace): string
    {
        return Reason::encode($code, $replace, self::msg($code, $replace));
    }

    private static function msg(string $code, array $replace = []): string
    {
        $message = Loc::getMessage($code, $replace);
        return $message === null || $message === '' ? $code . ' ' . json_encode($replace, JSON_UNESCAPED_UNICODE) : $message;
    }
}
