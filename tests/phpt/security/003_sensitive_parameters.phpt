--TEST--
Constructor option arrays and SecretBox::encrypt()'s plaintext are #[\SensitiveParameter], from the very first call of a process
--EXTENSIONS--
conduit
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
// The first construction in this process fails: its trace must already hide the key.
try {
    new Conduit\SecretBox(['keys' => ['k1' => ['key' => 'VISIBLE-KEY']]]);
} catch (Conduit\ConfigException $e) {
    echo $e->getTraceAsString(), "\n";
    var_dump(str_contains(print_r($e->getTrace(), true), 'VISIBLE-KEY'));
}
try {
    new Conduit\WebhookSecurity(['scheme' => 'hmac', 'secrets' => ['VISIBLE-SECRET'], 'tolerance_s' => 0]);
} catch (Conduit\ConfigException $e) {
    echo $e->getTraceAsString(), "\n";
    var_dump(str_contains(print_r($e->getTrace(), true), 'VISIBLE-SECRET'));
}
// Constructing many objects marks each parameter once, and only the sensitive ones.
for ($i = 0; $i < 100; $i++) {
    new Conduit\SecretBox(['keys' => ['k' => str_repeat('A', 43) . '=']]);
}
$encrypt = (new ReflectionMethod('Conduit\SecretBox', 'encrypt'))->getParameters();
echo count($encrypt[0]->getAttributes()), ' ', count($encrypt[1]->getAttributes()), "\n";
// The attribute is added when the class is first used (ext-php-rs cannot declare
// parameter attributes), so Reflection shows it from then on.
foreach ([['Conduit\SecretBox', '__construct'], ['Conduit\SecretBox', 'encrypt'], ['Conduit\WebhookSecurity', '__construct']] as [$class, $method]) {
    $param = (new ReflectionMethod($class, $method))->getParameters()[0];
    echo "$class::$method \$", $param->getName(), ': ', implode(', ', array_map(fn ($a) => $a->getName(), $param->getAttributes())), "\n";
}
?>
--EXPECTF--
#0 %s(%d): Conduit\SecretBox->__construct(Object(SensitiveParameterValue))
#1 {main}
bool(false)
#0 %s(%d): Conduit\WebhookSecurity->__construct(Object(SensitiveParameterValue))
#1 {main}
bool(false)
1 0
Conduit\SecretBox::__construct $keyring: SensitiveParameter
Conduit\SecretBox::encrypt $plain: SensitiveParameter
Conduit\WebhookSecurity::__construct $config: SensitiveParameter
