"""Fitting a rubric to its reviewers (pure: no database, no Flask).

A criterion's score is the weighted mean of its detectors' scores (`engine.combine`), each detector reading its
parameters. The fit moves exactly those numbers: the detector weights within the criterion (when it has more than
one detector) and each detector's decimal parameters (behaviour weights, penalties, saturation scales, time
thresholds), never below zero. It is a coordinate search over a few multiplicative steps, with a pull back toward
the current values worth `pull` reviews, so a handful of reviews cannot swing it. `after` is measured on held-out
folds only (k-fold, seeded); a criterion keeps its current values unless the fit does at least as well there.
The fitted rubric is an ordinary rubric: the engine scores it with no special case.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from app.scoring.context import DetectorContext
from app.scoring.engine import combine, out_of_scope, run_detector
from app.scoring.rubrics import Criterion, DetectorSpec, RubricSpec

FACTORS = (0.5, 0.8, 1.25, 2.0)
MAX_SWEEPS = 4
TOLERANCE = 0.02  # held-out Spearman may dip this much when the mean difference improves
MIN_WEIGHT = 0.001  # rubric files refuse a detector weight of 0
# The ranking (correlation) comes first; how close the levels are (squared error over the reviewers' spread) second.
LEVEL_WEIGHT = 0.2


@dataclass(frozen=True)
class FitSettings:
    min_reviews: int = 30
    folds: int = 5
    seed: int = 0
    pull: float = 10.0  # strength of the pull toward the current values, in reviews


@dataclass(frozen=True)
class Reviewed:
    """One reviewed call: what the detectors read, and the reviewers' score per criterion (None: not scored)."""

    ctx: DetectorContext
    scores: Mapping[str, float | None]
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # detector results, per run


@dataclass(frozen=True)
class Agreement:
    spearman: float | None
    mae: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {"spearman": _round(self.spearman, 3), "mae": _round(self.mae, 2)}


@dataclass(frozen=True)
class CriterionFit:
    id: str
    n: int
    before: Agreement | None = None
    after: Agreement | None = None  # held-out folds only
    detectors: tuple[DetectorSpec, ...] = ()  # the fitted detectors (the current ones when not adopted)
    adopted: bool = False
    refused: str | None = None  # why nothing was fitted

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "n": self.n}
        data["before"] = self.before.to_dict() if self.before else None
        data["after"] = self.after.to_dict() if self.after else None
        data["weights"] = {_name(self.detectors, i): _number(s.weight) for i, s in enumerate(self.detectors)}
        data["params"] = {_name(self.detectors, i): dict(s.params) for i, s in enumerate(self.detectors)}
        data["adopted"] = self.adopted
        if self.refused:
            data["refused"] = self.refused
        return data


@dataclass(frozen=True)
class FitResult:
    rubric: RubricSpec
    criteria: tuple[CriterionFit, ...]
    settings: FitSettings

    @property
    def publishable(self) -> bool:
        return any(c.adopted for c in self.criteria)

    def fitted(self) -> RubricSpec:
        """The rubric with every adopted criterion's fitted detectors."""
        adopted = {c.id: c for c in self.criteria if c.adopted}
        criteria = tuple(
            replace(c, detectors=adopted[c.id].detectors) if c.id in adopted else c for c in self.rubric.criteria
        )
        return replace(self.rubric, criteria=criteria)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric.id,
            "version": self.rubric.version,
            "folds": self.settings.folds,
            "seed": self.settings.seed,
            "criteria": [c.to_dict() for c in self.criteria],
        }


class TooFewReviews(ValueError):
    """No criterion has the minimum number of reviews to fit."""

    def __init__(self, rubric: str, minimum: int, counts: str) -> None:
        super().__init__(
            f"too few reviews to fit {rubric}: at least {minimum} per criterion are needed "
            f"(reviewed and scored: {counts})"
        )
        self.rubric, self.minimum, self.counts = rubric, minimum, counts


