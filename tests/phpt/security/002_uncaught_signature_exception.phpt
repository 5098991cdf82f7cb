--TEST--
An uncaught SignatureException reports the caller's file and line, its reason and HTTP status
--EXTENSIONS--
conduit
--FILE--
<?php
$hooks = new Conduit\WebhookSecurity(['scheme' => 'standard', 'secrets' => ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']]);
try {
    $hooks->verify('{}', ['webhook-id' => 'msg_1', 'webhook-timestamp' => '1', 'webhook-signature' => 'v1,AAAA'], 1);
} catch (Conduit\SignatureException $e) {
    printf("%s %d %s line %d\n", $e->getReason(), $e->getHttpStatus(), basename($e->getFile()), $e->getLine());
}
$hooks->verify('{}', [], 1);
?>
--EXPECTF--
bad_signature 401 002_uncaught_signature_exception.php line 4

Fatal error: Uncaught Conduit\SignatureException: Header webhook-id is missing. in %s002_uncaught_signature_exception.php:8
Stack trace:
#0 %s002_uncaught_signature_exception.php(8): Conduit\WebhookSecurity->verify('{}', Array, 1)
#1 {main}
  thrown in %s002_uncaught_signature_exception.php on line 8
