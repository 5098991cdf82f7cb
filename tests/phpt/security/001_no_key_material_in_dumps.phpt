--TEST--
WebhookSecurity and SecretBox show no key material in var_dump, print_r, var_export, json_encode; serialize and clone are refused
--EXTENSIONS--
conduit
--FILE--
<?php
$key = base64_encode(str_repeat('K', 32));
$box = new Conduit\SecretBox(['keys' => ['k1' => ['key' => $key]]]);
$hooks = new Conduit\WebhookSecurity(['scheme' => 'stripe', 'secrets' => ['whsec_PHPT_SECRET']]);
var_dump($box, $hooks);
print_r($box); echo "\n";
var_export($hooks); echo "\n";
echo json_encode([$box, $hooks]), "\n";
foreach ([$box, $hooks] as $object) {
    try { serialize($object); } catch (Exception $e) { echo $e->getMessage(), "\n"; }
    try { clone $object; } catch (Error $e) { echo $e->getMessage(), "\n"; }
}
ob_start(); var_dump($box, $hooks); print_r($box); $all = ob_get_clean();
var_dump(str_contains($all, $key), str_contains($all, 'PHPT_SECRET'));
?>
--EXPECT--
object(Conduit\SecretBox)#1 (0) {
}
object(Conduit\WebhookSecurity)#2 (0) {
}
Conduit\SecretBox Object
(
)

\Conduit\WebhookSecurity::__set_state(array(
))
[{},{}]
Serialization of 'Conduit\SecretBox' is not allowed
Trying to clone an uncloneable object of class Conduit\SecretBox
Serialization of 'Conduit\WebhookSecurity' is not allowed
Trying to clone an uncloneable object of class Conduit\WebhookSecurity
bool(false)
bool(false)
