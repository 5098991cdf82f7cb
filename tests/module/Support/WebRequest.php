<?php

namespace Conduit\Tests\Module;

use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Server;

/**
 * Swaps the current Bitrix request (Context::initialize, public API) so a page sees GET
 * or POST data, and restores the original afterwards.
 */
final class WebRequest
{
    /** Runs $page with the given request; returns what it printed. */
    public static function render(callable $page, array $get = [], array $post = [], bool $isPost = false): string
    {
        $context = Context::getCurrent();
        $original = $context->getRequest();
        $originalServer = $context->getServer();
        $server = new Server(array_merge($_SERVER, ['REQUEST_METHOD' => $isPost ? 'POST' : 'GET', 'REQUEST_URI' => '/bitrix/admin/settings.php']));
        $context->initialize(new HttpRequest($server, $get, $post, [], []), $context->getResponse(), $server);
        $savedRequest = $_REQUEST;
        $_REQUEST = array_merge($get, $post);
        ob_start();
        try {
            $page();
        } finally {
            $html = (string) ob_get_clean();
            $context->initialize($original, $context->getResponse(), $originalServer);
            $_REQUEST = $savedRequest;
        }
        return $html;
    }
}
