--TEST--
Method guards and #[\SensitiveParameter] survive opcache moving function names into shared memory
--EXTENSIONS--
conduit
--INI--
opcache.enable=1
opcache.enable_cli=1
zend.exception_ignore_args=0
--FILE--
<?php
// opcache's post-startup runs after the extension's and re-interns every function
// name; guards keyed by the old string addresses answered every call with
// "this method is not available" (php -S, php-fpm with opcache on).
$status = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
echo 'opcache on: ', var_export(is_array($status) && $status['opcache_enabled'], true), "\n";
$client = new Conduit\ApiClient('http://127.0.0.1:1/api');
echo $client->getBaseUrl(), "\n";
$bare = (new ReflectionClass(Conduit\ApiClient::class))->newInstanceWithoutConstructor();
try { $bare->send('GET', '/x'); } catch (Conduit\ConfigException $e) { echo "guarded: ", str_contains($e->getMessage(), 'not constructed') ? 'yes' : $e->getMessage(), "\n"; }
function open_store() { return new Conduit\Store('nope://user:hunter2@db/x'); }
try { open_store(); } catch (Conduit\ConduitException $e) {
    $trace = $e->getTraceAsString();
    echo str_contains($trace, 'Object(SensitiveParameterValue)') ? "dsn hidden\n" : "dsn shown: $trace\n";
    echo str_contains($trace . $e->getMessage(), 'hunter2') ? "LEAK\n" : "no leak\n";
}
?>
--EXPECT--
opcache on: true
http://127.0.0.1:1/api
guarded: yes
dsn hidden
no leak
