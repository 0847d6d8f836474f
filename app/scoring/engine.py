"""score_transcript: run a rubric's detectors on a transcript and combine them into a weighted score."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.scoring.context import DetectorContext, build_context
from app.scoring.detectors.registry import get_detector
from app.scoring.rubrics import Criterion, DetectorSpec, RubricSpec
from app.scoring.types import NO_CUSTOMER, DetectorResult, Evidence
from app.transcription.interchange import Transcript

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    id: str
    score: float | None  # 0-100, higher is better; None when N/A
    weight: float
    confidence: float  # 0..1
    na: bool
    auto_failed: bool
    evidence: tuple[Evidence, ...]
    # When N/A, why: the occasion the call did not give, ((language, text), ...) in every interface language.
    na_reason: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "weight": self.weight,
            "confidence": self.confidence,
            "na": self.na,
            "na_reason": dict(self.na_reason) or None,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class ScoreResult:
    rubric_id: str
    rubric_version: int
    language: str
    total: float | None  # weighted over applicable criteria; 0 when auto-failed; None when nothing applies
    auto_failed: bool
    threshold: float
    criteria: tuple[CriterionScore, ...]

    @property
    def passed(self) -> bool:
        return not self.auto_failed and self.total is not None and self.total >= self.threshold

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric_id,
            "version": self.rubric_version,
            "total": self.total,
            "auto_failed": self.auto_failed,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def score_transcript(transcript: Transcript, rubric: RubricSpec, *, nlp: Language | None = None) -> ScoreResult:
    """Score one transcript against a rubric (pure: no database, no Flask)."""
    ctx = context_for(transcript, rubric, nlp=nlp)
    language = ctx.language
    cache: dict[tuple[str, tuple[Any, ...]], DetectorResult] = {}
    criteria = tuple(_criterion(ctx, crit, cache) for crit in rubric.criteria)
    auto_failed = any(c.auto_failed for c in criteria)
    total = weighted_total([(c.weight, None if c.na else c.score) for c in criteria], auto_failed=auto_failed)
    logger.debug("scored %d segments with %s v%d: %s", len(transcript.segments), rubric.id, rubric.version, total)
    return ScoreResult(rubric.id, rubric.version, language, total, auto_failed, rubric.threshold, criteria)


def context_for(transcript: Transcript, rubric: RubricSpec, *, nlp: Language | None = None) -> DetectorContext:
    """What the detectors read, built once per transcript (language, parse, lexicons, behaviours)."""
    from app.scoring.nlp import get_nlp

    language = transcript.language if transcript.language in ("fr", "en") else rubric.language
    return build_context(transcript, nlp if nlp is not None else get_nlp(language), rubric.lexicons, language)


def run_detector(ctx: DetectorContext, spec: DetectorSpec, cache: dict) -> DetectorResult:
    """One detector's verdict on a call; `cache` (one dict per call) keeps it per name and parameters."""
    key = (spec.name, tuple(sorted(spec.params.items())))
    if key not in cache:
        cache[key] = get_detector(spec.name).func(ctx, spec.params)
    return cache[key]


def out_of_scope(ctx: DetectorContext, crit: Criterion) -> bool:
    """The criterion's N/A rule: too few agent or customer words, or too short a call."""
    return out_of_scope_reason(ctx, crit) is not None


def out_of_scope_reason(ctx: DetectorContext, crit: Criterion) -> tuple[tuple[str, str], ...] | None:
    """Which of the criterion's N/A rules the call falls under, in every interface language (None: in scope)."""
    if crit.na.min_customer_words and ctx.speaker_words("customer") < crit.na.min_customer_words:
        return NO_CUSTOMER.na_reason
    if ctx.agent_words() < crit.na.min_agent_words:
        return (("fr", "L'agent parle trop peu pour en juger"), ("en", "The agent says too little to judge"))
    if ctx.transcript.duration < crit.na.min_duration_s:
        return (("fr", "L'appel est trop court pour en juger"), ("en", "The call is too short to judge"))
    return None


