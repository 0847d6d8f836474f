"""Drawing calls for review: a pure, reproducible core (no Flask, no database).

The same seed and the same candidates always give the same draw: each agent's draw uses its own
random stream derived from the seed, so adding a call for one agent never changes another's picks.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.review.choices import Period

# Strata in the order their shares are filled; what is left is drawn at random.
STRATA = ("lowest_scores", "flagged", "long_silence", "negative_reaction")
RANDOM = "random"
TARGETED = "criterion"


@dataclass(frozen=True)
class Candidate:
    """A call that may be drawn, with what the strata look at."""

    call_id: int
    agent_id: int
    duration: float
    total: float | None = None
    criteria: Mapping[str, float | None] = field(default_factory=dict)
    flagged: bool = False
    long_silence: bool = False
    negative_reaction: bool = False


@dataclass(frozen=True)
class Pick:
    call_id: int
    agent_id: int
    stratum: str


def eligible(candidates: Iterable[Candidate], *, min_duration: float, taken: set[int]) -> list[Candidate]:
    """Calls long enough to judge and not already reviewed or queued."""
    return [c for c in candidates if c.duration >= min_duration and c.call_id not in taken]


def stratum_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """How many picks each stratum gets out of n; rounding never exceeds n."""
    counts: dict[str, int] = {}
    left = n
    for name in STRATA:
        k = min(left, round(n * float(shares.get(name) or 0)))
        if k > 0:
            counts[name] = k
            left -= k
    return counts


def _in_stratum(c: Candidate, name: str) -> bool:
    return getattr(c, name) if name in ("flagged", "long_silence", "negative_reaction") else True


def _draw_agent(
    pool: list[Candidate], n: int, shares: Mapping[str, float], criterion: str | None, rng: random.Random
) -> list[tuple[Candidate, str]]:
    pool = sorted(pool, key=lambda c: c.call_id)  # the input order must not matter
    if criterion:
        scored = [c for c in pool if c.criteria.get(criterion) is not None]
        scored.sort(key=lambda c: (c.criteria[criterion], rng.random()))
        return [(c, TARGETED) for c in scored[:n]]
    picked: list[tuple[Candidate, str]] = []
    chosen: set[int] = set()
    for name, k in stratum_counts(n, shares).items():
        rest = [c for c in pool if c.call_id not in chosen]
        if name == "lowest_scores":
            ranked = sorted((c for c in rest if c.total is not None), key=lambda c: (c.total, rng.random()))
            take = ranked[:k]
        else:
            members = [c for c in rest if _in_stratum(c, name)]
            take = rng.sample(members, min(k, len(members)))
        picked += [(c, name) for c in take]
        chosen.update(c.call_id for c in take)
    rest = [c for c in pool if c.call_id not in chosen]
    picked += [(c, RANDOM) for c in rng.sample(rest, min(n - len(picked), len(rest)))]
    return picked


def draw(
    candidates: Iterable[Candidate],
    *,
    per_agent: Mapping[int, int] | int,
    seed: int,
    shares: Mapping[str, float] | None = None,
    criterion: str | None = None,
) -> list[Pick]:
    """Pick up to N calls per agent: strata shares first, then at random; or the N lowest on one criterion."""
    by_agent: dict[int, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_agent[c.agent_id].append(c)
    picks: list[Pick] = []
    for agent_id in sorted(by_agent):
        n = per_agent if isinstance(per_agent, int) else per_agent.get(agent_id, 0)
        if n <= 0:
            continue
        rng = random.Random(f"{seed}:{agent_id}")
        for c, stratum in _draw_agent(by_agent[agent_id], n, shares or {}, criterion, rng):
            picks.append(Pick(c.call_id, agent_id, stratum))
    return picks


def period_bounds(period: str, day: date) -> tuple[datetime, datetime]:
    """The UTC week (Monday to Monday) or calendar month holding `day`."""
    if period == Period.MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    else:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
    return (
        datetime(start.year, start.month, start.day, tzinfo=UTC),
        datetime(end.year, end.month, end.day, tzinfo=UTC),
    )