# ---------------------------------------------------------------- agreement


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Rank correlation (average ranks for ties); None with fewer than 3 pairs or a constant side."""
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic)


def agreement(auto: Sequence[float | None], final: Sequence[float]) -> Agreement:
    pairs = [(a, f) for a, f in zip(auto, final, strict=True) if a is not None]
    if not pairs:
        return Agreement(None, None)
    xs, ys = [a for a, _ in pairs], [f for _, f in pairs]
    return Agreement(spearman(xs, ys), sum(abs(a - f) for a, f in pairs) / len(pairs))


def not_worse(before: Agreement, after: Agreement) -> bool:
    """The fitted values do at least as well on held-out folds, and better on one measure."""
    if None in (before.mae, after.mae):
        return False
    rho_before, rho_after = before.spearman or 0.0, after.spearman or 0.0
    if after.mae > before.mae or rho_after < rho_before - TOLERANCE:
        return False
    return after.mae < before.mae or rho_after > rho_before


# ---------------------------------------------------------------- the search


@dataclass(frozen=True)
class _Knob:
    detector: int
    param: str | None  # None: the detector's weight in the criterion

    def value(self, specs: tuple[DetectorSpec, ...]) -> float:
        spec = specs[self.detector]
        return spec.weight if self.param is None else spec.params[self.param]

    def set(self, specs: tuple[DetectorSpec, ...], value: float) -> tuple[DetectorSpec, ...]:
        spec = specs[self.detector]
        value = float(f"{value:.4g}")
        if self.param is None:
            changed = replace(spec, weight=max(MIN_WEIGHT, value))
        else:
            changed = replace(spec, params={**spec.params, self.param: value})
        return specs[: self.detector] + (changed,) + specs[self.detector + 1 :]


def knobs(crit: Criterion) -> list[_Knob]:
    """What the fit may move: detector weights (with two detectors or more) and decimal parameters above 0."""
    found = [_Knob(i, None) for i in range(len(crit.detectors))] if len(crit.detectors) > 1 else []
    for i, spec in enumerate(crit.detectors):
        found += [_Knob(i, name) for name, value in spec.params.items() if isinstance(value, float) and value > 0]
    return found


class _Columns:
    """Detector scores per sample, computed once per detector and parameter set (the run's cache)."""

    def __init__(self, samples: Sequence[Reviewed]) -> None:
        self.samples = samples
        self.memo: dict[tuple, list[float | None] | None] = {}

    def detector(self, spec: DetectorSpec) -> list[float | None] | None:
        key = (spec.name, tuple(sorted(spec.params.items())))
        if key not in self.memo:
            try:
                self.memo[key] = [run_detector(s.ctx, spec, s.cache).score for s in self.samples]
            except (ArithmeticError, ValueError, IndexError):  # parameters the detector cannot work with
                self.memo[key] = None
        return self.memo[key]

    def criterion(self, crit: Criterion, specs: tuple[DetectorSpec, ...]) -> list[float | None] | None:
        columns = [self.detector(s) for s in specs]
        if any(c is None for c in columns):
            return None
        fitted = replace(crit, detectors=specs)
        return [combine(fitted, [c[i] for c in columns]) for i in range(len(self.samples))]


def _loss(scores: list[float | None], target: Sequence[float], rows: Sequence[int]) -> float:
    """Squared error relative to the reviewers' spread, plus one minus the linear correlation."""
    pairs = [(scores[i], target[i]) for i in rows if scores[i] is not None]
    if len(pairs) < 2:
        return math.inf
    xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys) or 1.0
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    corr = cov / math.sqrt(var_x * var_y) if var_x > 0 else 0.0
    mse = sum((x - y) ** 2 for x, y in pairs) / len(pairs)
    return LEVEL_WEIGHT * mse / (var_y / len(ys)) + (1.0 - corr)


def _distance(specs: tuple[DetectorSpec, ...], start: tuple[DetectorSpec, ...]) -> float:
    """How far from the current values: squared relative changes of the parameters and weight shares."""
    total = sum(
        ((s.params[k] - s0.params[k]) / s0.params[k]) ** 2
        for s, s0 in zip(specs, start, strict=True)
        for k in s.params
        if isinstance(s0.params[k], float) and s0.params[k] > 0
    )
    if len(specs) > 1:
        weights, weights0 = sum(s.weight for s in specs), sum(s.weight for s in start)
        total += sum(
            ((s.weight / weights - s0.weight / weights0) / (s0.weight / weights0)) ** 2
            for s, s0 in zip(specs, start, strict=True)
        )
    return total


