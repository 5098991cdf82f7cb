<?php

namespace Conduit\Integration\Admin;

/**
 * Inline SVG charts for the dashboard: no script, no external resource. Every label and
 * value is escaped; each bar or point has a <title> tooltip with its exact value.
 */
final class Chart
{
    private const W = 470;
    private const H = 170;
    private const PAD_L = 48;
    private const PAD_B = 22;
    private const PAD_T = 8;

    private function __construct()
    {
    }

    /**
     * @param list<string> $labels one per bucket (tooltips; first, middle and last are printed on the axis)
     * @param list<float|int|null> $values null: no data in the bucket
     * @param string $kind "bars" or "line"
     */
    public static function render(string $id, string $title, array $labels, array $values, string $unit, string $kind = 'bars', string $color = '#2f7ed8', ?float $max = null): string
    {
        $n = max(1, count($values));
        $numeric = array_filter($values, static fn ($v) => $v !== null);
        $top = $max ?? self::niceMax($numeric === [] ? 0.0 : (float) max($numeric));
        $plotW = self::W - self::PAD_L - 6;
        $plotH = self::H - self::PAD_B - self::PAD_T;
        $step = $plotW / $n;
        $y = static fn (float $v): float => self::PAD_T + $plotH - ($top > 0 ? min(1.0, $v / $top) : 0.0) * $plotH;
        $svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' . self::W . '" height="' . self::H . '" role="img" aria-label="' . Ui::e($title) . '" id="' . Ui::e($id) . '" data-points="' . count($numeric) . '" data-sum="' . Ui::e((string) round(array_sum($numeric), 3)) . '">';
        // grid and axis labels
        foreach ([0.0, 0.5, 1.0] as $f) {
            $gy = $y($top * $f);
            $svg .= '<line x1="' . self::PAD_L . '" y1="' . round($gy, 1) . '" x2="' . (self::W - 6) . '" y2="' . round($gy, 1) . '" stroke="#e3e3e3"/>';
            $svg .= '<text x="' . (self::PAD_L - 4) . '" y="' . round($gy + 4, 1) . '" font-size="10" text-anchor="end" fill="#666">' . Ui::e(self::fmt($top * $f) . ($f === 1.0 ? ' ' . $unit : '')) . '</text>';
        }
        $points = [];
        foreach ($values as $i => $v) {
            $x = self::PAD_L + $i * $step;
            $tip = Ui::e(($labels[$i] ?? '') . ': ' . ($v === null ? '—' : self::fmt((float) $v) . ' ' . $unit));
            if ($kind === 'bars') {
                if ($v !== null && $v > 0) {
                    $by = $y((float) $v);
                    $svg .= '<rect x="' . round($x + 0.5, 1) . '" y="' . round($by, 1) . '" width="' . round(max(1.0, $step - 1), 1) . '" height="' . round(self::PAD_T + $plotH - $by, 1) . '" fill="' . $color . '"><title>' . $tip . '</title></rect>';
                }
            } elseif ($v !== null) {
                $cx = $x + $step / 2;
                $points[] = round($cx, 1) . ',' . round($y((float) $v), 1);
                $svg .= '<circle cx="' . round($cx, 1) . '" cy="' . round($y((float) $v), 1) . '" r="' . ($n > 100 ? 1.2 : 2) . '" fill="' . $color . '"><title>' . $tip . '</title></circle>';
            }
        }
        if ($kind === 'line' && count($points) > 1) {
            $svg .= '<polyline fill="none" stroke="' . $color . '" stroke-width="1.5" points="' . implode(' ', $points) . '"/>';
        }
        $count = count($labels);
        foreach ($count > 0 ? array_unique([0, intdiv($count, 2), $count - 1]) : [] as $i) {
            $anchor = $i === 0 ? 'start' : ($i === $count - 1 ? 'end' : 'middle');
            $tx = $i === $count - 1 ? self::W - 6 : self::PAD_L + $i * $step;
            $svg .= '<text x="' . round($tx, 1) . '" y="' . (self::H - 6) . '" font-size="10" text-anchor="' . $anchor . '" fill="#666">' . Ui::e($labels[$i]) . '</text>';
        }
        if ($numeric === []) {
            $svg .= '<text x="' . (self::PAD_L + $plotW / 2) . '" y="' . (self::PAD_T + $plotH / 2) . '" font-size="12" text-anchor="middle" fill="#999">—</text>';
        }
        return '<div class="conduit-chart"><h3>' . Ui::e($title) . '</h3>' . $svg . '</svg></div>';
    }

    private static function niceMax(float $v): float
    {
        if ($v <= 0) {
            return 1.0;
        }
        $exp = 10 ** floor(log10($v));
        foreach ([1, 2, 2.5, 5, 10] as $m) {
            if ($v <= $m * $exp) {
                return $m * $exp;
            }
        }
        return 10 * $exp;
    }

    private static function fmt(float $v): string
    {
        if ($v >= 100 || $v == floor($v)) {
            return number_format($v, 0, '.', ' ');
        }
        return rtrim(rtrim(number_format($v, $v >= 10 ? 1 : 2, '.', ''), '0'), '.');
    }
}
