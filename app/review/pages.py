"""Plain-dict context for the review pages: queue, review screen, calibration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls.models import Call
from app.review import assignments, calibration
from app.review.models import CalibrationSession, ReviewAssignment, SamplingPlan
from app.review.services import Judgement, action_items, evidence_key, reason_needed, verdicts_of
from app.scoring.choices import EvaluationKind
from app.scoring.models import Evaluation
from app.scoring.pages import evaluation_view
from app.scoring.services import spec_of
from app.transcription.pages import transcript_section

STRATUM_LABELS = {
    "random": _l("At random"),
    "lowest_scores": _l("Lowest scores"),
    "flagged": _l("Flagged"),
    "long_silence": _l("Long silences"),
    "negative_reaction": _l("Negative reaction"),
    "criterion": _l("Targeted criterion"),
}
ERROR_LABELS = {
    "a reason is required": _l("A reason is required when the score changes or is under the threshold."),
    "a score from 0 to 100": _l("A score from 0 to 100, or N/A."),
    "unknown criterion": _l("Unknown criterion."),
    assignments.SHARES_OVER_100: _l("the shares add up to more than 100 %."),
    calibration.TOO_FEW_REVIEWERS: _l("A calibration needs at least two reviewers."),
    calibration.NOT_SCORED: _l("This call has no automatic score yet: it can be calibrated once it is scored."),
    calibration.NOT_PARTICIPANT: _l("You are not a participant of this calibration: nothing was saved."),
    calibration.CLOSED: _l("The scores are revealed and the calibration is closed: nothing was saved."),
    calibration.SCORE_RANGE: _l("Every criterion needs a score from 0 to 100, or N/A: nothing was saved."),
    calibration.ALL_NA: _l(
        "Score at least one criterion: a calibration with every criterion N/A says nothing about the call."
    ),
}


def error_label(message: str) -> str:
    """What the user reads for a service's error message."""
    return str(ERROR_LABELS.get(message, message))


def assignment_rows(session: Session, rows: list[ReviewAssignment]) -> list[dict[str, Any]]:
    calls = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_([r.call_id for r in rows])))}
    reviewers = {u.id: u for u in session.scalars(select(User).where(User.id.in_([r.reviewer_id for r in rows])))}
    return [
        {
            "id": r.id,
            "call_id": r.call_id,
            "agent": calls[r.call_id].agent.name,
            "call_date": calls[r.call_id].call_date,
            "due_at": r.due_at,
            "overdue": assignments.is_overdue(r),
            "stratum": STRATUM_LABELS.get(r.stratum or "", r.stratum),
            "seed": r.seed,
            "reviewer": reviewers[r.reviewer_id].name if r.reviewer_id in reviewers else "–",
        }
        for r in rows
    ]


def queue_page(session: Session, user: User, today: date) -> dict[str, Any]:
    mine = assignments.open_assignments(session, user)
    everyone = assignments.open_assignments(session)
    plans = session.scalars(select(SamplingPlan).where(SamplingPlan.active.is_(True)).order_by(SamplingPlan.name)).all()
    return {
        "mine": assignment_rows(session, mine),
        "everyone": assignment_rows(session, everyone),
        "overdue_count": sum(1 for r in everyone if assignments.is_overdue(r)),
        "plans": [
            {
                "plan": p,
                "strata": {STRATUM_LABELS.get(k, k): v for k, v in (p.strata or {}).items()},
                "coverage": assignments.coverage(session, p, today),
            }
            for p in plans
        ],
    }


def _judged(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The reviewer's verdicts on this evaluation's evidence, by evidence key."""
    verdicts = verdicts_of(session, evaluation)
    return {
        evidence_key(c.criterion_key, e): verdicts[e.id]
        for c in evaluation.criteria
        for e in c.evidence
        if e.id in verdicts
    }


def review_criteria(
    evaluation: Evaluation,
    user: User,
    session: Session | None = None,
    submitted: Sequence[Judgement] | None = None,
) -> list[dict[str, Any]]:
    """The scores with their evidence, plus what the review form needs per criterion.

    `submitted`: the verdicts of a form that was not saved, shown as the reviewer gave them rather than as stored.
    """
    view = evaluation_view(evaluation, user)
    rows = {c.criterion_key: c for c in evaluation.criteria}
    judged = _judged(session, evaluation) if session is not None and evaluation.kind == EvaluationKind.REVIEW else {}
    if submitted is not None:
        judged = {j.key: j for j in submitted}
    for c in view["criteria"]:
        row = rows[c["id"]]
        c["reason"] = row.reason
        c["needs_reason"] = reason_needed(evaluation, row)
        c["difference"] = None if row.score is None or row.auto_score is None else row.score - row.auto_score
        for e in c["positive"] + c["negative"]:
            e["key"] = f"{c['id']}:{e['segment']}:{e['char_start']}:{e['char_end']}:{e['sign']}:{e['rule']}"
            verdict = judged.get(e["key"])
            e["verdict"] = verdict.verdict if verdict else ""
            e["verdict_reason"] = verdict.reason if verdict else ""
    return view["criteria"]


def review_page(
    session: Session, call: Call, evaluation: Evaluation, user: User, submitted: Sequence[Judgement] | None = None
) -> dict[str, Any]:
    transcript = transcript_section(call, user)
    spec = spec_of(evaluation.rubric_version)
    view = evaluation_view(evaluation, user)
    return {
        "call": call,
        "evaluation": evaluation,
        "summary": {k: view[k] for k in ("status", "total", "auto_failed", "threshold", "rubric")},
        "criteria": review_criteria(evaluation, user, session, submitted),
        "threshold": spec.threshold,
        "transcript": transcript[1] if transcript else None,
        "actions": action_items(session, evaluation) if evaluation.kind == EvaluationKind.REVIEW else [],
    }


# What later stages add to a final review's page (coaching: the sheet's id for its links), as template variables
# from the session and the final evaluation: review imports none of them.
FinalPageExtra = Callable[[Session, Evaluation], dict[str, Any]]
_FINAL_PAGE_EXTRAS: list[FinalPageExtra] = []


def final_page_extra(fn: FinalPageExtra) -> FinalPageExtra:
    """Register a contributor of template variables to the final review page."""
    if fn not in _FINAL_PAGE_EXTRAS:
        _FINAL_PAGE_EXTRAS.append(fn)
    return fn


def final_page_extras(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    return {k: v for extra in _FINAL_PAGE_EXTRAS for k, v in extra(session, evaluation).items()}


def calibration_page(session: Session, cal: CalibrationSession, user: User) -> dict[str, Any]:
    lang = str(get_locale() or "en")[:2]
    titles = {c.id: c.title.get(lang) for c in spec_of(cal.rubric_version).criteria}
    names = {
        u.id: u.name
        for u in session.scalars(select(User).where(User.id.in_([p.reviewer_id for p in cal.participants])))
    }
    mine = {s.criterion_key: s.score for s in calibration.visible_scores(cal, user) if s.reviewer_id == user.id}
    page: dict[str, Any] = {
        "cal": cal,
        "names": names,
        "titles": titles,
        "participants": [
            {"name": names.get(p.reviewer_id, "?"), "submitted": p.submitted_at is not None} for p in cal.participants
        ],
        "is_participant": calibration.participant(cal, user) is not None,
        "may_reveal": calibration.may_reveal(cal, user),
        "can_reveal_now": calibration.scored_count(cal) >= calibration.MIN_SCORED_TO_REVEAL,
        "mine": mine,
        "revealed": cal.revealed_at is not None,
    }
    if cal.revealed_at is not None:
        page["results"] = calibration.results(cal)
    return page
