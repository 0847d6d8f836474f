"""The score stage against the database: rubric versions, automatic evaluations."""

from __future__ import annotations

import functools
import hashlib
import logging
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record
from app.calls.choices import CallStatus
from app.calls.models import Call
from app.events import publish
from app.jobs.models import Job
from app.jobs.services import active_job, create_job
from app.qa_data.errors import RubricError
from app.scoring import engine
from app.scoring.choices import EvaluationKind, EvaluationStatus, EvidenceSource
from app.scoring.fit import FitResult
from app.scoring.fit_text import calibrated_text
from app.scoring.models import CriterionScore, Evaluation, Evidence, Rubric, RubricVersion
from app.scoring.nlp import get_nlp
from app.scoring.rubrics import RubricSpec, bundled_rubrics, load_rubric_text, rubric_for_language
from app.transcription.services import to_interchange

log = logging.getLogger(__name__)


class ScoringError(ValueError):
    """A call that cannot be scored as asked (no transcript, unknown rubric)."""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def _parse(source: str, sha256: str) -> RubricSpec:
    return load_rubric_text(source, f"rubric {sha256[:12]}")


def spec_of(version: RubricVersion) -> RubricSpec:
    """The validated rubric a stored version holds (parsed once per process)."""
    return _parse(version.source, version.sha256)


def register_rubric(
    session: Session, spec: RubricSpec, text: str, *, created_by_id: int | None = None, strict: bool = False
) -> RubricVersion:
    """Store a rubric's YAML text as a version, or return the identical stored one.

    A changed file that kept its version number becomes the next version, so no stored score ever
    points at text it was not computed with; `strict` (admin uploads) refuses it instead.
    """
    rubric = session.scalars(select(Rubric).where(Rubric.key == spec.id)).first()
    if rubric is None:
        rubric = Rubric(
            key=spec.id, title=spec.title.get(spec.language), language=spec.language, call_type=spec.call_type
        )
        session.add(rubric)
        session.flush()
    sha = _sha(text)
    same = session.scalars(
        select(RubricVersion).where(RubricVersion.rubric_id == rubric.id, RubricVersion.sha256 == sha)
    ).first()
    if same is not None:
        return same
    latest = session.scalar(select(func.max(RubricVersion.version)).where(RubricVersion.rubric_id == rubric.id)) or 0
    if strict and spec.version <= latest:
        raise RubricError("upload", "version", f"must be greater than the current version {latest}")
    version = RubricVersion(
        rubric=rubric,
        version=max(spec.version, latest + 1),
        source=text,
        sha256=sha,
        created_by_id=created_by_id,
    )
    rubric.title = spec.title.get(spec.language)
    session.add(version)
    session.flush()
    record(
        session, "rubric.version_added", target=version, actor_id=created_by_id, rubric=spec.id, version=version.version
    )
    return version


@functools.cache
def _bundled_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _register_bundled(session: Session, spec: RubricSpec) -> RubricVersion:
    """An upsert: two workers registering the same bundled file at once both end up with the one stored row."""
    try:
        with session.begin_nested():
            return register_rubric(session, spec, _bundled_text(spec.source))
    except IntegrityError:
        log.info("rubric %s was registered by another process at the same moment; using theirs", spec.id)
        return register_rubric(session, spec, _bundled_text(spec.source))


def sync_bundled_rubrics(session: Session) -> list[RubricVersion]:
    """Register every bundled rubric file that is new or changed (idempotent: an unchanged file adds nothing)."""
    return [_register_bundled(session, spec) for spec in bundled_rubrics().values()]


def current_version(session: Session, key: str) -> RubricVersion:
    """The newest version of a rubric: the bundled file is registered first if it is new."""
    if key in bundled_rubrics():
        _register_bundled(session, bundled_rubrics()[key])
    version = session.scalars(
        select(RubricVersion).join(Rubric).where(Rubric.key == key).order_by(RubricVersion.version.desc())
    ).first()
    if version is None:
        raise ScoringError(f"unknown rubric {key!r}")
    return version


