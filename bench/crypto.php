<?php
/**
 * make bench-crypto: Conduit\WebhookSecurity and Conduit\SecretBox against the
 * same work done in plain PHP (bench/baselines/plain_php.php).
 *
 *   php -d extension=target/release/libconduit.so bench/crypto.php [iterations] [rounds]
 *
 * Each row is timed `rounds` times (default 3) over `iterations` operations
 * (default 100,000) and the best round is kept, which filters out noise from
 * other processes on a small machine. Prints a markdown table: operations per
 * second and the ratio Conduit / PHP (above 1.00 means Conduit is faster).
 */
declare(strict_types=1);

require __DIR__ . '/baselines/plain_php.php';

if (!extension_loaded('conduit')) {
    fwrite(STDERR, "load the extension: php -d extension=target/release/libconduit.so bench/crypto.php\n");
    exit(1);
}

$iterations = (int) ($argv[1] ?? 100000);
$rounds = max(1, (int) ($argv[2] ?? 3));

/** Runs $fn $n times per round after a short warm-up; returns the best round's operations per second. */
function opsPerSecond(int $n, callable $fn): float
{
    global $rounds;
    for ($i = 0; $i < min(1000, $n); $i++) {
        $fn();
    }
    $best = 0.0;
    for ($round = 0; $round < $rounds; $round++) {
        $start = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $fn();
        }
        $best = max($best, $n / ((hrtime(true) - $start) / 1e9));
    }
    return $best;
}

// --- Webhooks: a 2 KiB JSON body, Standard Webhooks v1 -------------------------
$secret = 'whsec_' . base64_encode(random_bytes(32));
$items = [];
for ($i = 0; strlen(json_encode($items)) < 1900; $i++) {
    $items[] = ['sku' => sprintf('SKU-%05d', $i), 'qty' => $i % 7 + 1, 'price' => 1999 + $i, 'title' => "Item number $i"];
}
$body = json_encode(['type' => 'order.paid', 'data' => ['order_id' => 4242, 'items' => $items]]);
$body .= str_repeat(' ', max(0, 2048 - strlen($body)));
$now = time();
$hooks = new Conduit\WebhookSecurity(['scheme' => 'standard', 'secrets' => [$secret]]);
$headers = $hooks->sign($body, 'msg_bench', $now);
$plainHooks = new PlainStandardWebhook($secret);

// Both sides must agree before being timed.
if ($hooks->verify($body, $headers, $now)->getPayload() !== $plainHooks->verify($body, $headers, $now)) {
    fwrite(STDERR, "baseline and extension disagree\n");
    exit(1);
}

$rows = [];
$rows[] = [
    sprintf('Standard Webhooks verify + decode, %d B body', strlen($body)),
    opsPerSecond($iterations, fn () => $hooks->verify($body, $headers, $now)->getPayload()),
    opsPerSecond($iterations, fn () => $plainHooks->verify($body, $headers, $now)),
];
$rows[] = [
    'Standard Webhooks verify only (payload not decoded)',
    opsPerSecond($iterations, fn () => $hooks->verify($body, $headers, $now)),
    null,
];

// --- Secrets: short API keys, AES-256-GCM ---------------------------------------
$key = Conduit\SecretBox::generateKey();
$box = new Conduit\SecretBox(['keys' => ['k1' => ['key' => $key]]]);
$plainBox = new PlainAesGcm('k1', base64_decode($key));
$apiKey = 'sk_live_' . bin2hex(random_bytes(16));
$sealed = $box->encrypt($apiKey, 'erp.token');
$plainSealed = $plainBox->encrypt($apiKey, 'erp.token');
// Same format both ways: each decrypts the other's output.
if ($box->decrypt($plainSealed, 'erp.token') !== $apiKey || $plainBox->decrypt($sealed, 'erp.token') !== $apiKey) {
    fwrite(STDERR, "baseline and extension formats disagree\n");
    exit(1);
}
$rows[] = [
    sprintf('SecretBox encrypt, %d B secret', strlen($apiKey)),
    opsPerSecond($iterations, fn () => $box->encrypt($apiKey, 'erp.token')),
    opsPerSecond($iterations, fn () => $plainBox->encrypt($apiKey, 'erp.token')),
];
$rows[] = [
    sprintf('SecretBox decrypt, %d B secret', strlen($apiKey)),
    opsPerSecond($iterations, fn () => $box->decrypt($sealed, 'erp.token')),
    opsPerSecond($iterations, fn () => $plainBox->decrypt($plainSealed, 'erp.token')),
];

printf("PHP %s, %s, best of %d rounds of %d operations per row\n\n", PHP_VERSION, php_uname('m'), $rounds, $iterations);
echo "| operation | Conduit ops/s | plain PHP ops/s | Conduit / PHP |\n";
echo "|---|---:|---:|---:|\n";
foreach ($rows as [$name, $conduit, $php]) {
    printf(
        "| %s | %s | %s | %s |\n",
        $name,
        number_format($conduit),
        $php === null ? '—' : number_format($php),
        $php === null ? '—' : sprintf('%.2f×', $conduit / $php)
    );
}
