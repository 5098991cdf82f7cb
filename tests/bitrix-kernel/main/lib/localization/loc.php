<?php
namespace Bitrix\Main\Localization;

use Bitrix\Main\Loader;

/**
 * Messages from lang files: for /a/b/<mod>/lib/x.php the nearest ancestor with a lang/ dir
 * (here <mod>) gives <mod>/lang/<lang>/lib/x.php. loadMessages() is lazy; the default language
 * of the group (ru for ru/kz/by, en for en/ua/de) is loaded first; ru never falls back to en.
 */
final class Loc
{
    private static $currentLang = null;
    private static $messages = [];       // [lang][code] => text
    private static $lazyFiles = [];      // [file] => true
    private static $loadedFiles = [];    // [lang][file] => true
    private static $userMessages = null;

    public static function getMessage($code, $replace = null, $language = null)
    {
        $language = $language ?: self::getCurrentLang();
        if (!isset(self::$messages[$language][$code])) self::loadLazy($language, $code);
        $s = self::$messages[$language][$code] ?? null;
        if ($s !== null && is_array($replace) && $replace) $s = strtr($s, $replace);
        return $s;
    }

    private static function loadLazy($language, $code)
    {
        foreach (array_keys(self::$lazyFiles) as $file) {
            if (isset(self::$loadedFiles[$language][$file])) continue;
            self::loadLanguageFile($file, $language);
            if (isset(self::$messages[$language][$code])) return;
        }
    }

    public static function loadMessages($file)
    {
        if (($real = realpath($file)) !== false) $file = $real;
        $file = str_replace('\\', '/', $file);
        self::$lazyFiles[$file] = true;
    }

    public static function getCurrentLang()
    {
        if (self::$currentLang === null) {
            $ctx = \Bitrix\Main\Application::hasInstance() ? \Bitrix\Main\Context::getCurrent() : null;
            self::$currentLang = defined('LANGUAGE_ID') ? LANGUAGE_ID : ($ctx ? $ctx->getLanguage() : 'en');
        }
        return self::$currentLang;
    }
    public static function setCurrentLang($language) { self::$currentLang = $language; }

    public static function getDefaultLang($lang)
    {
        static $subst = ['ua' => 'en', 'kz' => 'ru', 'by' => 'ru', 'ru' => 'ru', 'en' => 'en', 'de' => 'en'];
        return $subst[$lang] ?? 'en';
    }

    /** Path of the lang file of $file for $lang, or null. */
    public static function getLangFilePath($file, $lang)
    {
        $file = str_replace('\\', '/', $file);
        $dir = dirname($file);
        $rel = basename($file);
        while ($dir !== '' && $dir !== '/' && $dir !== '.') {
            if (basename($dir) === 'lang') return null; // file inside a lang dir
            if (is_dir($dir . '/lang')) {
                return $dir . '/lang/' . $lang . '/' . $rel;
            }
            $rel = basename($dir) . '/' . $rel;
            $dir = dirname($dir);
        }
        return null;
    }

    public static function loadLanguageFile($file, $language = null, $normalize = true)
    {
        $language = $language ?: self::getCurrentLang();
        if (($real = realpath($file)) !== false) $file = $real;
        $file = str_replace('\\', '/', $file);
        self::$loadedFiles[$language][$file] = true;
        $langs = [];
        $default = self::getDefaultLang($language);
        if ($default !== $language) $langs[] = $default;
        $langs[] = $language;
        $result = [];
        foreach ($langs as $l) {
            $p = self::getLangFilePath($file, $l);
            if ($p !== null && is_file($p)) $result = array_merge($result, self::includeLangFile($p));
        }
        $result = array_merge($result, self::userMessages($language, $file));
        foreach ($result as $k => $v) self::$messages[$language][$k] = $v;
        return $result;
    }

    private static function includeLangFile($path)
    {
        $MESS = [];
        include $path;
        return is_array($MESS) ? $MESS : [];
    }

    private static function userMessages($language, $file)
    {
        // php_interface/user_lang/<lang>/lang.php: $MESS['/bitrix/modules/x/lang/ru/file.php']['CODE'] = '...'
        if (!isset(self::$userMessages[$language])) {
            self::$userMessages[$language] = [];
            foreach (['/local/php_interface/user_lang/', '/bitrix/php_interface/user_lang/'] as $d) {
                $f = Loader::getDocumentRoot() . $d . $language . '/lang.php';
                if (is_file($f)) self::$userMessages[$language] = array_merge(self::$userMessages[$language], self::includeLangFile($f));
            }
        }
        $p = self::getLangFilePath($file, $language);
        if ($p === null) return [];
        $root = Loader::getDocumentRoot();
        $key = strncmp($p, $root, strlen($root)) === 0 ? substr($p, strlen($root)) : $p;
        $m = self::$userMessages[$language][$key] ?? [];
        return is_array($m) ? $m : [];
    }

    public static function getIncludedFiles() { return array_keys(self::$lazyFiles); }

    public static function getMessagePlural($code, $value, $replace = null, $language = null)
    {
        $language = $language ?: self::getCurrentLang();
        $n = abs((int)$value);
        if (in_array($language, ['ru', 'ua', 'by', 'kz'], true)) {
            $form = ($n % 10 === 1 && $n % 100 !== 11) ? 0 : (($n % 10 >= 2 && $n % 10 <= 4 && ($n % 100 < 10 || $n % 100 >= 20)) ? 1 : 2);
        } else {
            $form = $n === 1 ? 0 : 1;
        }
        return self::getMessage($code . '_PLURAL_' . $form, $replace, $language);
    }

    /** @internal tests: forget everything loaded */
    public static function clearCache()
    {
        self::$messages = []; self::$loadedFiles = []; self::$userMessages = null;
    }
}
