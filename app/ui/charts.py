"""Inline SVG charts built in Python: no script, no external asset, readable without colour.

One line chart in two looks: `PAGE` for the web pages, `PRINT` for the coaching sheet (smaller type, every date
under its point, the value over it). Flask is not needed: the sheet's content is built without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from markupsafe import Markup, escape

PALETTE = ("#1f5f8b", "#b35c00", "#1e7b4f", "#7a3fa0", "#b3261e", "#3d6f73", "#8a6d00", "#5b6676")


@dataclass(frozen=True)
class ChartStyle:
    """How a line chart looks: margins, colours, type sizes, and what it writes beside the points."""

    css_class: str = "chart"
    margins: tuple[int, int, int, int] = (30, 10, 10, 24)  # left, right, top, bottom
    grid: str = "#dfe4ea"
    muted: str = "#5b6676"  # the 0/50/100 ticks and the dates
    tick_size: float = 10
    tick_offset: tuple[int, int] = (4, 4)  # left of the axis, below the grid line
    label_size: float = 10
    every_label: bool = False  # a date under every point, or only the first and the last
    threshold: str = "#9a6200"
    palette: tuple[str, ...] = PALETTE
    point_outline: str | None = None
    value_colour: str | None = None  # the value written over each point, when set


PAGE = ChartStyle()
PRINT = ChartStyle(
    css_class="trend",
    margins=(26, 16, 14, 22),
    grid="#e2e8f0",
    muted="#718096",
    tick_size=8,
    tick_offset=(5, 3),
    label_size=7.5,
    every_label=True,
    threshold="#2f855a",
    palette=("#2b6cb0",),
    point_outline="#fff",
    value_colour="#2d3748",
)


def day_label(day: date, locale: str | None = None) -> str:
    """A chart's day in the reader's language: "Dec 1" in English, "1 déc." in French."""
    if locale is None:
        from flask_babel import get_locale

        locale = str(get_locale() or "en")
    return format_skeleton("MMMd", day, locale=locale)


def _y(value: float, top: float, height: float, low: float = 0, high: float = 100) -> float:
    return top + height - (min(max(value, low), high) - low) / (high - low) * height


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    width: int = 320,
    height: int = 140,
    threshold: float | None = None,
    style: ChartStyle = PAGE,
    point_colours: Sequence[str] | None = None,
    current: int | None = None,
) -> Markup:
    """One line per series over shared x labels (0-100 scale); gaps where a value is None.

    `point_colours` colour the first series' points one by one (the sheet colours each total by its tone);
    `current` is the index of the point drawn larger (the sheet's own evaluation)."""
    left, right, top, bottom = style.margins
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    parts = [
        f'<svg class="{style.css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    dx, dy = style.tick_offset
    for tick in (0, 50, 100):
        y = _y(tick, top, plot_h)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{style.grid}"/>'
            f'<text x="{left - dx}" y="{y + dy:.1f}" font-size="{style.tick_size:g}" text-anchor="end" '
            f'fill="{style.muted}">{tick}</text>'
        )
    if threshold is not None:
        y = _y(threshold, top, plot_h)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{style.threshold}" '
            'stroke-dasharray="4 3"/>'
        )
    parts += _labels(labels, left, step, height, style)
    for n, (name, values) in enumerate(series.items()):
        colour = style.palette[n % len(style.palette)]
        points = [(i, left + i * step, _y(v, top, plot_h), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for _, x, y, _ in points)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for i, x, y, v in points:
            fill = point_colours[i] if point_colours and n == 0 else colour
            parts.append(_point(x, y, v, name, fill, style, emphasis=i == current))
    parts.append("</svg>")
    return Markup("".join(parts))


def _labels(labels: Sequence[str], left: float, step: float, height: int, style: ChartStyle) -> list[str]:
    """The dates under the points: all of them, or the first and the last at the plot's ends."""
    if style.every_label:
        return [
            f'<text x="{left + i * step:.1f}" y="{height - 6}" font-size="{style.label_size:g}" text-anchor="middle" '
            f'fill="{style.muted}">{escape(label)}</text>'
            for i, label in enumerate(labels)
        ]
    return [
        f'<text x="{left + i * step:.1f}" y="{height - 6}" font-size="{style.label_size:g}" fill="{style.muted}" '
        f'text-anchor="{"start" if i == 0 else "end"}">{escape(labels[i])}</text>'
        for i in (sorted({0, len(labels) - 1}) if labels else ())
    ]


def _point(x: float, y: float, value: float, name: str, fill: str, style: ChartStyle, *, emphasis: bool) -> str:
    outline = f' stroke="{style.point_outline}" stroke-width="1.2"' if style.point_outline else ""
    point = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4.5 if emphasis else 3}" fill="{fill}"{outline}>'
        f"<title>{escape(name)}: {value:.0f}</title></circle>"
    )
    if style.value_colour:
        point += (
            f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="8" font-weight="{"bold" if emphasis else "normal"}" '
            f'text-anchor="middle" fill="{style.value_colour}">{round(value)}</text>'
        )
    return point


def histogram(counts: Sequence[int], *, title: str, width: int = 420, height: int = 160) -> Markup:
    """Bars for consecutive 10-point buckets 0-9, 10-19 ... 90-100."""
    left, top, plot_w, plot_h = 10, 16, width - 20, height - 36
    bar_w = plot_w / max(len(counts), 1)
    peak = max(counts, default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, count in enumerate(counts):
        h = count / peak * plot_h
        x = left + i * bar_w
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
            f'fill="#1f5f8b"><title>{i * 10}-{i * 10 + 9}: {count}</title></rect>'
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#1c2430">{count}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
            f'fill="#5b6676">{i * 10}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