def rubric_key_for(call: Call) -> str:
    """The team's rubric, else the bundled rubric of the call's language."""
    if call.team.rubric_key:
        return call.team.rubric_key
    return rubric_for_language(call.language or call.team.language).id


def score_call(
    session: Session, call: Call, *, rubric_key: str | None = None, version: RubricVersion | None = None
) -> Evaluation:
    """Score a transcribed call (with the newest version of its rubric, or the `version` given); replaces the
    automatic evaluation of the same rubric version only."""
    if call.transcript is None:
        raise ScoringError(f"call {call.id} has no transcript yet")
    version = version or current_version(session, rubric_key or rubric_key_for(call))
    spec = spec_of(version)
    result = engine.score_transcript(to_interchange(call.transcript), spec, nlp=nlp_for(spec.language))
    session.execute(
        delete(Evaluation).where(
            Evaluation.call_id == call.id,
            Evaluation.kind == EvaluationKind.AUTO,
            Evaluation.status == EvaluationStatus.AUTO,
            Evaluation.rubric_version_id == version.id,
        )
    )
    evaluation = Evaluation(
        call=call,
        rubric_version=version,
        kind=EvaluationKind.AUTO,
        status=EvaluationStatus.AUTO,
        total=result.total,
        auto_failed=result.auto_failed,
    )
    evaluation.criteria = [_criterion_row(i, c) for i, c in enumerate(result.criteria)]
    session.add(evaluation)
    call.status = CallStatus.SCORED
    session.flush()
    record(
        session,
        "evaluation.scored",
        target=evaluation,
        call=call.id,
        rubric=version.rubric.key,
        version=version.version,
        total=result.total,
    )
    publish(session, "call.scored", call, evaluation_id=evaluation.id, total=evaluation.total)
    return evaluation


def nlp_for(language: str):
    """The spaCy pipeline configured for a language (SPACY_MODEL_FR / SPACY_MODEL_EN), loaded once."""
    config = current_app.config
    name = config.get("SPACY_MODEL_FR") if language == "fr" else config.get("SPACY_MODEL_EN")
    return get_nlp(language, name)


def load_models() -> list[str]:
    """Load the spaCy pipelines of both languages now, at web or worker start, so that no request or job waits
    seconds for them; returns the languages loaded (a missing model is logged and loaded on first use)."""
    loaded = []
    for language in ("fr", "en"):
        try:
            nlp_for(language)
            loaded.append(language)
        except (OSError, ImportError, LookupError):
            log.warning("spaCy model for %s could not be loaded at start", language, exc_info=True)
    return loaded


def _criterion_row(position: int, c: engine.CriterionScore) -> CriterionScore:
    row = CriterionScore(
        position=position,
        criterion_key=c.id,
        score=c.score,
        auto_score=c.score,
        weight=c.weight,
        confidence=c.confidence,
        na=c.na,
        auto_fail=c.auto_failed,
        na_explanations=dict(c.na_reason) or None,
    )
    row.evidence = [
        Evidence(
            segment_index=e.segment,
            char_start=e.span[0],
            char_end=e.span[1],
            start=e.start,
            end=e.end,
            rule=e.rule,
            sign=e.sign,
            explanation=e.explanation,
            explanations=dict(e.explanations) or None,
            tip=e.tip or None,
            source=EvidenceSource.AUTO,
        )
        for e in c.evidence
    ]
    return row


def latest_evaluation(session: Session, call: Call) -> Evaluation | None:
    """The evaluation to show: the newest final review, else the newest automatic one."""
    rows = session.scalars(
        select(Evaluation)
        .where(Evaluation.call_id == call.id)
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
    ).all()
    final = [e for e in rows if e.status == EvaluationStatus.FINAL]
    return (final or rows or [None])[0]


