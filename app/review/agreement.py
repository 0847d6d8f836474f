"""Agreement between reviewers: Krippendorff's alpha, a pure function.

Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Units with fewer than two
values are not pairable and are ignored; missing values are None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import permutations


def _distance(metric: str, a: float, b: float) -> float:
    if metric == "nominal":
        return 0.0 if a == b else 1.0
    if metric == "interval":
        return (a - b) ** 2
    raise ValueError(f"unknown metric {metric!r}")


def krippendorff_alpha(units: Sequence[Sequence[float | None]], metric: str = "interval") -> float | None:
    """Alpha over units (each a list of the values coders gave it); None when nothing can be compared."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    n = sum(len(values) for values in pairable)
    if n < 2:
        return None
    # Coincidence matrix o[c, k]: every ordered pair of values within a unit, weighted 1 / (m_u - 1).
    coincidences: Counter[tuple[float, float]] = Counter()
    for values in pairable:
        for a, b in permutations(values, 2):
            coincidences[(a, b)] += 1 / (len(values) - 1)
    marginals: Counter[float] = Counter()
    for (a, _), weight in coincidences.items():
        marginals[a] += weight
    observed = sum(w * _distance(metric, a, b) for (a, b), w in coincidences.items()) / n
    expected = sum(marginals[a] * marginals[b] * _distance(metric, a, b) for a in marginals for b in marginals) / (
        n * (n - 1)
    )
    if expected == 0:
        return 1.0 if observed == 0 else None
    return 1 - observed / expected
