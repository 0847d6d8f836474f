"""The scorer's accuracy against final reviews: the queries, and the fit of a rubric to a team's reviews."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.calls.models import Call
from app.reports.accuracy import Pair
from app.reports.queries import week_start
from app.reports.services import TeamFilter
from app.review.choices import Verdict
from app.review.models import EvidenceVerdict
from app.scoring.choices import EvidenceSource
from app.scoring.fit import FitResult, FitSettings, Reviewed, fit_rubric
from app.scoring.models import CriterionScore, Evaluation, Evidence, Rubric, RubricVersion
from app.scoring.queries import current_final

EXAMPLES = 3  # calls linked per evidence line


def versions_reviewed(session: Session) -> list[tuple[int, str, str, int]]:
    """Rubric versions with final reviews: (version id, rubric key, 'key vN', reviews), newest first."""
    rows = session.execute(
        select(RubricVersion.id, Rubric.key, RubricVersion.version, func.count(Evaluation.id))
        .join(Rubric, Rubric.id == RubricVersion.rubric_id)
        .join(Evaluation, and_(Evaluation.rubric_version_id == RubricVersion.id, current_final()))
        .group_by(RubricVersion.id, Rubric.key, RubricVersion.version)
        .order_by(Rubric.key, RubricVersion.version.desc())
    ).all()
    return [(vid, key, f"{key} v{number}", count) for vid, key, number, count in rows]


def _reviewed(flt: TeamFilter, version_id: int):
    return and_(current_final(), flt.where(), Evaluation.rubric_version_id == version_id)


def pairs(session: Session, flt: TeamFilter, version_id: int) -> list[Pair]:
    """Every criterion a final review scored (not N/A) beside the automatic score, with the call's week."""
    week = week_start(Call.call_date, session.get_bind().dialect.name)
    rows = session.execute(
        select(CriterionScore.criterion_key, CriterionScore.auto_score, CriterionScore.score, week)
        .join(Evaluation, Evaluation.id == CriterionScore.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(
            _reviewed(flt, version_id),
            CriterionScore.na.is_(False),
            CriterionScore.score.is_not(None),
            CriterionScore.auto_score.is_not(None),
        )
    ).all()
    return [Pair(key, float(auto), float(final), w) for key, auto, final, w in rows]


def _grouped(rows, limit: int) -> list[dict[str, Any]]:
    """(key..., call id, text) rows -> the most frequent keys with their count, first calls and texts."""
    groups: dict[tuple, dict[str, Any]] = defaultdict(lambda: {"count": 0, "calls": [], "texts": []})
    for *key, call_id, text in rows:
        group = groups[tuple(key)]
        group["count"] += 1
        if call_id not in group["calls"] and len(group["calls"]) < EXAMPLES:
            group["calls"].append(call_id)
        if text and text not in group["texts"] and len(group["texts"]) < EXAMPLES:
            group["texts"].append(text)
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1]["count"], kv[0]))[:limit]
    return [{"key": key, **group} for key, group in ranked]


def rejected_evidence(session: Session, flt: TeamFilter, version_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The automatic evidence reviewers rejected most often, by criterion, rule and direction."""
    rows = session.execute(
        select(
            EvidenceVerdict.criterion_key,
            EvidenceVerdict.rule,
            EvidenceVerdict.sign,
            EvidenceVerdict.call_id,
            Evidence.explanation,
        )
        .join(Evidence, Evidence.id == EvidenceVerdict.evidence_id)
        .join(Evaluation, Evaluation.id == EvidenceVerdict.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(_reviewed(flt, version_id), EvidenceVerdict.verdict == Verdict.REJECTED)
        .order_by(Call.call_date.desc(), EvidenceVerdict.id)
    ).all()
    return _grouped(rows, limit)


def added_evidence(session: Session, flt: TeamFilter, version_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Where reviewers added evidence of their own most often, by criterion and direction, with their notes."""
    rows = session.execute(
        select(CriterionScore.criterion_key, Evidence.sign, Evaluation.call_id, Evidence.explanation)
        .join(CriterionScore, CriterionScore.id == Evidence.criterion_score_id)
        .join(Evaluation, Evaluation.id == CriterionScore.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(_reviewed(flt, version_id), Evidence.source == EvidenceSource.REVIEWER)
        .order_by(Call.call_date.desc(), Evidence.id)
    ).all()
    return _grouped(rows, limit)


def reviewed_calls(session: Session, flt: TeamFilter, version: RubricVersion, nlp) -> list[Reviewed]:
    """The current final reviews of any version of this rubric in the filter, as fit samples: the call read as
    the version's detectors read it, and the reviewer's score per criterion (None where N/A)."""
    from app.scoring.engine import context_for
    from app.scoring.services import spec_of
    from app.transcription.services import to_interchange

    spec = spec_of(version)
    evaluations = session.scalars(
        select(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .join(RubricVersion, RubricVersion.id == Evaluation.rubric_version_id)
        .where(current_final(), flt.where(), RubricVersion.rubric_id == version.rubric_id)
        .order_by(Evaluation.id)
    ).all()
    samples = []
    for evaluation in evaluations:
        if evaluation.call.transcript is None:
            continue
        scores = {c.criterion_key: None if c.na else c.score for c in evaluation.criteria}
        samples.append(Reviewed(context_for(to_interchange(evaluation.call.transcript), spec, nlp=nlp), scores))
    return samples


def fit_to_reviews(session: Session, flt: TeamFilter, version: RubricVersion, settings: FitSettings) -> FitResult:
    """Fit `version` to the final reviews in the filter (TooFewReviews when no criterion has enough)."""
    from app.scoring.services import nlp_for, spec_of

    samples = reviewed_calls(session, flt, version, nlp_for(spec_of(version).language))
    return fit_rubric(spec_of(version), samples, settings)
