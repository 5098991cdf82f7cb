<?php

namespace Conduit\Tests\Module;

/** lang/ru and lang/en mirror each other, and every message a file asks for exists in both. */
final class LangTest extends ModuleTestCase
{
    private static function dir(): string
    {
        return CONDUIT_TEST_REPO . '/php/conduit.integration';
    }

    private static function messages(string $file): array
    {
        $MESS = [];
        include $file;
        return $MESS;
    }

    public function testLanguagesHaveTheSameFilesAndCodes(): void
    {
        $list = static function (string $lang): array {
            $base = self::dir() . "/lang/$lang/";
            $files = [];
            foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($base, \FilesystemIterator::SKIP_DOTS)) as $f) {
                $files[] = substr($f->getPathname(), strlen($base));
            }
            sort($files);
            return $files;
        };
        $this->assertSame($list('en'), $list('ru'));
        foreach ($list('en') as $file) {
            $en = self::messages(self::dir() . "/lang/en/$file");
            $ru = self::messages(self::dir() . "/lang/ru/$file");
            $this->assertSame(array_keys($en), array_keys($ru), "lang/*/$file");
            foreach ($ru as $code => $text) {
                $this->assertNotSame('', trim($text), "ru $code empty");
                preg_match_all('/#[A-Z_]+#/', $en[$code], $enVars);
                preg_match_all('/#[A-Z_]+#/', $text, $ruVars);
                sort($enVars[0]);
                sort($ruVars[0]);
                $this->assertSame(array_values(array_unique($enVars[0])), array_values(array_unique($ruVars[0])), "placeholders of $code in $file");
            }
        }
    }

    public function testEveryMessageUsedExistsForItsFile(): void
    {
        $checked = 0;
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::dir(), \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $f) {
            $path = $f->getPathname();
            $rel = substr($path, strlen(self::dir()) + 1);
            if (!str_ends_with($rel, '.php') || str_starts_with($rel, 'lang/')) {
                continue;
            }
            $code = file_get_contents($path);
            if (!preg_match_all("/Loc::getMessage\\('([A-Z0-9_]+)'/", $code, $m) && !preg_match_all("/self::msg\\('([A-Z0-9_]+)'/", $code, $m)) {
                continue;
            }
            preg_match_all("/(?:Loc::getMessage|self::msg|msg)\\(\\s*'([A-Z0-9_]+)'/", $code, $m);
            foreach (['en', 'ru'] as $lang) {
                $file = self::dir() . "/lang/$lang/$rel";
                $this->assertFileExists($file, "$rel shows text but has no lang/$lang/$rel");
                $messages = self::messages($file);
                foreach (array_filter(array_unique($m[1]), static fn ($k) => !str_ends_with($k, '_')) as $key) {
                    $this->assertArrayHasKey($key, $messages, "$key used in $rel is missing in lang/$lang/$rel");
                    $checked++;
                }
            }
        }
        $this->assertGreaterThan(100, $checked);
    }

    public function testTheSettingsPageHasALabelForEverySetting(): void
    {
        foreach (['en', 'ru'] as $lang) {
            $messages = self::messages(self::dir() . "/lang/$lang/options.php");
            foreach (\Conduit\Integration\Settings::DEFINITIONS as $name => $definition) {
                $this->assertArrayHasKey('CONDUIT_OPT_' . strtoupper($name), $messages, "$lang: no label for $name");
                foreach ($definition['values'] ?? [] as $value) {
                    $this->assertArrayHasKey('CONDUIT_OPT_' . strtoupper($name) . '_' . strtoupper($value), $messages);
                }
            }
            foreach (['NONE', 'BEARER', 'BASIC', 'HEADER', 'QUERY'] as $type) {
                $this->assertArrayHasKey('CONDUIT_OPT_AUTH_' . $type, $messages);
            }
        }
    }
}
