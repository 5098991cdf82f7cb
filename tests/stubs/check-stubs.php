<?php
/**
 * Fails when stubs/conduit.stubs.php and the loaded extension disagree on any class,
 * its finality, parent, interface, constant, method, return type or parameter name. Usage (extension loaded):
 *   php -d extension=target/release/libconduit.so tests/stubs/check-stubs.php stubs/conduit.stubs.php
 */
declare(strict_types=1);

$stubs = $argv[1] ?? dirname(__DIR__, 2) . '/stubs/conduit.stubs.php';
if (!extension_loaded('conduit')) {
    fwrite(STDERR, "load the extension: php -d extension=…/libconduit.so\n");
    exit(2);
}
exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__DIR__ . '/describe-api.php') . ' ' . escapeshellarg($stubs), $out, $code);
if ($code !== 0) {
    fwrite(STDERR, "cannot describe the stubs (exit $code)\n");
    exit(1);
}
$fromStubs = json_decode(implode("\n", $out), true);
require __DIR__ . '/describe-api.php';
$fromExtension = describe_conduit_api(null);

$differences = [];
foreach (array_unique(array_merge(array_keys($fromStubs), array_keys($fromExtension))) as $class) {
    $s = $fromStubs[$class] ?? null;
    $e = $fromExtension[$class] ?? null;
    if ($s === null || $e === null) {
        $differences[] = "$class: " . ($s === null ? 'missing from the stubs' : 'in the stubs but not in the extension');
        continue;
    }
    foreach (['kind', 'final', 'parent', 'interfaces', 'constants'] as $field) {
        if ($s[$field] !== $e[$field]) {
            $differences[] = "$class $field: stubs " . json_encode($s[$field]) . ', extension ' . json_encode($e[$field]);
        }
    }
    foreach (array_unique(array_merge(array_keys($s['methods']), array_keys($e['methods']))) as $method) {
        $sm = $s['methods'][$method] ?? null;
        $em = $e['methods'][$method] ?? null;
        if ($sm !== $em) {
            $differences[] = "$class::$method(): stubs " . json_encode($sm) . ', extension ' . json_encode($em);
        }
    }
}

if ($differences) {
    echo "Stubs differ from the extension:\n - ", implode("\n - ", $differences), "\n";
    exit(1);
}
printf("Stubs match the extension: %d classes and interfaces.\n", count($fromExtension));
