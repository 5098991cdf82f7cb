<?php
/**
 * Holds a database lock on one job row for a while, for DeliveryDatabaseStallTest.
 *
 *   php hold-job-lock.php DSN TABLE JOB_ID SECONDS
 *
 * Waits until job JOB_ID is `running` (the runner claimed it), then takes the lock
 * the runner's next statement on that job must wait for — MariaDB and PostgreSQL:
 * `SELECT … FOR UPDATE` on the row in an open transaction; SQLite: the database's write lock
 * (`BEGIN IMMEDIATE`) — holds it SECONDS and commits. Prints "locked <unix time>"
 * and "released <unix time>"; exits 3 if the job was not claimed within 20 s.
 */
declare(strict_types=1);

[, $dsn, $table, $jobId, $seconds] = $argv;
$jobId = (int) $jobId;
if (str_starts_with($dsn, 'sqlite://')) {
    $pdo = new PDO('sqlite:' . substr($dsn, strlen('sqlite://')), null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $pdo->exec('PRAGMA busy_timeout = 5000');
    $lock = fn () => $pdo->exec('BEGIN IMMEDIATE');
} elseif (str_starts_with($dsn, 'postgres://') || str_starts_with($dsn, 'postgresql://')) {
    $u = parse_url($dsn);
    $pdo = new PDO(
        sprintf('pgsql:host=%s;port=%d;dbname=%s', $u['host'], $u['port'] ?? 5432, ltrim($u['path'], '/')),
        $u['user'] ?? 'postgres',
        $u['pass'] ?? null,
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
    );
    $lock = function () use ($pdo, $table, $jobId): void {
        $pdo->beginTransaction();
        $pdo->query("SELECT id FROM $table WHERE id = $jobId FOR UPDATE")->fetchAll();
    };
} else {
    $u = parse_url($dsn);
    $pdo = new PDO(
        sprintf('mysql:host=%s;port=%d;dbname=%s', $u['host'], $u['port'] ?? 3306, ltrim($u['path'], '/')),
        $u['user'] ?? 'root',
        $u['pass'] ?? '',
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
    );
    $lock = function () use ($pdo, $table, $jobId): void {
        $pdo->beginTransaction();
        $pdo->query("SELECT id FROM `$table` WHERE id = $jobId FOR UPDATE")->fetchAll();
    };
}
$deadline = microtime(true) + 20;
while ($pdo->query("SELECT status FROM $table WHERE id = $jobId")->fetchColumn() !== 'running') {
    if (microtime(true) > $deadline) {
        fwrite(STDERR, "job $jobId was not claimed within 20 s\n");
        exit(3);
    }
    usleep(5_000);
}
$lock();
printf("locked %.6f\n", microtime(true));
fflush(STDOUT);
usleep((int) ((float) $seconds * 1e6));
$pdo->exec('COMMIT');
printf("released %.6f\n", microtime(true));
