<?php
use Bitrix\Main\Context;
use Bitrix\Main\HttpRequest;
use Bitrix\Main\Server;

class SecurityTest extends KernelTestCase
{
    private function withRequest(array $post, array $server = [], callable $f = null)
    {
        $ctx = Context::getCurrent();
        $orig = $ctx->getRequest();
        $srv = new Server(array_merge($_SERVER, $server));
        $ctx->initialize(new HttpRequest($srv, [], $post, [], []), $ctx->getResponse(), $ctx->getServer());
        try { return $f(); } finally { $ctx->initialize($orig, $ctx->getResponse(), $ctx->getServer()); }
    }

    public function testSessidIsStableAndDerivedFromTheServerIdAndSession(): void
    {
        $s = bitrix_sessid();
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $s);
        $this->assertSame($s, bitrix_sessid());
        $this->assertSame(md5(CMain::GetServerUniqID() . session_id()), $s);
        $this->assertSame('sessid=' . $s, bitrix_sessid_get());
        $this->assertSame('tok=' . $s, bitrix_sessid_get('tok'));
    }

    public function testSessidPostIdsAreUniquePerInvocation(): void
    {
        $a = bitrix_sessid_post();
        $b = bitrix_sessid_post();
        preg_match('/id="([^"]+)"/', $a, $ma);
        preg_match('/id="([^"]+)"/', $b, $mb);
        $this->assertNotSame($ma[1], $mb[1]);
        $this->assertStringStartsWith('<input type="hidden" name="sessid" id="sessid', $b);
        [$html, $n] = bitrix_sessid_post('sessid', true);
        $this->assertIsInt($n);
    }

    public function testCheckAcceptsTheHeaderAndACustomFieldName(): void
    {
        $s = bitrix_sessid();
        $this->assertTrue($this->withRequest([], ['HTTP_X_BITRIX_CSRF_TOKEN' => $s], fn() => check_bitrix_sessid()));
        $this->assertFalse($this->withRequest([], ['HTTP_X_BITRIX_CSRF_TOKEN' => 'nope'], fn() => check_bitrix_sessid()));
        $this->assertTrue($this->withRequest(['csrf' => $s], [], fn() => check_bitrix_sessid('csrf')));
        $this->assertFalse($this->withRequest(['sessid' => [$s]], [], fn() => check_bitrix_sessid()), 'an array is never a valid token');
    }

    public function testHtmlEscaping(): void
    {
        $this->assertSame("&lt;script&gt;alert('x')&lt;/script&gt;", htmlspecialcharsbx("<script>alert('x')</script>"), 'single quotes are kept (ENT_COMPAT)');
        $this->assertSame('', htmlspecialcharsbx("\xff\xfe"), 'invalid UTF-8 gives an empty string, as htmlspecialchars does');
        $this->assertSame('&amp;lt;', htmlspecialcharsbx('&lt;'));
    }

    public function testRequestHeadersAreCaseInsensitive(): void
    {
        $this->withRequest(['a' => '1'], ['HTTP_X_SIGNATURE' => 'abc', 'CONTENT_TYPE' => 'application/json', 'REQUEST_METHOD' => 'POST', 'REMOTE_ADDR' => '10.1.2.3'], function () {
            $r = Context::getCurrent()->getRequest();
            $this->assertSame('abc', $r->getHeader('x-signature'));
            $this->assertSame('abc', $r->getHeader('X-Signature'));
            $this->assertSame('application/json', $r->getHeaders()->get('content-type'));
            $this->assertTrue($r->isPost());
            $this->assertSame('POST', $r->getRequestMethod());
            $this->assertSame('1', $r->getPost('a'));
            $this->assertSame('1', $r->get('a'));
            $this->assertNull($r->getQuery('a'));
            $this->assertSame('10.1.2.3', $r->getRemoteAddress());
        });
    }
}
