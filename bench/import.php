<?php
/**
 * `make bench-import` (bash bench/run.sh import): importing a big ERP catalog.
 *
 * The mock (CONDUIT_MOCK_URL, started by bench/run.sh) generates BENCH_IMPORT_N products
 * (default 500,000; about 600 bytes each as JSON) on the fly: GET /erp/catalog (JSON
 * `{"items":[…]}`) and ?format=xml (CommerceML import.xml). Each contender runs in its own
 * PHP process so its peak RSS (VmHWM from /proc/self/status) is its own:
 *
 *  - Conduit JSON: ApiClient::stream() → RecordStream::records('items[*]', $mapper, 1000);
 *  - PHP JSON: the body as one string (curl), json_decode($body, true), foreach mapping
 *    the same fields by hand;
 *  - Conduit XML: the same stream over import.xml, selector КоммерческаяИнформация/Каталог/Товары/Товар;
 *  - PHP XML: XMLReader over the URL, SimpleXML per <Товар> (readOuterXml +
 *    simplexml_load_string), as Bitrix's importers walk CommerceML;
 *  - mapMany vs a hand-written PHP loop on in-memory arrays (BENCH_MAPMANY_N records,
 *    default 20,000, 4 fields), best of 5.
 *
 * Every contender maps the same 6 fields (id, name trimmed/truncated, article, active
 * from a status map, price as a 2-digit decimal string, quantity as int) and adds up a
 * checksum; the checksums must agree. Prints a markdown table on stdout (progress on
 * stderr) with wall and CPU time (user + system of the contender's process; the mock's
 * work is in neither). Targets: Conduit ≥ 3× PHP's records/s, Conduit peak RSS < 64 MB.
 * BENCH_IMPORT_PARTS=json,xml,mapmany (default all).
 */
declare(strict_types=1);

const PRODUCTS = 'КоммерческаяИнформация/Каталог/Товары/Товар';

function peak_rss_mb(): float
{
    $status = (string) file_get_contents('/proc/self/status');
    return preg_match('/^VmHWM:\s+(\d+) kB/m', $status, $m) ? ((int) $m[1]) / 1024 : 0.0;
}

function json_mapper(): Conduit\Mapper
{
    return new Conduit\Mapper(['fields' => [
        'XML_ID' => ['from' => 'id', 'cast' => 'string', 'required' => true],
        'NAME' => ['from' => 'title', 'trim' => true, 'truncate' => 255],
        'ARTICLE' => 'sku',
        'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
        'PRICE' => ['from' => 'price.amount', 'cast' => 'decimal', 'scale' => 2],
        'QUANTITY' => ['from' => 'quantity', 'cast' => 'int'],
    ]]);
}

