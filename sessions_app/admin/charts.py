"""Small charts drawn as inline SVG on the server: no JavaScript, nothing to load, testable as HTML.

Every data point is an element with a <title>, so hovering shows its exact
number; bars carry their number beside them. Labels are escaped: node and
error names come from the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

AXIS = "#6b7280"
GRID = "#e5e7eb"


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def _nice_max(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above value (at least 1), for a y axis with round ticks."""
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def bar_rows(rows: Sequence[tuple[str, int, str]], *, width: int = 420, label_width: int = 130,
             caption: str = "") -> SafeString:
    """Horizontal bars, one per (label, value, colour), the value written at the end of each bar."""
    row_height, gap = 20, 6
    height = len(rows) * (row_height + gap) + 4
    top = max((value for _, value, _ in rows), default=0) or 1
    bar_space = width - label_width - 70
    parts = [
        f'<svg class="chart bars" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' aria-label="{escape(caption)}" data-points="{len(rows)}" style="max-width:100%;height:auto">'
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = i * (row_height + gap) + 2
        length = max(0 if value == 0 else 2, round(bar_space * value / top))
        parts.append(
            f'<g class="point"><title>{escape(label)}: {_fmt(value)}</title>'
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{row_height}" rx="2" fill="{escape(colour)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 14}" font-size="12" fill="#111">{_fmt(value)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def day_lines(days: Sequence[date], series: Sequence[tuple[str, str, Sequence[int]]], *, width: int = 860,
              height: int = 220, period: str = "day") -> SafeString:
    """One line per (name, colour, values-per-day), dots with their date and number on hover, round y ticks."""
    left, right, top, bottom = 48, 12, 12, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((max(values, default=0) for _, _, values in series), default=0))
    step = plot_w / max(len(days) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    points = sum(len(values) for _, _, values in series)
    parts = [
        f'<svg class="chart lines" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' data-points="{points}" style="max-width:100%;height:auto">'
    ]
    for tick in (0, peak / 2, peak) if peak % 2 == 0 else (0, peak):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{AXIS}">'
            f"{_fmt(tick)}</text>"
        )
    ticks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    for i in ticks:
        anchor = "start" if i == 0 else "end" if i == len(days) - 1 else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="{anchor}" font-size="11" fill="{AXIS}">'
            f"{days[i]:%b %-d}</text>"
        )
    for name, colour, values in series:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for i, v in enumerate(values):
            parts.append(
                f'<circle class="point" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                f"<title>{'week of ' if period == 'week' else ''}{days[i]:%a %Y-%m-%d}: {_fmt(v)} {escape(name)}"
                "</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def sparkline(values: Sequence[int], labels: Sequence[str], *, colour: str = "#b91c1c", width: int = 140,
              height: int = 28, unit: str = "errors") -> SafeString:
    """Tiny columns, one per period, each with its period and count on hover; an empty period is a hairline."""
    n = max(len(values), 1)
    slot = width / n
    peak = max(values, default=0) or 1
    parts = [
        f'<svg class="chart spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' preserveAspectRatio="none"'
        f' data-points="{len(values)}" aria-label="{_fmt(sum(values))} {escape(unit)}">'
    ]
    unit, bar_width = escape(unit), f"{max(slot - 1, 1):.1f}"
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar = max(1.0, (height - 2) * value / peak) if value else 1.0
        fill = colour if value else GRID
        parts.append(
            f'<rect class="point" x="{i * slot + 0.5:.1f}" y="{height - bar:.1f}" width="{bar_width}"'
            f' height="{bar:.1f}" fill="{fill}"><title>{escape(label)}: {value:,} {unit}</title></rect>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
