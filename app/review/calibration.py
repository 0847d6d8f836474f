"""Calibration: several reviewers score one call blind; on reveal, spread, distances and agreement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from statistics import mean, pstdev
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.choices import Permission
from app.auth.models import User
from app.calls.models import Call
from app.db import utcnow
from app.review.agreement import krippendorff_alpha
from app.review.models import CalibrationParticipant, CalibrationScore, CalibrationSession
from app.review.services import ReviewError, latest_auto_evaluation

TOO_FEW_REVIEWERS = "a calibration needs at least two reviewers"
NOT_SCORED = "the call has no automatic evaluation yet"
NOT_PARTICIPANT = "you are not a participant of this calibration"
CLOSED = "the scores are revealed; the calibration is closed"
SCORE_RANGE = "every criterion needs a score from 0 to 100 or N/A"
ALL_NA = "score at least one criterion: every criterion N/A says nothing about the call"


def open_session(session: Session, call: Call, reviewers: list[User], created_by: User) -> CalibrationSession:
    """A blind calibration on a call for at least two reviewers, against its automatic scores."""
    reviewers = list({r.id: r for r in reviewers if r.can(Permission.REVIEW_CALLS)}.values())
    if len(reviewers) < 2:
        raise ReviewError(TOO_FEW_REVIEWERS)
    auto = latest_auto_evaluation(session, call)
    if auto is None:
        raise ReviewError(NOT_SCORED)
    row = CalibrationSession(
        call_id=call.id,
        rubric_version_id=auto.rubric_version_id,
        created_by_id=created_by.id,
        auto_scores={c.criterion_key: (None if c.na else c.score) for c in auto.criteria},
    )
    row.participants = [CalibrationParticipant(reviewer_id=r.id) for r in reviewers]
    session.add(row)
    session.flush()
    record(
        session,
        "calibration.opened",
        target=row,
        actor_id=created_by.id,
        call=call.id,
        reviewers=[r.id for r in reviewers],
    )
    return row


def latest_session(session: Session, call: Call) -> CalibrationSession | None:
    return session.scalars(
        select(CalibrationSession).where(CalibrationSession.call_id == call.id).order_by(CalibrationSession.id.desc())
    ).first()


def participant(cal: CalibrationSession, user: User) -> CalibrationParticipant | None:
    return next((p for p in cal.participants if p.reviewer_id == user.id), None)


def submit(session: Session, cal: CalibrationSession, reviewer: User, scores: Mapping[str, float | None]) -> None:
    """A participant's scores (None = not applicable); replaced until the session is revealed."""
    me = participant(cal, reviewer)
    if me is None:
        raise ReviewError(NOT_PARTICIPANT)
    if cal.revealed_at is not None:
        raise ReviewError(CLOSED)
    unknown = set(scores) - set(cal.auto_scores)
    bad = [k for k, v in scores.items() if v is not None and not 0 <= v <= 100]
    if unknown or bad or set(scores) != set(cal.auto_scores):
        raise ReviewError(SCORE_RANGE)
    if all(v is None for v in scores.values()):
        raise ReviewError(ALL_NA)
    cal.scores = [s for s in cal.scores if s.reviewer_id != reviewer.id]
    session.flush()
    cal.scores += [
        CalibrationScore(reviewer_id=reviewer.id, criterion_key=k, score=v, na=v is None) for k, v in scores.items()
    ]
    me.submitted_at = utcnow()
    session.flush()
    record(session, "calibration.scored", target=cal, actor_id=reviewer.id)


def may_reveal(cal: CalibrationSession, user: User) -> bool:
    """Only whoever opened the calibration (or an admin) ends its blindness."""
    return cal.created_by_id == user.id or user.can(Permission.MANAGE_USERS)


MIN_SCORED_TO_REVEAL = 2


def scored_count(cal: CalibrationSession) -> int:
    return sum(1 for p in cal.participants if p.submitted_at is not None)


def reveal(session: Session, cal: CalibrationSession, who: User) -> None:
    """End the blindness, once at least two reviewers have scored (one reviewer has nobody to agree with)."""
    if not may_reveal(cal, who):
        raise ReviewError("only the reviewer who opened this calibration (or an admin) can reveal the scores")
    if cal.revealed_at is None and scored_count(cal) < MIN_SCORED_TO_REVEAL:
        raise ReviewError("the scores can be revealed once at least two reviewers have scored")
    if cal.revealed_at is None:
        cal.revealed_at = utcnow()
        record(session, "calibration.revealed", target=cal, actor_id=who.id)


def visible_scores(cal: CalibrationSession, user: User) -> list[CalibrationScore]:
    """Blind until reveal: before it, each reviewer sees only their own scores."""
    if cal.revealed_at is not None:
        return list(cal.scores)
    return [s for s in cal.scores if s.reviewer_id == user.id]


def results(cal: CalibrationSession) -> dict[str, Any]:
    """Per criterion: spread and consensus (mean); per reviewer: distance from consensus and from the scorer."""
    reviewers = sorted({s.reviewer_id for s in cal.scores})
    table = {(s.reviewer_id, s.criterion_key): s.score for s in cal.scores}
    criteria, distance_consensus, distance_auto = [], {r: [] for r in reviewers}, {r: [] for r in reviewers}
    for key, auto in cal.auto_scores.items():
        values = {r: table.get((r, key)) for r in reviewers}
        given = [v for v in values.values() if v is not None]
        consensus = mean(given) if given else None
        for r, v in values.items():
            if v is not None and consensus is not None:
                distance_consensus[r].append(abs(v - consensus))
            if v is not None and auto is not None:
                distance_auto[r].append(abs(v - auto))
        criteria.append(
            {
                "key": key,
                "auto": auto,
                "values": values,
                "consensus": consensus,
                "spread": (max(given) - min(given)) if given else None,
                "stdev": pstdev(given) if len(given) > 1 else None,
            }
        )
    per_reviewer = {
        r: {
            "from_consensus": mean(distance_consensus[r]) if distance_consensus[r] else None,
            "from_auto": mean(distance_auto[r]) if distance_auto[r] else None,
        }
        for r in reviewers
    }
    return {
        "reviewers": reviewers,
        "criteria": criteria,
        "per_reviewer": per_reviewer,
        "alpha": krippendorff_alpha([list(c["values"].values()) for c in criteria]),
    }


def period_agreement(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Krippendorff's alpha (interval) over every revealed session of the period: units are (session, criterion)."""
    sessions = session.scalars(
        select(CalibrationSession).where(
            CalibrationSession.revealed_at.is_not(None),
            CalibrationSession.created_at >= start,
            CalibrationSession.created_at < end,
        )
    ).all()
    units = []
    for cal in sessions:
        by_key: dict[str, list[float | None]] = {}
        for s in cal.scores:
            by_key.setdefault(s.criterion_key, []).append(s.score)
        units += list(by_key.values())
    return {"sessions": len(sessions), "units": len(units), "alpha": krippendorff_alpha(units)}
