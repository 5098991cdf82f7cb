<?php

namespace Conduit\Integration\Gateway;

use Bitrix\Main\Localization\Loc;
use Conduit\ApiClient;
use Conduit\Integration\Deliveries;
use Conduit\Integration\Services;
use Conduit\Mapper;
use Conduit\TransportException;

Loc::loadMessages(__FILE__);

/**
 * The base of an API gateway: one class per external system, one method per endpoint,
 * over a named connection of the module (Settings::saveConnection(), the settings page).
 *
 * - {@see call()}: a synchronous call, DTO in, DTO out, through the connection's client
 *   (its auth, retries, rate limit, breaker and request log).
 * - {@see enqueue()}: the same call as a queued delivery (Deliveries::push) with an
 *   idempotency key derived from the business key, so a re-sent order is one order at
 *   the ERP, and a dedupe key so it is one job here.
 * - {@see import()}: a streamed export read in batches (ApiClient::stream), each batch
 *   handed to a callback; a connection lost mid-stream is resumed from the records
 *   delivered when the endpoint takes an offset parameter.
 *
 * See lib/gateway/example/erpgateway.php and docs/gateways.md.
 */
abstract class AbstractGateway
{
    /** The connection used when none is given to the constructor. */
    protected const CONNECTION = 'default';

    protected readonly string $connection;

    public function __construct(?string $connection = null)
    {
        $this->connection = $connection ?? static::CONNECTION;
    }

    public function connection(): string
    {
        return $this->connection;
    }

    /** The connection's client (one per process, see Services::client()). */
    protected function client(): ApiClient
    {
        return Services::client($this->connection);
    }

    /**
     * Sends `$request` (its toArray() as JSON) and returns the answer as `$into`,
     * built with `$into::fromArray()` from the JSON body, mapped by `$mapper` first
     * when given. Without `$into` the decoded body is returned.
     *
     * @template T of Dto
     * @param class-string<T>|null $into
     * @param array<string, mixed> $options request options (query, headers, timeout, idempotency_key)
     * @return ($into is null ? mixed : T)
     * @throws \Conduit\ApiException|\Conduit\TransportException|\Conduit\MappingException
     */
    protected function call(string $method, string $path, Dto|array|null $request = null, ?string $into = null, ?Mapper $mapper = null, array $options = []): mixed
    {
        if ($request !== null) {
            $options['json'] = $request instanceof Dto ? $request->toArray() : $request;
        }
        $data = $this->client()->request($method, $path, $options);
        if ($into === null) {
            return $data;
        }
        if (!is_array($data)) {
            throw new GatewayException(Loc::getMessage('CONDUIT_GATEWAY_NOT_AN_OBJECT', ['#METHOD#' => $method, '#PATH#' => $path]) ?: "$method $path did not answer with a JSON object.");
        }
        return $into::fromArray($mapper !== null ? $mapper->map($data) : $data);
    }

    /**
     * Queues `$request` as a delivery through this gateway's connection and returns the
     * job id. `$businessKey` names the business object ("order:1234"): the job's
     * dedupe key, and the source of its idempotency key ({@see idempotencyKey()}).
     *
     * @param array<string, mixed> $options Deliveries::push() options (delay_s, priority, …)
     */
    protected function enqueue(string $method, string $path, Dto|array $request, string $businessKey, array $options = []): int
    {
        return Deliveries::push($this->connection, $method, $path, $options + [
            'json' => $request instanceof Dto ? $request->toArray() : $request,
            'idempotency_key' => $this->idempotencyKey($method, $path, $businessKey),
            'dedupe_key' => $this->connection . ':' . $businessKey,
        ]);
    }

    /**
     * The same business key always gives the same key (for this connection, method and
     * path), so the ERP can recognise a repeated request whichever process sent it.
     */
    public function idempotencyKey(string $method, string $path, string $businessKey): string
    {
        return 'conduit-' . substr(hash('sha256', implode("\0", [$this->connection, strtoupper($method), $path, $businessKey])), 0, 40);
    }

    /**
     * Streams `GET $path` and calls `$onBatch(list<array> $rows, int $offset)` for every
     * batch of up to `batch` records mapped by `$mapper` (records failing it are skipped
     * and reported in the result, unless `fail_fast`). `$offset` is the position of the
     * batch's first record in the export.
     *
     * Options: `query`, `headers`, `format`, `batch` (500), `fail_fast`, `idle_timeout`,
     * and for resuming: `offset_param` (the endpoint's query parameter for the first
     * record, e.g. "offset") and `resume_attempts` (3). Without `offset_param` a lost
     * connection is a TransportException (getRecordsDelivered() says how far it got).
     *
     * @param callable(list<array<string, mixed>>, int): void $onBatch
     * @param array<string, mixed> $options
     * @throws TransportException|\Conduit\MappingException|\Conduit\ApiException
     */
    protected function import(string $path, string $selector, ?Mapper $mapper, callable $onBatch, array $options = []): ImportResult
    {
        $batch = (int) ($options['batch'] ?? 500);
        $offsetParam = $options['offset_param'] ?? null;
        $resumes = (int) ($options['resume_attempts'] ?? 3);
        $query = (array) ($options['query'] ?? []);
        $request = array_intersect_key($options, array_flip(['headers', 'format', 'fail_fast', 'idle_timeout', 'timeout']));
        $result = new ImportResult(0, 0, 0, 0);
        $start = (int) ($offsetParam !== null ? ($query[$offsetParam] ?? 0) : 0);
        $resumedAt = null;
        while (true) {
            if ($offsetParam !== null) {
                $query[$offsetParam] = $start;
            }
            $stream = $this->client()->stream('GET', $path, $request + ['query' => $query]);
            $stream->records($selector, $mapper, $batch);
            $offset = $start;
            try {
                foreach ($stream as $rows) {
                    $onBatch($rows, $offset);
                    $offset = $start + $stream->getRecordsDelivered();
                }
                return $result->plus($stream->getStats(), $stream->getErrors(), $resumedAt);
            } catch (TransportException $e) {
                $delivered = $e->getRecordsDelivered();
                if ($offsetParam === null || $delivered === null || $resumes-- <= 0) {
                    throw $e;
                }
                $result = $result->plus($stream->getStats(), $stream->getErrors(), $resumedAt);
                $start += $delivered;
                $resumedAt = $start;
            }
        }
    }
}
