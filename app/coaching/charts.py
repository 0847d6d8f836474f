"""Inline SVG charts built in Python: no script, no external asset, readable without colour."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from markupsafe import Markup, escape

PALETTE = ("#1f5f8b", "#b35c00", "#1e7b4f", "#7a3fa0", "#b3261e", "#3d6f73", "#8a6d00", "#5b6676")


def day_label(day: date, locale: str | None = None) -> str:
    """A chart's day in the reader's language: "Dec 1" in English, "1 déc." in French."""
    return format_skeleton("MMMd", day, locale=locale or str(get_locale() or "en"))


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
) -> Markup:
    """One line per series over shared x labels (0-100 scale); gaps where a value is None."""
    left, top, plot_w, plot_h = 30, 10, width - 40, height - 34
    step = plot_w / max(len(labels) - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, 50, 100):
        y = _y(tick, top, plot_h)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe4ea"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#5b6676">'
            f"{tick}</text>"
        )
    if threshold is not None:
        y = _y(threshold, top, plot_h)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#9a6200" '
            'stroke-dasharray="4 3"/>'
        )
    for i in sorted({0, len(labels) - 1}) if labels else ():
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 6}" font-size="10" fill="#5b6676" '
            f'text-anchor="{"start" if i == 0 else "end"}">{escape(labels[i])}</text>'
        )
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(left + i * step, _y(v, top, plot_h), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for x, y, v in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}: {v:.0f}</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


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
