<?php

namespace Conduit\Integration;

use Bitrix\Main\Localization\Loc;

/**
 * Error texts the module stores (a job's last error, the agent's run record) are written by
 * whichever process met the error — an agent on a Russian hit, a worker started with an
 * English locale — so the stored words are in that process's language. They are stored as a
 * reason code with its parameters in front of the text:
 *
 *     reason:CONDUIT_PROCESSOR_NO_HANDLER {"#TYPE#":"order.sync"}
 *     нет обработчика для типа "order.sync": …
 *
 * and the admin pages show {@see describe()}: the code's message in the page's language,
 * with the stored text kept as the original (it may hold details from a remote system).
 * Texts without the prefix (exceptions stored as "Class: message") are shown as they are.
 * The first line is plain text, so the queue's "error contains" filter still searches the
 * stored words exactly, and the code too.
 */
final class Reason
{
    private const PREFIX = 'reason:';
    /** Codes this class renders, by prefix => the file whose lang/ messages define them. */
    private const SOURCES = [
        'CONDUIT_PROCESSOR_' => '/lib/queue/processor.php',
        'CONDUIT_DELIVERIES_' => '/lib/deliveries.php',
    ];

    private function __construct()
    {
    }

    /** The stored form: the code line, then $text (the message in the writer's language). */
    public static function encode(string $code, array $replace, string $text): string
    {
        $params = [];
        foreach ($replace as $key => $value) {
            $params[(string) $key] = is_scalar($value) ? (string) $value : '';
        }
        $json = json_encode((object) $params, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
        return self::PREFIX . $code . ' ' . ($json === false ? '{}' : $json) . "\n" . $text;
    }

    /**
     * The code, its parameters and the original text of a stored error; null when $stored
     * carries no (known) code.
     *
     * @return array{code: string, replace: array<string, string>, text: string}|null
     */
    public static function decode(?string $stored): ?array
    {
        if ($stored === null || !str_starts_with($stored, self::PREFIX)) {
            return null;
        }
        $m = [];
        if (!preg_match('/^reason:(CONDUIT_[A-Z0-9_]{1,80}) (\{[^\n]*\})\n(.*)$/s', $stored, $m) || self::sourceOf($m[1]) === null) {
            return null;
        }
        $params = json_decode($m[2], true);
        if (!is_array($params)) {
            return null;
        }
        $replace = [];
        foreach ($params as $key => $value) {
            if (is_string($key) && is_scalar($value)) {
                $replace[$key] = (string) $value;
            }
        }
        return ['code' => $m[1], 'replace' => $replace, 'text' => $m[3]];
    }

    /**
     * What to show for a stored error: `text` in $language (the page's, by default), and
     * `original` — the stored words — when they differ from it (null otherwise).
     *
     * @return array{text: string, original: ?string, code: ?string}
     */
    public static function describe(?string $stored, ?string $language = null): array
    {
        $decoded = self::decode($stored);
        if ($decoded === null) {
            return ['text' => (string) $stored, 'original' => null, 'code' => null];
        }
        $source = self::sourceOf($decoded['code']);
        if ($source !== null) {
            Loc::loadMessages(dirname(__DIR__) . $source);
        }
        $text = Loc::getMessage($decoded['code'], $decoded['replace'], $language);
        if ($text === null || $text === '') {
            return ['text' => $decoded['text'], 'original' => null, 'code' => $decoded['code']];
        }
        return ['text' => $text, 'original' => $text === $decoded['text'] ? null : $decoded['text'], 'code' => $decoded['code']];
    }

    /** The text alone, in the page's language (lists, the agent card). */
    public static function text(?string $stored): string
    {
        return self::describe($stored)['text'];
    }

    private static function sourceOf(string $code): ?string
    {
        foreach (self::SOURCES as $prefix => $file) {
            if (str_starts_with($code, $prefix)) {
                return $file;
            }
        }
        return null;
    }
}
