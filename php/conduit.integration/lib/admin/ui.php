<?php

namespace Conduit\Integration\Admin;

use Bitrix\Main\Application;
use Bitrix\Main\Localization\Loc;
use Bitrix\Main\Type\DateTime;

Loc::loadMessages(__FILE__);

/**
 * Small helpers shared by the module's admin pages (admin/*.php): escaping that survives
 * invalid UTF-8, times, validated filter values, capped counts and a page navigation that
 * does not need an exact total.
 *
 * Lists over the extension's tables (a million request-log rows) never count exactly:
 * {@see cappedCount()} counts at most {@see COUNT_CAP} + 1 matching rows, the way
 * Bitrix's own grids show "more than …" instead of a slow total.
 */
final class Ui
{
    public const MODULE = 'conduit.integration';
    public const COUNT_CAP = 10000;
    /** Rows one step of a text "contains" search over the queue reads (newest first; a link goes on to older ones). */
    public const TEXT_WINDOW = 25000;
    /** Longest text a filter field accepts (longer input is refused, not truncated silently). */
    public const FILTER_MAX = 200;

    private function __construct()
    {
    }

    /**
     * The current user's right on the module; shows the login form (and stops) below $min.
     * Call after prolog_admin_before.php.
     */
    public static function requireRight(string $min = 'R'): string
    {
        global $APPLICATION;
        $right = (string) $APPLICATION->GetGroupRight(self::MODULE);
        if ($right < $min) {
            $APPLICATION->AuthForm(Loc::getMessage('CONDUIT_ADMIN_ACCESS_DENIED'));
        }
        return $right;
    }

    /** Escaped for HTML text and double-quoted attributes; invalid UTF-8 becomes U+FFFD instead of an empty string. */
    public static function e(mixed $value): string
    {
        $s = is_scalar($value) || $value instanceof \Stringable ? (string) $value : '';
        if (!mb_check_encoding($s, 'UTF-8')) {
            $s = self::scrub($s);
        }
        return htmlspecialcharsbx($s, ENT_QUOTES);
    }

    /** Invalid UTF-8 sequences replaced by U+FFFD (the replacement character a browser shows). */
    public static function scrub(string $s): string
    {
        $previous = mb_substitute_character();
        mb_substitute_character(0xFFFD);
        try {
            return mb_scrub($s, 'UTF-8');
        } finally {
            mb_substitute_character($previous);
        }
    }

    /** Milliseconds since the epoch → site-format date and time ("—" for null). */
    public static function time(int|string|null $ms): string
    {
        if ($ms === null || $ms === '') {
            return '—';
        }
        return DateTime::createFromTimestamp(intdiv((int) $ms, 1000))->toString();
    }

    /** Seconds → "3 min 20 s" / "2 h 5 min" / "4 d 3 h". */
    public static function age(?float $seconds): string
    {
        if ($seconds === null) {
            return '—';
        }
        $s = max(0, (int) round($seconds));
        if ($s < 60) {
            return Loc::getMessage('CONDUIT_ADMIN_AGE_S', ['#S#' => $s]);
        }
        if ($s < 3600 && $s % 60 === 0) {
            return Loc::getMessage('CONDUIT_ADMIN_AGE_M0', ['#M#' => intdiv($s, 60)]);
        }
        if ($s < 3600) {
            return Loc::getMessage('CONDUIT_ADMIN_AGE_M', ['#M#' => intdiv($s, 60), '#S#' => $s % 60]);
        }
        if ($s < 86400) {
            return Loc::getMessage('CONDUIT_ADMIN_AGE_H', ['#H#' => intdiv($s, 3600), '#M#' => intdiv($s % 3600, 60)]);
        }
        return Loc::getMessage('CONDUIT_ADMIN_AGE_D', ['#D#' => intdiv($s, 86400), '#H#' => intdiv($s % 86400, 3600)]);
    }