def _search(
    columns: _Columns, crit: Criterion, target: Sequence[float], rows: Sequence[int], pull: float
) -> tuple[DetectorSpec, ...]:
    start = crit.detectors

    def loss(specs: tuple[DetectorSpec, ...]) -> float:
        scores = columns.criterion(crit, specs)
        return math.inf if scores is None else _loss(scores, target, rows) + pull / len(rows) * _distance(specs, start)

    best, best_loss = start, loss(start)
    moves = knobs(crit)
    for _ in range(MAX_SWEEPS):
        improved = False
        for knob in moves:
            current = knob.value(best)
            for candidate in (knob.set(best, current * f) for f in FACTORS):
                value = loss(candidate)
                if value < best_loss - 1e-9:
                    best, best_loss, improved = candidate, value, True
        if not improved:
            break
    return best


def _folds(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def fit_criterion(crit: Criterion, samples: Sequence[Reviewed], settings: FitSettings) -> CriterionFit:
    """Fit one criterion on the samples that have a reviewer score and an automatic score for it."""
    reviewed = [s for s in samples if s.scores.get(crit.id) is not None and not out_of_scope(s.ctx, crit)]
    columns = _Columns(reviewed)
    current = columns.criterion(crit, crit.detectors) or []
    keep = [i for i, score in enumerate(current) if score is not None]
    reviewed = [reviewed[i] for i in keep]
    n = len(reviewed)
    if n < settings.min_reviews:
        return CriterionFit(
            crit.id, n, detectors=crit.detectors, refused=f"{n} review(s), at least {settings.min_reviews} needed"
        )
    columns = _Columns(reviewed)
    target = [float(s.scores[crit.id]) for s in reviewed]
    before_scores = columns.criterion(crit, crit.detectors) or []
    before = agreement(before_scores, target)
    if not knobs(crit):
        return CriterionFit(crit.id, n, before, detectors=crit.detectors, refused="nothing to fit")
    held: list[float | None] = [None] * n
    for fold in _folds(n, max(2, min(settings.folds, n)), settings.seed):
        train = sorted(set(range(n)) - set(fold))
        specs = _search(columns, crit, target, train, settings.pull)
        scores = columns.criterion(crit, specs) or [None] * n
        for i in fold:
            held[i] = scores[i]
    after = agreement(held, target)
    adopted = not_worse(before, after)
    specs = _search(columns, crit, target, range(n), settings.pull) if adopted else crit.detectors
    return CriterionFit(crit.id, n, before, after, _rescaled(specs, crit.detectors), adopted)


def _rescaled(specs: tuple[DetectorSpec, ...], start: tuple[DetectorSpec, ...]) -> tuple[DetectorSpec, ...]:
    """Weights only matter relative to each other: keep their sum, so the file reads like the old one."""
    total, total0 = sum(s.weight for s in specs), sum(s.weight for s in start)
    if len(specs) < 2 or not total:
        return specs
    return tuple(replace(s, weight=max(MIN_WEIGHT, float(f"{s.weight * total0 / total:.4g}"))) for s in specs)


def fit_rubric(
    rubric: RubricSpec,
    samples: Sequence[Reviewed],
    settings: FitSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> FitResult:
    """Fit every criterion the reviewers scored; TooFewReviews when none has `min_reviews` reviews."""
    settings = settings or FitSettings()
    results = []
    for crit in rubric.criteria:
        if progress:
            progress(crit.id)
        results.append(fit_criterion(crit, samples, settings))
    scored = [c for c in results if c.n]
    if not any(c.n >= settings.min_reviews for c in scored):
        counts = ", ".join(f"{c.id} {c.n}" for c in scored) or "none"
        raise TooFewReviews(rubric.id, settings.min_reviews, counts)
    return FitResult(rubric, tuple(results), settings)


# ---------------------------------------------------------------- formatting


def _name(specs: tuple[DetectorSpec, ...], index: int) -> str:
    """A detector's name, numbered when the criterion uses it twice."""
    name = specs[index].name
    twice = [i for i, s in enumerate(specs) if s.name == name]
    return name if len(twice) == 1 else f"{name}#{twice.index(index) + 1}"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