def combine(crit: Criterion, scores: Sequence[float | None]) -> float | None:
    """The criterion score from its detectors' scores (in `crit.detectors` order): their weighted mean over
    those that apply; None (N/A) when none does and N/A is allowed, else 0."""
    scored = [(spec.weight, s) for spec, s in zip(crit.detectors, scores, strict=True) if s is not None]
    if not scored:
        return None if crit.na.allowed else 0.0
    return round(sum(w * s for w, s in scored) / sum(w for w, _ in scored), 1)


def fails(crit: Criterion, score: float | None) -> bool:
    """Whether this score auto-fails the call: the criterion has auto-fail and the score is under its bar."""
    return bool(crit.auto_fail and score is not None and score < crit.fail_below)


def weighted_total(scores: Iterable[tuple[float, float | None]], *, auto_failed: bool) -> float | None:
    """The call's total from (weight, score) pairs, score None when N/A: the weighted mean over the criteria that
    apply; 0 when auto-failed; None when none applies. The scorer and the review both use it."""
    if auto_failed:
        return 0.0
    applicable = [(w, s) for w, s in scores if s is not None]
    weight = sum(w for w, _ in applicable)
    return round(sum(w * s for w, s in applicable) / weight, 1) if weight else None


def _criterion(ctx: DetectorContext, crit: Criterion, cache: dict) -> CriterionScore:
    agent_words = ctx.agent_words()
    reason = out_of_scope_reason(ctx, crit)
    if reason is not None:
        return _na(crit, reason)
    results = [(spec, run_detector(ctx, spec, cache)) for spec in crit.detectors]
    score = combine(crit, [r.score for _, r in results])
    if score is None:
        return _na(crit, next((r.na_reason for _, r in results if r.na_reason), NO_OCCASION))
    evidence = _unquote_absences(tuple(_with_tip(e, crit, ctx.language) for _, r in results for e in r.evidence))
    observations = sum(r.observations for _, r in results if r.score is not None)
    return CriterionScore(
        crit.id,
        score,
        crit.weight,
        _confidence(ctx, agent_words, observations, len(evidence)),
        False,
        fails(crit, score),
        evidence,
    )


def _na(crit: Criterion, reason: tuple[tuple[str, str], ...]) -> CriterionScore:
    return CriterionScore(crit.id, None, crit.weight, 1.0, True, False, (), reason)


NO_OCCASION = (("fr", "L'appel n'en a pas donné l'occasion"), ("en", "The call gave no occasion for it"))


def _with_tip(evidence: Evidence, crit: Criterion, language: str) -> Evidence:
    """Negative evidence gets the tip that answers it; positive evidence the tip it reinforces (the one for its
    rule, else the criterion's general tip), so no evidence shows an empty tip."""
    from dataclasses import replace

    return replace(evidence, tip=crit.tip_for(evidence.rule, language))


def _unquote_absences(evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """Something missing ('no_farewell') is pinned to the segment where it was due; when that segment also holds a
    strength of the same criterion, quoting its words as an area to improve would contradict it, so the absence
    keeps its place and explanation but quotes nothing."""
    from dataclasses import replace

    strengths = [e for e in evidence if e.sign > 0]

    def overlaps(e: Evidence) -> bool:
        return any(s.segment == e.segment and s.span[0] < e.span[1] and e.span[0] < s.span[1] for s in strengths)

    return tuple(
        replace(e, text="") if e.sign < 0 and e.rule.startswith("no_") and overlaps(e) else e for e in evidence
    )


def _confidence(ctx: DetectorContext, agent_words: int, observations: int, evidence: int) -> float:
    """Low for short calls, few agent words or little to go on; saturates towards 1."""
    coverage = min(1.0, agent_words / 250) * min(1.0, ctx.transcript.duration / 120)
    support = 1 - math.exp(-(observations + evidence) / 4)
    return round(0.6 * coverage + 0.4 * support, 2)