def publish_fit(session: Session, result: FitResult, origin: str, *, created_by_id: int | None = None) -> RubricVersion:
    """Store a fit as the rubric's next version (its YAML says where the weights came from); scores already
    stored keep the version they were computed with. FitRefused when no criterion does better on held-out folds."""
    if not result.publishable:
        raise FitRefused("nothing to publish: no criterion does better than the current version on held-out folds")
    base = _stored(session, result.rubric.id, result.rubric.version)
    latest = session.scalar(select(func.max(RubricVersion.version)).where(RubricVersion.rubric_id == base.rubric_id))
    text = calibrated_text(base.source, result, latest + 1, origin)
    spec = load_rubric_text(text, f"{result.rubric.id} v{latest + 1}")
    return register_rubric(session, spec, text, created_by_id=created_by_id, strict=True)


class FitRefused(ValueError):
    """A fit that must not become a rubric version."""


def _stored(session: Session, key: str, number: int) -> RubricVersion:
    row = session.scalars(
        select(RubricVersion).join(Rubric).where(Rubric.key == key, RubricVersion.version == number)
    ).first()
    if row is None:
        raise ScoringError(f"unknown rubric version {key} v{number}")
    return row


def stored_version(session: Session, key: str, number: int | None = None) -> RubricVersion:
    """A stored version of a rubric (the newest when `number` is None); ScoringError when there is none."""
    return current_version(session, key) if number is None else _stored(session, key, number)


def rescore_period(session: Session, version: RubricVersion, since: datetime) -> list[Job]:
    """Queue a score job with `version` for every transcribed call since `since` that was scored with this
    rubric (any version) and has no score job waiting; reviews stay as they are."""
    call_ids = session.scalars(
        select(Evaluation.call_id)
        .distinct()
        .join(RubricVersion, RubricVersion.id == Evaluation.rubric_version_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(
            RubricVersion.rubric_id == version.rubric_id,
            Evaluation.kind == EvaluationKind.AUTO,
            Call.call_date >= since,
        )
        .order_by(Evaluation.call_id)
    ).all()
    jobs = []
    for call in (session.get(Call, i) for i in call_ids):
        if call.transcript is not None and active_job(session, "score", call.id) is None:
            jobs.append(create_job(session, "score", call_id=call.id, target_id=version.id))
    record(
        session,
        "rubric.rescore_requested",
        target=version,
        rubric=version.rubric.key,
        version=version.version,
        since=since.isoformat(),
        calls=len(jobs),
    )
    return jobs


def where_scored(
    query: Select,
    *,
    total: tuple[float | None, float | None] = (None, None),
    criterion: str | None = None,
    criterion_score: tuple[float | None, float | None] = (None, None),
) -> Select:
    """Narrow a query of calls to those whose newest evaluation's total, or one criterion's score, lies in the
    given inclusive ranges (None: open end); a criterion marked N/A matches no range."""
    if total == (None, None) and not criterion:
        return query
    newest = (
        select(Evaluation.call_id, func.max(Evaluation.id).label("evaluation_id"))
        .group_by(Evaluation.call_id)
        .subquery()
    )
    query = query.join(newest, newest.c.call_id == Call.id).join(Evaluation, Evaluation.id == newest.c.evaluation_id)
    query = _in_range(query, Evaluation.total, total)
    if criterion:
        query = query.join(
            CriterionScore,
            (CriterionScore.evaluation_id == Evaluation.id) & (CriterionScore.criterion_key == criterion),
        ).where(CriterionScore.na.is_(False))
        query = _in_range(query, CriterionScore.score, criterion_score)
    return query


def _in_range(query: Select, column, bounds: tuple[float | None, float | None]) -> Select:
    low, high = bounds
    if low is not None:
        query = query.where(column >= low)
    if high is not None:
        query = query.where(column <= high)
    return query
