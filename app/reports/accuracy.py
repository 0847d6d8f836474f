"""How far the automatic score agrees with the final reviews, per criterion (pure: no database, no Flask)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.scoring.fit import spearman

CLOSE_POINTS = 10  # "within 10 points"
BIAS_POINTS = 3.0  # a mean difference smaller than this is no clear bias


@dataclass(frozen=True)
class Pair:
    """One reviewed criterion: the scorer's figure and the reviewer's final one, and the week of the call."""

    criterion: str
    auto: float
    final: float
    week: str = ""


@dataclass(frozen=True)
class Figures:
    criterion: str
    n: int
    enough: bool  # at least the minimum number of reviews: the figures below mean something
    spearman: float | None
    mae: float | None
    within: float | None  # share within CLOSE_POINTS
    bias: float | None  # mean of automatic - final
    direction: str | None  # "harsh" (scores lower than reviewers), "lenient", "even"


def direction(bias: float | None) -> str | None:
    if bias is None:
        return None
    if bias <= -BIAS_POINTS:
        return "harsh"
    return "lenient" if bias >= BIAS_POINTS else "even"


def figures(criterion: str, pairs: Sequence[Pair], min_reviews: int) -> Figures:
    """The agreement figures of one criterion; with fewer than `min_reviews` pairs only the count is given."""
    n = len(pairs)
    if n < min_reviews or n == 0:
        return Figures(criterion, n, False, None, None, None, None, None)
    gaps = [p.auto - p.final for p in pairs]
    bias = sum(gaps) / n
    return Figures(
        criterion,
        n,
        True,
        spearman([p.auto for p in pairs], [p.final for p in pairs]),
        sum(abs(g) for g in gaps) / n,
        sum(1 for g in gaps if abs(g) <= CLOSE_POINTS) / n,
        bias,
        direction(bias),
    )


def by_criterion(pairs: Iterable[Pair], min_reviews: int) -> list[Figures]:
    grouped: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        grouped[pair.criterion].append(pair)
    return [figures(key, grouped[key], min_reviews) for key in sorted(grouped)]


def weekly(pairs: Iterable[Pair], weeks: Sequence[str]) -> dict[str, dict[str, list[float | None]]]:
    """Per criterion, two series over the weeks: mean difference and share within 10 points (in %)."""
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    for pair in pairs:
        grouped[(pair.criterion, pair.week)].append(abs(pair.auto - pair.final))
    out: dict[str, dict[str, list[float | None]]] = {}
    for key in sorted({c for c, _ in grouped}):
        gaps = [grouped.get((key, w)) for w in weeks]
        out[key] = {
            "mae": [sum(g) / len(g) if g else None for g in gaps],
            "within": [100 * sum(1 for x in g if x <= CLOSE_POINTS) / len(g) if g else None for g in gaps],
        }
    return out
