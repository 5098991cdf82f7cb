<?php
/**
 * Child processes for the store suites: each mode is one role a real deployment has
 * (a web request pushing, a cron worker, a worker that crashes…).
 *
 *   push-and-die DSN                    push one job, print its id, SIGKILL itself
 *   claim-and-die DSN LIMIT LEASE_S     claim, print the ids, SIGKILL itself
 *   worker DSN OUT_FILE UNTIL_TS        claim+ack until UNTIL_TS, then drain; logs "id pid" per claim
 *   producer DSN COUNT SECONDS          push COUNT jobs spread over SECONDS (batches of 10)
 *   log-and-exit DSN COUNT SECRET       queue COUNT log records and exit without flush()
 *   log-fork DSN COUNT                  log COUNT, fork; child and parent each log COUNT more
 *   sqlite-lock PATH SECONDS            hold SQLite's write lock for SECONDS
 */
declare(strict_types=1);

use Conduit\RequestLog;
use Conduit\Store;
use Conduit\SyncQueue;

[$self, $mode] = [$argv[0], $argv[1] ?? ''];
$args = array_slice($argv, 2);

function logEntry(int $i, string $secret): array
{
    return [
        'method' => 'POST',
        'url' => "https://erp.example.com/api/orders/$i?api_key=$secret",
        'status' => $i % 7 === 0 ? 503 : 200,
        'duration_ms' => $i % 50,
        'request_headers' => ['Authorization' => "Bearer $secret", 'X-Request' => (string) $i],
        'request_body' => json_encode(['order' => $i, 'password' => $secret]),
        'response_body' => "echo: $secret",
        'correlation_id' => "c-$i",
    ];
}

switch ($mode) {
    case 'push-and-die':
        $q = new SyncQueue(new Store($args[0]));
        $id = $q->push('durable', ['pid' => getmypid()]);
        echo $id, "\n";
        fflush(STDOUT);
        posix_kill(getmypid(), SIGKILL);
        break;

    case 'claim-and-die':
        $q = new SyncQueue(new Store($args[0]));
        $jobs = $q->claim((int) $args[1], ['lease_s' => (float) $args[2]]);
        echo implode(' ', array_map(fn($j) => $j->id, $jobs)), "\n";
        fflush(STDOUT);
        posix_kill(getmypid(), SIGKILL);
        break;

    case 'worker':
        [$dsn, $out, $until] = [$args[0], $args[1], (float) $args[2]];
        $q = new SyncQueue(new Store($dsn));
        $fh = fopen($out, 'w');
        $empty = 0;
        while (microtime(true) < $until || $empty < 3) {
            $jobs = $q->claim(10, ['lease_s' => 120]);
            if (!$jobs) {
                $empty++;
                usleep(20_000);
                continue;
            }
            $empty = 0;
            foreach ($jobs as $job) {
                fwrite($fh, $job->id . ' ' . getmypid() . ' ' . $job->attempts . "\n");
                $q->ack($job->id, ['by' => getmypid()]);
            }
        }
        fclose($fh);
        break;

    case 'producer':
        [$dsn, $count, $seconds] = [$args[0], (int) $args[1], (float) $args[2]];
        $q = new SyncQueue(new Store($dsn));
        $start = microtime(true);
        for ($i = 0; $i < $count; $i += 10) {
            $batch = [];
            for ($k = $i; $k < min($count, $i + 10); $k++) {
                $batch[] = ['concurrent', ['n' => $k]];
            }
            $q->pushMany($batch);
            $due = $start + $seconds * ($i + 10) / $count;
            if (($wait = $due - microtime(true)) > 0) {
                usleep((int) ($wait * 1e6));
            }
        }
        echo "pushed $count\n";
        break;

    case 'log-and-exit':
        [$dsn, $count, $secret] = [$args[0], (int) $args[1], $args[2]];
        $store = new Store($dsn, ['log_flush_interval_s' => 30]);   // only shutdown can write them
        $log = new RequestLog($store);
        for ($i = 0; $i < $count; $i++) {
            $log->record(logEntry($i, $secret), ['secrets' => [$secret]]);
        }
        echo json_encode($log->writerStats()), "\n";
        exit(0);

    case 'log-fork':
        [$dsn, $count] = [$args[0], (int) $args[1]];
        $store = new Store($dsn);
        $log = new RequestLog($store);
        $write = function (string $who) use ($log, $count): void {
            for ($i = 0; $i < $count; $i++) {
                $log->record(['method' => 'GET', 'url' => "https://x.test/$who/$i", 'correlation_id' => "$who-$i"]);
            }
            $log->flush();
        };
        $write('before');
        $pid = pcntl_fork();
        if ($pid === 0) {
            $write('child');
            exit(0);
        }
        pcntl_waitpid($pid, $status);
        $write('parent');
        echo pcntl_wexitstatus($status), "\n";
        break;

    case 'sqlite-lock':
        $pdo = new PDO('sqlite:' . $args[0]);
        $pdo->exec('BEGIN EXCLUSIVE');
        echo "locked\n";
        fflush(STDOUT);
        usleep((int) ((float) $args[1] * 1e6));
        $pdo->exec('COMMIT');
        break;

    default:
        fwrite(STDERR, "unknown mode '$mode'\n");
        exit(2);
}