    /**
     * A text filter value: trimmed, valid UTF-8, at most FILTER_MAX characters.
     *
     * @param list<string> $errors gets a message naming $label when the value is refused
     * @return string|null null when empty or refused
     */
    public static function text(mixed $raw, string $label, array &$errors, int $max = self::FILTER_MAX): ?string
    {
        if (!is_string($raw)) {
            return null;
        }
        $value = trim($raw);
        if ($value === '') {
            return null;
        }
        if (!mb_check_encoding($value, 'UTF-8')) {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_UTF8', ['#FIELD#' => $label]);
            return null;
        }
        if (mb_strlen($value) > $max) {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_LONG', ['#FIELD#' => $label, '#MAX#' => $max]);
            return null;
        }
        return $value;
    }

    /** One of $allowed, or null (a value outside the list is reported). */
    public static function choice(mixed $raw, array $allowed, string $label, array &$errors): ?string
    {
        if (!is_string($raw) || $raw === '') {
            return null;
        }
        if (!in_array($raw, $allowed, true)) {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_CHOICE', ['#FIELD#' => $label]);
            return null;
        }
        return $raw;
    }

    /** A positive integer id, or null. */
    public static function id(mixed $raw, string $label, array &$errors): ?int
    {
        if (!is_string($raw) || trim($raw) === '') {
            return null;
        }
        $raw = trim($raw);
        if (!preg_match('/^[1-9][0-9]{0,17}$/', $raw)) {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_ID', ['#FIELD#' => $label]);
            return null;
        }
        return (int) $raw;
    }

    /**
     * A date typed in the site format (DD.MM.YYYY [HH:MI[:SS]]) or ISO (YYYY-MM-DD[THH:MI]),
     * as Unix seconds; $endOfDay for a "to" field given without a time.
     */
    public static function date(mixed $raw, string $label, array &$errors, bool $endOfDay = false): ?int
    {
        if (!is_string($raw) || trim($raw) === '') {
            return null;
        }
        $raw = trim($raw);
        $m = [];
        if (preg_match('/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/', $raw, $m)) {
            [$d, $mo, $y] = [(int) $m[1], (int) $m[2], (int) $m[3]];
        } elseif (preg_match('/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/', $raw, $m)) {
            [$y, $mo, $d] = [(int) $m[1], (int) $m[2], (int) $m[3]];
        } else {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_DATE', ['#FIELD#' => $label]);
            return null;
        }
        if (!checkdate($mo, $d, $y)) {
            $errors[] = Loc::getMessage('CONDUIT_ADMIN_FILTER_DATE', ['#FIELD#' => $label]);
            return null;
        }
        $hasTime = isset($m[4]) && $m[4] !== '';
        $h = $hasTime ? min(23, (int) $m[4]) : ($endOfDay ? 23 : 0);
        $i = $hasTime ? min(59, (int) $m[5]) : ($endOfDay ? 59 : 0);
        $s = isset($m[6]) && $m[6] !== '' ? min(59, (int) $m[6]) : ($endOfDay ? 59 : 0);
        return mktime($h, $i, $s, $mo, $d, $y);
    }

