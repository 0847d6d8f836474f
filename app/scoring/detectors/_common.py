"""Small helpers shared by detectors."""

from __future__ import annotations

from app.scoring.context import DetectorContext


def clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def ratio_score(count: int, target: float) -> float:
    """100 when `count` reaches `target`, proportionally less below."""
    return clamp(100.0 * count / target) if target > 0 else 100.0


def next_agent(ctx: DetectorContext, index: int, limit: int = 1) -> list[int]:
    """The first `limit` agent segments after segment `index`."""
    return [i for i in range(index + 1, len(ctx.segments)) if ctx.segments[i].speaker == "agent"][:limit]


def previous_customer(ctx: DetectorContext, index: int, limit: int = 1) -> list[int]:
    """The last `limit` customer segments before segment `index`, nearest first."""
    found = [i for i in range(index - 1, -1, -1) if ctx.segments[i].speaker == "customer"]
    return found[:limit]


def token_span(ctx: DetectorContext, index: int, lemmas: set[str]) -> tuple[int, int]:
    """Characters from the first to the last token whose lemma is in `lemmas` (whole segment if none)."""
    toks = [t for t in ctx.docs[index] if t.lemma_.lower() in lemmas or t.text in lemmas]
    if not toks:
        return ctx.whole(index)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def listing(items: set[str] | list[str], limit: int = 5) -> str:
    return ", ".join(sorted(items)[:limit])
