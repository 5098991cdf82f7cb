<?php
/**
 * Prints the `Conduit\` API as JSON: classes (final or not), parents, interfaces,
 * constants and the methods each class declares itself (name, static, return type,
 * parameter names).
 *
 * Run with the extension loaded to describe the extension, or without it and with
 * the stub file as argument to describe the stubs.
 */
declare(strict_types=1);

function describe_conduit_api(?string $stubFile): array
{
if ($stubFile !== null) {
    if (extension_loaded('conduit')) {
        throw new RuntimeException('describe the stubs in a process without the extension');
    }
    require $stubFile;
    $classes = array_filter(
        array_merge(get_declared_classes(), get_declared_interfaces()),
        fn (string $c) => str_starts_with($c, 'Conduit\\')
    );
} else {
    $classes = array_keys((new ReflectionExtension('conduit'))->getClasses());
}

$api = [];
foreach ($classes as $name) {
    $class = new ReflectionClass($name);
    $methods = [];
    foreach ($class->getMethods() as $method) {
        if ($method->getDeclaringClass()->getName() !== $class->getName()) {
            continue;
        }
        $methods[$method->getName()] = [
            'static' => $method->isStatic(),
            'return' => $method->hasReturnType() ? (string) $method->getReturnType()
                : ($method->hasTentativeReturnType() ? (string) $method->getTentativeReturnType() : null),
            'params' => array_map(
                fn (ReflectionParameter $p) => $p->getName() . ($p->isOptional() ? '?' : '') . ($p->isVariadic() ? '...' : ''),
                $method->getParameters()
            ),
        ];
    }
    ksort($methods);
    $interfaces = $class->getInterfaceNames();
    sort($interfaces);
    $constants = array_map(fn (ReflectionClassConstant $c) => $c->getName(), $class->getReflectionConstants());
    sort($constants);
    $api[$class->getName()] = [
        'kind' => $class->isInterface() ? 'interface' : 'class',
        'final' => $class->isFinal(),
        'parent' => $class->getParentClass() ? $class->getParentClass()->getName() : null,
        'interfaces' => $interfaces,
        'constants' => $constants,
        'methods' => $methods,
    ];
}
ksort($api);
return $api;
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    echo json_encode(describe_conduit_api($argv[1] ?? null), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
}