function xml_mapper(): Conduit\Mapper
{
    return new Conduit\Mapper(['fields' => [
        'XML_ID' => ['from' => 'Ид', 'required' => true],
        'NAME' => ['from' => 'Наименование', 'trim' => true, 'truncate' => 255],
        'ARTICLE' => 'Артикул',
        'ACTIVE' => ['from' => 'Статус', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
        'PRICE' => ['from' => 'ЗначенияСвойств.ЗначенияСвойства[1].Значение', 'cast' => 'decimal', 'scale' => 2],
        'QUANTITY' => ['from' => 'Группы.Ид', 'callback' => static fn ($v) => (int) substr((string) $v, 6)],
    ]]);
}

/** Checksum of a mapped row: the same for every contender. */
function row_sum(array $row): int
{
    return crc32($row['XML_ID'] . $row['NAME'] . $row['ACTIVE'] . $row['PRICE']) + $row['QUANTITY'];
}

function php_price(string|int|float $v): string
{
    return number_format((float) $v, 2, '.', '');
}

/** @return array{records: int, sum: int} */
function run_child(string $name, string $url, int $n): array
{
    $records = 0;
    $sum = 0;
    switch ($name) {
        case 'conduit-json':
            $client = new Conduit\ApiClient($url, ['timeout' => 60.0]);
            $stream = $client->stream('GET', '/erp/catalog', ['query' => ['n' => $n]])->records('items[*]', json_mapper(), 1000);
            foreach ($stream as $batch) {
                foreach ($batch as $row) {
                    $records++;
                    $sum += row_sum($row);
                }
            }
            break;
        case 'php-json':
            $ch = curl_init("$url/erp/catalog?n=$n");
            curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
            $body = (string) curl_exec($ch);
            curl_close($ch);
            $data = json_decode($body, true, 512, JSON_THROW_ON_ERROR);
            unset($body);
            foreach ($data['items'] as $r) {
                $row = [
                    'XML_ID' => (string) $r['id'],
                    'NAME' => mb_substr(trim($r['title']), 0, 255),
                    'ARTICLE' => $r['sku'] ?? null,
                    'ACTIVE' => ['active' => 'Y', 'archived' => 'N'][$r['status']] ?? 'N',
                    'PRICE' => php_price($r['price']['amount']),
                    'QUANTITY' => (int) $r['quantity'],
                ];
                $records++;
                $sum += row_sum($row);
            }
            break;
        case 'conduit-xml':
            $client = new Conduit\ApiClient($url, ['timeout' => 60.0]);
            $stream = $client->stream('GET', '/erp/catalog', ['query' => ['n' => $n, 'format' => 'xml']])->records(PRODUCTS, xml_mapper(), 1000);
            foreach ($stream as $batch) {
                foreach ($batch as $row) {
                    $records++;
                    $sum += row_sum($row);
                }
            }
            break;
        case 'php-xml':
            $reader = new XMLReader();
            $reader->open("$url/erp/catalog?n=$n&format=xml");
            while ($reader->read() && $reader->name !== 'Товар') {
            }
            while ($reader->name === 'Товар') {
                $x = simplexml_load_string($reader->readOuterXml());
                $row = [
                    'XML_ID' => (string) $x->Ид,
                    'NAME' => mb_substr(trim((string) $x->Наименование), 0, 255),
                    'ARTICLE' => (string) $x->Артикул,
                    'ACTIVE' => ['active' => 'Y', 'archived' => 'N'][(string) $x->Статус] ?? 'N',
                    'PRICE' => php_price((string) $x->ЗначенияСвойств->ЗначенияСвойства[1]->Значение),
                    'QUANTITY' => (int) substr((string) $x->Группы->Ид, 6),
                ];
                $records++;
                $sum += row_sum($row);
                $reader->next('Товар');
            }
            $reader->close();
            break;
        default:
            throw new InvalidArgumentException("unknown contender $name");
    }
    return ['records' => $records, 'sum' => $sum];
}

if (($argv[1] ?? '') === '--child') {
    $started = hrtime(true);
    $out = run_child($argv[2], $argv[3], (int) $argv[4]);
    $out['wall'] = (hrtime(true) - $started) / 1e9;
    // CPU time of this process (user + system): on a machine shared with other work
    // the wall time varies with the load, the CPU time much less.
    $ru = getrusage();
    $out['cpu'] = $ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6 + $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6;
    $out['rss'] = peak_rss_mb();
    $out['php_peak'] = memory_get_peak_usage() / 1048576;
    echo json_encode($out), "\n";
    exit(0);
}

if (!extension_loaded('conduit')) {
    fwrite(STDERR, "bench/import.php: the conduit extension is not loaded\n");
    exit(2);
}
$url = getenv('CONDUIT_MOCK_URL') ?: '';
if ($url === '') {
    fwrite(STDERR, "bench/import.php: CONDUIT_MOCK_URL is not set: run through bash bench/run.sh import\n");
    exit(2);
}
$n = (int) (getenv('BENCH_IMPORT_N') ?: 500_000);
$parts = explode(',', getenv('BENCH_IMPORT_PARTS') ?: 'json,xml,mapmany');

/** @return array{records: int, sum: int, wall: float, rss: float, php_peak: float} */
function child(string $name, string $url, int $n): array
{
    $ext = ini_get('extension_dir');
    $cmd = [PHP_BINARY, '-d', 'memory_limit=-1'];
    $loaded = array_map('strtolower', get_loaded_extensions());
    $so = getenv('CONDUIT_EXT') ?: dirname(__DIR__) . '/target/release/libconduit.so';
    exec(PHP_BINARY . ' -m', $mods);
    if (!in_array('conduit', $mods, true)) {
        array_push($cmd, '-d', "extension=$so");
    }
    array_push($cmd, __FILE__, '--child', $name, $url, (string) $n);
    fwrite(STDERR, "  $name … ");
    $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $stdout = stream_get_contents($pipes[1]);
    $stderr = stream_get_contents($pipes[2]);
    $code = proc_close($p);
    $res = json_decode((string) $stdout, true);
    if ($code !== 0 || !is_array($res)) {
        fwrite(STDERR, "failed ($code): $stderr $stdout\n");
        exit(1);
    }
    fwrite(STDERR, sprintf("%.1f s\n", $res['wall']));
    return $res;
}

$rows = [];
$fail = false;
foreach ([['json', 'conduit-json', 'php-json', 'JSON (`{"items":[…]}`)'], ['xml', 'conduit-xml', 'php-xml', 'CommerceML import.xml']] as [$part, $ours, $theirs, $label]) {
    if (!in_array($part, $parts, true)) {
        continue;
    }
    fwrite(STDERR, "$label, $n products:\n");
    $a = child($ours, $url, $n);
    $b = child($theirs, $url, $n);
    if ($a['records'] !== $n || $b['records'] !== $n || $a['sum'] !== $b['sum']) {
        fwrite(STDERR, "  MISMATCH: records {$a['records']} vs {$b['records']}, checksum {$a['sum']} vs {$b['sum']}\n");
        $fail = true;
    }
    $speedup = $b['wall'] / max($a['wall'], 1e-9);
    $cpuSpeedup = $b['cpu'] / max($a['cpu'], 1e-9);
    $rows[] = [$label, 'Conduit stream + Mapper', $a, sprintf('%.2f×', $speedup), sprintf('%.2f×', $cpuSpeedup)];
    $rows[] = [$label, $theirs === 'php-json' ? 'PHP: json_decode + foreach' : 'PHP: XMLReader + SimpleXML', $b, '1×', '1×'];
    $verdict[] = sprintf('%s: %.2f× PHP by wall time, %.2f× by CPU time (target ≥ 3×: %s), Conduit peak RSS %.1f MB (target < 64 MB: %s)', $label, $speedup, $cpuSpeedup, $speedup >= 3 ? 'met' : 'MISS', $a['rss'], $a['rss'] < 64 ? 'met' : 'MISS');
}

echo "\n## Catalog import, $n products (mock ERP on localhost, one PHP process per contender)\n\n";
echo "| format | contender | records | wall, s | records/s | CPU, s | peak RSS, MB | PHP peak memory, MB | vs PHP (wall) | vs PHP (CPU) |\n";
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
foreach ($rows as [$label, $who, $r, $x, $xc]) {
    printf("| %s | %s | %d | %.2f | %s | %.2f | %.1f | %.1f | %s | %s |\n", $label, $who, $r['records'], $r['wall'], number_format($r['records'] / max($r['wall'], 1e-9), 0, '.', ','), $r['cpu'], $r['rss'], $r['php_peak'], $x, $xc);
}
echo "\n";
foreach ($verdict ?? [] as $v) {
    echo "- $v\n";
}

if (in_array('mapmany', $parts, true)) {
    $m = (int) (getenv('BENCH_MAPMANY_N') ?: 20_000);
    $records = [];
    for ($i = 0; $i < $m; $i++) {
        $records[] = ['id' => $i, 'title' => "  Товар №$i ", 'status' => $i % 10 === 9 ? 'archived' : 'active', 'quantity' => (string) ($i % 50), 'extra' => str_repeat('x', 40)];
    }
    $mapper = new Conduit\Mapper(['fields' => [
        'XML_ID' => ['from' => 'id', 'cast' => 'string'],
        'NAME' => ['from' => 'title', 'trim' => true],
        'ACTIVE' => ['from' => 'status', 'map' => ['active' => 'Y', 'archived' => 'N'], 'map_default' => 'N'],
        'QUANTITY' => ['from' => 'quantity', 'cast' => 'int'],
    ]]);
    $loop = static function (array $records): array {
        $out = [];
        foreach ($records as $k => $r) {
            $out[$k] = [
                'XML_ID' => (string) $r['id'],
                'NAME' => trim($r['title']),
                'ACTIVE' => ['active' => 'Y', 'archived' => 'N'][$r['status']] ?? 'N',
                'QUANTITY' => (int) $r['quantity'],
            ];
        }
        return $out;
    };
    if ($mapper->mapMany($records) !== $loop($records)) {
        fwrite(STDERR, "mapMany and the PHP loop disagree\n");
        $fail = true;
    }
    // Best of 5 each, the two contenders alternating, so a burst of load on the
    // shared machine hits both rather than one.
    $tm = $tl = INF;
    for ($k = 0; $k < 5; $k++) {
        $s = hrtime(true);
        $mapper->mapMany($records);
        $tm = min($tm, (hrtime(true) - $s) / 1e6);
        $s = hrtime(true);
        $loop($records);
        $tl = min($tl, (hrtime(true) - $s) / 1e6);
    }
    echo "\n## In-memory arrays, $m records × 4 fields (best of 5)\n\n";
    echo "| contender | ms | records/s | vs PHP loop |\n|---|---:|---:|---:|\n";
    printf("| Mapper::mapMany | %.1f | %s | %.2f× |\n", $tm, number_format($m / ($tm / 1000), 0, '.', ','), $tl / $tm);
    printf("| hand-written PHP foreach | %.1f | %s | 1× |\n", $tl, number_format($m / ($tl / 1000), 0, '.', ','));
}
exit($fail ? 1 : 0);
