<?php
declare(strict_types=1);

namespace Conduit\Tests\Http;

use Conduit\ApiClient;
use Conduit\ApiException;
use Conduit\Response;
use Conduit\Tests\Support\MockApi;
use PHPUnit\Framework\TestCase;

/**
 * Leak regression: 100,000 send() calls over one keep-alive connection, mixed with
 * thrown-and-caught ApiExceptions and sendMany batches (Response and exception
 * objects in one result array). After a warm-up, PHP's heap must stay flat and the
 * process RSS (Rust allocations included) may grow by less than 5 MB.
 *
 * @group slow
 */
final class MemoryTest extends TestCase
{
    private const CALLS = 100_000;
    private const WARMUP = 5_000;
    private const MAX_HEAP_GROWTH = 100 * 1024;       // bytes, memory_get_usage()
    private const MAX_RSS_GROWTH = 5 * 1024 * 1024;   // bytes, VmRSS

    public function testHundredThousandSendsKeepMemoryFlat(): void
    {
        $mock = MockApi::get();
        $prefix = MockApi::prefix();
        // max_attempts 1: a 500 is thrown at once (no backoff sleeps in the loop).
        $client = new ApiClient($mock->url(), ['retry' => ['max_attempts' => 1], 'timeout' => 10.0]);

        $counts = ['ok' => 0, 'thrown' => 0, 'batches' => 0, 'batch_ok' => 0, 'batch_err' => 0, 'connections' => []];
        $heapBase = $rssBase = 0;
        $started = microtime(true);

        for ($i = 1; $i <= self::CALLS; $i++) {
            $this->iteration($client, $prefix, $i, $counts);
            if ($i === self::WARMUP) {
                gc_collect_cycles();
                $heapBase = memory_get_usage();
                $rssBase = self::rss();
            }
        }
        gc_collect_cycles();
        $heapGrowth = memory_get_usage() - $heapBase;
        $rssGrowth = self::rss() - $rssBase;
        $seconds = microtime(true) - $started;

        $summary = sprintf(
            '%d send() calls (%d ok, %d ApiException caught), %d sendMany batches (%d responses, %d exception objects) in %.1f s; '
            . 'heap %+d B after warm-up (now %d B), RSS %+d KB (now %d KB)',
            self::CALLS, $counts['ok'], $counts['thrown'], $counts['batches'], $counts['batch_ok'], $counts['batch_err'],
            $seconds, $heapGrowth, memory_get_usage(), intdiv($rssGrowth, 1024), intdiv(self::rss(), 1024),
        );

        self::assertSame(self::CALLS / 10, $counts['thrown'], $summary);
        self::assertSame(self::CALLS - self::CALLS / 10, $counts['ok'], $summary);
        self::assertLessThan(self::MAX_HEAP_GROWTH, $heapGrowth, "memory_get_usage() grew: $summary");
        self::assertLessThan(self::MAX_RSS_GROWTH, $rssGrowth, "RSS grew: $summary");

        if (getenv('CONDUIT_TEST_VERBOSE')) {
            fwrite(STDERR, "\nMemoryTest: $summary\n");
        }

        self::assertSame(self::CALLS + $counts['batch_ok'] + $counts['batch_err'], $this->mockRequests($prefix), $summary);
        // The whole run went over the keep-alive pool, not a connection per call: at
        // most the batches' 5 concurrent connections plus one.
        self::assertLessThanOrEqual(6, count($counts['connections']), 'connections used: ' . implode(',', array_keys($counts['connections'])));
    }

    /** @param array<string, int> $counts */
    private function iteration(ApiClient $client, string $prefix, int $i, array &$counts): void
    {
        if ($i % 10 === 0) {
            try {
                $client->send('POST', "$prefix/seq/fail", ['headers' => ['X-Mock-Status' => '500'], 'json' => ['i' => $i]]);
                self::fail("call $i: a 500 must throw");
            } catch (ApiException $e) {
                if ($e->getStatusCode() !== 500 || $e->getAttempts() !== 1 || $e->getResponseBody() === '') {
                    self::fail("call $i: unexpected " . $e->getStatusCode() . ' / ' . $e->getAttempts());
                }
                $counts['thrown']++;
            }
        } else {
            $response = $client->send('GET', "$prefix/seq/ok", ['query' => ['i' => $i], 'headers' => ['X-Loop' => 'memory']]);
            if ($response->getStatus() !== 200) {
                self::fail("call $i: status " . $response->getStatus());
            }
            // Exercise the conversions too: headers array, body string, JSON decode.
            if ($i % 3 === 0) {
                $response->getHeaders();
                $response->getBody();
            } elseif ($i % 3 === 1 && ($response->json()['query'] ?? null) !== "i=$i") {
                self::fail("call $i: echo mismatch");
            }
            $counts['ok']++;
            $counts['connections'][(int) $response->getHeader('x-mock-connection-id')] = true;
        }

        if ($i % 1_000 === 0) {
            // One failing entry per batch: its exception object sits in the results.
            $batch = [];
            for ($k = 0; $k < 9; $k++) {
                $batch[] = ['GET', "$prefix/batch/$k", ['query' => ['i' => $i]]];
            }
            $batch[] = ['method' => 'GET', 'path' => "$prefix/batch/fail", 'options' => ['headers' => ['X-Mock-Status' => '500']]];
            foreach ($client->sendMany($batch, ['concurrency' => 5]) as $k => $result) {
                if ($result instanceof Response && $result->getStatus() === 200) {
                    $counts['batch_ok']++;
                } elseif ($k === 9 && $result instanceof ApiException && $result->getStatusCode() === 500) {
                    $counts['batch_err']++;
                } else {
                    self::fail("batch at $i, entry $k: " . get_debug_type($result));
                }
            }
            $counts['batches']++;
        }
    }

    private function mockRequests(string $prefix): int
    {
        return MockApi::get()->stats($prefix)['requests'];
    }

    private static function rss(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        if (!preg_match('/^VmRSS:\s+(\d+)\s+kB/m', $status, $m)) {
            self::markTestSkipped('no VmRSS in /proc/self/status');
        }
        return (int) $m[1] * 1024;
    }
}