    /**
     * How many rows match, counting at most $cap + 1 of them (one indexed query over ids).
     *
     * @param class-string<\Bitrix\Main\ORM\Data\DataManager> $table
     * @return array{0: int, 1: bool} the count (at most $cap) and whether there are more
     */
    public static function cappedCount(string $table, array $filter, int $cap = self::COUNT_CAP): array
    {
        if ($filter === []) {
            // Unfiltered: InnoDB's exact COUNT(*) is a full index scan; the newest id bounds it cheaply.
            $max = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch();
            $min = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'ASC'], 'limit' => 1])->fetch();
            if (!$max) {
                return [0, false];
            }
            if ((int) $max['ID'] - (int) $min['ID'] < $cap) {
                return [(int) $table::getCount(), false];
            }
            return [$cap, true];
        }
        // counted in the database (one row back, not $cap rows through PHP), in no particular
        // order, so the narrowest index that serves the filter can answer it
        $inner = $table::query()->setSelect(['ID'])->setFilter($filter)->setLimit($cap + 1)->getQuery();
        $n = (int) $table::getEntity()->getConnection()->queryScalar('SELECT COUNT(*) FROM (' . $inner . ') conduit_capped');
        return [min($n, $cap), $n > $cap];
    }

    /**
     * The "Found" count of a list whose page $page ($size rows) was read as $rows: when the
     * first page is not full, the rows are all there are and no second query runs (a filter
     * that matches little would otherwise be read twice); else {@see cappedCount()} within
     * the statement time limit. $rows null (the list was stopped): not counted.
     *
     * @param class-string<\Bitrix\Main\ORM\Data\DataManager> $table
     * @return array{0: ?int, 1: bool} the count (null: not counted) and whether there are more
     */
    public static function countFor(string $table, array $filter, int $page, int $size, ?array $rows): array
    {
        if ($rows !== null && $page === 1 && count($rows) < $size) {
            return [count($rows), false];
        }
        if ($rows === null) {
            return [null, true];
        }
        [$counted, $stopped] = self::bounded(static fn () => self::cappedCount($table, $filter), 0.06);
        return $stopped ? [null, true] : $counted;
    }

    /**
     * Runs $query with the database's statement time limit set to $seconds (MariaDB
     * max_statement_time; MySQL max_execution_time; PostgreSQL statement_timeout), so a filter no
     * index serves (a text "contains" over a million rows) answers "too slow, narrow it" instead
     * of hanging the page.
     *
     * @return array{0: mixed, 1: bool} the result (null when stopped) and whether the limit stopped it
     */
    public static function bounded(callable $query, float $seconds = 0.12): array
    {
        $connection = Application::getConnection();
        static $mariadb = null;
        if ($connection->getType() === 'pgsql') {
            [$set, $reset] = ['SET statement_timeout = ' . max(1, (int) ($seconds * 1000)), 'SET statement_timeout = 0'];
        } else {
            $mariadb ??= stripos((string) $connection->queryScalar('SELECT VERSION()'), 'mariadb') !== false;
            $set = $mariadb ? 'SET SESSION max_statement_time = ' . sprintf('%.3F', $seconds) : 'SET SESSION max_execution_time = ' . (int) ($seconds * 1000);
            $reset = $mariadb ? 'SET SESSION max_statement_time = 0' : 'SET SESSION max_execution_time = 0';
        }
        $connection->queryExecute($set);
        try {
            return [$query(), false];
        } catch (\Bitrix\Main\DB\SqlQueryException $e) {
            $text = $e->getMessage() . ' ' . (method_exists($e, 'getDatabaseMessage') ? (string) $e->getDatabaseMessage() : '');
            // MariaDB 1969, MySQL 3024, PostgreSQL 57014 "canceling statement due to statement timeout"
            if (preg_match('/\b(1969|3024|57014)\b|max_statement_time|maximum statement execution time|interrupted|statement timeout/i', $text)) {
                return [null, true];
            }
            throw $e;
        } finally {
            $connection->queryExecute($reset);
        }
    }

    /** The "Found: …" line of a list: exact, capped ("10 000+") or not counted (too slow). */
    public static function foundText(?int $count, bool $more): string
    {
        if ($count === null) {
            return (string) Loc::getMessage('CONDUIT_ADMIN_FOUND_NOT_COUNTED');
        }
        return (string) Loc::getMessage($more ? 'CONDUIT_ADMIN_FOUND_MORE' : 'CONDUIT_ADMIN_FOUND', ['#COUNT#' => self::countText($count, $more)]);
    }

    /**
     * The lowest id whose $field (milliseconds) is at least $ms, by a binary search over the
     * primary key — for tables whose ids grow with that time (the queue's CREATED_AT), so a
     * date filter becomes an id range the primary key serves. $slack ids are subtracted to
     * cover rows inserted slightly out of order; the caller keeps the date condition too.
     *
     * @param class-string<\Bitrix\Main\ORM\Data\DataManager> $table
     */
    public static function idFloor(string $table, string $field, int $ms, int $slack = 1000): ?int
    {
        $first = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'ASC'], 'limit' => 1])->fetch();
        $last = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch();
        if (!$first || !$last) {
            return null;
        }
        [$lo, $hi] = [(int) $first['ID'], (int) $last['ID'] + 1];
        // invariant: every id below $lo is older than $ms; $hi is a row at or after $ms, or past the end
        for ($i = 0; $i < 80 && $lo < $hi; $i++) {
            $mid = intdiv($lo + $hi, 2);
            $row = $table::getList(['select' => ['ID', $field], 'filter' => ['>=ID' => $mid], 'order' => ['ID' => 'ASC'], 'limit' => 1])->fetch();
            if ($row && (int) $row['ID'] < $hi && (int) $row[$field] < $ms) {
                $lo = (int) $row['ID'] + 1;
            } elseif ($row && (int) $row['ID'] < $hi) {
                $hi = (int) $row['ID'];
            } else {
                $hi = $mid; // no row in [$mid, $hi)
            }
        }
        return max(0, $lo - $slack);
    }

    /**
     * The id range of one step of a text search: the $window highest ids below $before
     * (exclusive; null: from the newest row). `older` says whether rows below it remain.
     *
     * @param class-string<\Bitrix\Main\ORM\Data\DataManager> $table
     * @return array{from: int, to: int, older: bool}|null null for an empty table
     */
    public static function idWindow(string $table, ?int $before, int $window): ?array
    {
        $first = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'ASC'], 'limit' => 1])->fetch();
        $last = $table::getList(['select' => ['ID'], 'order' => ['ID' => 'DESC'], 'limit' => 1])->fetch();
        if (!$first || !$last) {
            return null;
        }
        $to = $before !== null ? min((int) $last['ID'], $before - 1) : (int) $last['ID'];
        $from = max((int) $first['ID'], $to - max(1, $window) + 1);
        return ['from' => $from, 'to' => max($from, $to), 'older' => $from > (int) $first['ID']];
    }

    /** Said when a list query was stopped by {@see bounded()}. */
    public static function listStoppedText(): string
    {
        return (string) Loc::getMessage('CONDUIT_ADMIN_LIST_STOPPED');
    }

    /** "1 234" or "10 000+" */
    public static function countText(int $count, bool $more): string
    {
        return number_format($count, 0, '.', ' ') . ($more ? '+' : '');
    }

    /**
     * Page navigation for a list whose total may be capped: first, previous, a few pages
     * around the current one, next, and the total ("10 000+").
     *
     * @param callable(int $page): string $url
     */
    public static function nav(int $page, int $size, ?int $count, bool $more, callable $url): string
    {
        $counted = $count !== null;
        $count ??= $page * $size;
        $pages = max(1, (int) ceil($count / $size));
        if ($more) {
            $pages = max($pages, $page + 1);
        }
        $html = '<div class="adm-navigation conduit-nav">';
        $html .= '<span class="adm-nav-title">' . self::e(Loc::getMessage('CONDUIT_ADMIN_NAV_PAGE', ['#PAGE#' => $page])) . '</span> ';
        if ($page > 1) {
            $html .= '<a class="adm-nav-page" href="' . self::e($url(1)) . '">«</a> <a class="adm-nav-page" href="' . self::e($url($page - 1)) . '">‹</a> ';
        }
        for ($p = max(1, $page - 3); $p <= min($pages, $page + 3); $p++) {
            $html .= $p === $page ? '<span class="adm-nav-page adm-nav-page-active">' . $p . '</span> ' : '<a class="adm-nav-page" href="' . self::e($url($p)) . '">' . $p . '</a> ';
        }
        if ($page < $pages) {
            $html .= '<a class="adm-nav-page" href="' . self::e($url($page + 1)) . '">›</a> ';
        }
        $html .= '<span class="adm-nav-total">' . self::e($counted ? Loc::getMessage($more ? 'CONDUIT_ADMIN_NAV_TOTAL_MORE' : 'CONDUIT_ADMIN_NAV_TOTAL', ['#COUNT#' => self::countText($count, $more)]) : Loc::getMessage('CONDUIT_ADMIN_NAV_NOT_COUNTED')) . '</span>';
        return $html . '</div>';
    }

    /** The body as text to show: JSON pretty-printed, anything else as it is (escape it when printing). */
    public static function pretty(?string $body): string
    {
        $body = (string) $body;
        if ($body === '') {
            return '';
        }
        $first = ltrim($body)[0] ?? '';
        if ($first === '{' || $first === '[') {
            $decoded = json_decode($body, true);
            if ($decoded !== null || json_last_error() === JSON_ERROR_NONE) {
                return (string) json_encode($decoded, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
            }
        }
        return $body;
    }

    /** Headers stored as a JSON list of [name, value] pairs (or an object) → list of [name, value]. */
    public static function headers(?string $json): array
    {
        $decoded = json_decode((string) $json, true);
        if (!is_array($decoded)) {
            return [];
        }
        $pairs = [];
        foreach ($decoded as $k => $v) {
            if (is_array($v) && array_is_list($v) && count($v) === 2) {
                $pairs[] = [(string) $v[0], (string) $v[1]];
            } elseif (is_scalar($v)) {
                $pairs[] = [(string) $k, (string) $v];
            }
        }
        return $pairs;
    }

    /** A CAdminMessage block (the kernel's and Bitrix's own message markup). */
    public static function message(string $text, string $type = 'ERROR', string $details = ''): string
    {
        $m = new \CAdminMessage(['MESSAGE' => $text, 'TYPE' => $type, 'DETAILS' => $details, 'HTML' => false]);
        return $m->Show();
    }

    /** The admin page URL of this module's page $page (conduit_integration_<page>.php) with $params. */
    public static function url(string $page, array $params = []): string
    {
        $params += ['lang' => LANGUAGE_ID];
        return '/bitrix/admin/conduit_integration_' . $page . '.php?' . http_build_query($params);
    }

    /** A JSON answer for the pages' small endpoints (progress polling); ends the request. */
    public static function json(array $data, int $status = 200): never
    {
        global $APPLICATION;
        $APPLICATION->RestartBuffer();
        if (!headers_sent()) {
            http_response_code($status);
            header('Content-Type: application/json; charset=UTF-8');
            header('Cache-Control: no-store');
        }
        echo json_encode($data, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
        die();
    }

    /** The module pages' small stylesheet (cards, charts, pre blocks); printed once after prolog_admin_after. */
    public static function css(): string
    {
        return '<style>
.conduit-cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 16px}
.conduit-card{border:1px solid #d0d7d8;border-radius:4px;padding:10px 14px;width:215px;background:#fff;box-sizing:border-box}
.conduit-card b{display:block;font-size:20px;margin:4px 0}
.conduit-card small{color:#555}
.conduit-ok{border-left:5px solid #3c9a3c}.conduit-warn{border-left:5px solid #e0a000}.conduit-bad{border-left:5px solid #d03030}.conduit-none{border-left:5px solid #aaa}
.conduit-pre{white-space:pre-wrap;overflow-wrap:anywhere;max-height:420px;overflow:auto;background:#f7f7f7;border:1px solid #ddd;padding:8px;font:12px/1.4 monospace;margin:4px 0}
.conduit-kv td{padding:3px 10px 3px 0;vertical-align:top}
.conduit-filter td{padding:3px 8px 3px 0}
.conduit-hint{color:#555;margin:6px 0 12px;max-width:900px;text-align:left}
.conduit-kv td:first-child{white-space:nowrap}.conduit-kv td{word-break:break-word;overflow-wrap:anywhere}
.conduit-status-2{color:#2a7a2a}.conduit-status-3{color:#2a5a9a}.conduit-status-4{color:#b06000}.conduit-status-5,.conduit-status-e{color:#c02020;font-weight:bold}
.conduit-chart{margin:0 12px 12px 0;display:inline-block;vertical-align:top;border:1px solid #e0e0e0;background:#fff;padding:6px}
.conduit-chart h3{margin:0 0 4px;font-size:13px}
.conduit-actions form,.conduit-inline{display:inline-block;margin:0 6px 4px 0}
.conduit-nav a,.conduit-nav span{margin-right:4px}
</style>';
    }
}
