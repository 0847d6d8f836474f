"""Plain-dict context for the agent's coaching pages (my coaching, a sheet's history), the disputes page and the
coaching part of the call page; templates only format."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.choices import Permission
from app.auth.models import User
from app.calls.models import Call
from app.calls.sections import call_section
from app.coaching.choices import DisputeStatus
from app.coaching.history import dispute_deadline, is_owner
from app.coaching.models import CoachingSheet, Comment, Dispute
from app.coaching.services import replacing_sheet, sheet_for
from app.db import utcnow
from app.extensions import db
from app.review.services import latest_review
from app.scoring.models import CriterionScore, Evaluation, EvaluationStatus
from app.scoring.pages import criterion_title, ui_language
from app.scoring.queries import current_final
from app.scoring.rubrics import bundled_rubrics
from app.teams.models import Agent
from app.ui.charts import day_label, line_chart

TREND_POINTS = 12
STATUS_LABELS = {
    DisputeStatus.OPEN: _l("Open"),
    DisputeStatus.ACCEPTED: _l("Accepted"),
    DisputeStatus.REJECTED: _l("Rejected"),
}


def sheet_rows(session: Session, agent_id: int) -> list[dict[str, Any]]:
    """The agent's sheets, newest first; unacknowledged current ones are new, and a sheet a later revision of its
    call replaced names the sheet that replaced it."""
    rows = session.execute(
        select(CoachingSheet, Evaluation.total, Evaluation.revision, Call.call_date, Call.id)
        .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(CoachingSheet.agent_id == agent_id)
        .order_by(CoachingSheet.created_at.desc(), CoachingSheet.id.desc())
    ).all()
    newest: dict[int, tuple[int, int]] = {}  # call -> (revision, sheet) of its newest sheet
    for sheet, _total, revision, _when, call_id in rows:
        newest[call_id] = max(newest.get(call_id, (revision, sheet.id)), (revision, sheet.id))
    listed = []
    for sheet, total, _revision, call_date, call_id in rows:
        replaced_by = newest[call_id][1] if newest[call_id][1] != sheet.id else None
        listed.append(
            {
                "id": sheet.id,
                "created_at": sheet.created_at,
                "call_date": call_date,
                "call_id": call_id,
                "total": total,
                "new": sheet.acknowledged_at is None and replaced_by is None,
                "acknowledged_at": sheet.acknowledged_at,
                "replaced_by": replaced_by,
            }
        )
    return listed


def _rubric_position(key: str) -> tuple[int, str]:
    """Where a criterion stands in the bundled rubrics (listening first, as on a sheet); others after, by key."""
    order = [c.id for spec in bundled_rubrics().values() for c in spec.criteria]
    return (order.index(key), key) if key in order else (len(order), key)


def criterion_trends(session: Session, agent_id: int) -> list[dict[str, Any]]:
    """One small chart per criterion over the agent's last final evaluations, in the rubric's order."""
    recent = (
        select(Evaluation.id, Call.call_date)
        .join(Call, Call.id == Evaluation.call_id)
        .where(Call.agent_id == agent_id, current_final())
        .order_by(Call.call_date.desc())
        .limit(TREND_POINTS)
        .subquery()
    )
    rows = session.execute(
        select(recent.c.id, recent.c.call_date, CriterionScore.criterion_key, CriterionScore.score)
        .join(CriterionScore, CriterionScore.evaluation_id == recent.c.id)
        .where(CriterionScore.na.is_(False))
        .order_by(recent.c.call_date, recent.c.id)
    ).all()
    order = list(dict.fromkeys((eid, when) for eid, when, _, _ in rows))
    position = {eid: i for i, (eid, _) in enumerate(order)}
    labels = [day_label(when) for _, when in order]
    series: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(order))
    for eid, _when, key, score in rows:
        series[key][position[eid]] = score
    charts = []
    for key, values in sorted(series.items(), key=lambda item: _rubric_position(item[0])):
        title = criterion_title(key)
        latest = next((v for v in reversed(values) if v is not None), None)
        charts.append(
            {"key": key, "title": title, "latest": latest, "svg": line_chart(labels, {title: values}, title=str(title))}
        )
    return charts


def action_items(session: Session, agent_id: int) -> list[dict[str, Any]]:
    """Open action items from the agent's current final evaluations, soonest due first."""
    try:
        from app.review.models import ActionItem
    except ImportError:
        return []
    rows = session.execute(
        select(ActionItem, Call.call_date)
        .join(Evaluation, Evaluation.id == ActionItem.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(Call.agent_id == agent_id, ActionItem.done.is_(False), current_final())
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    ).all()
    today = utcnow().date()
    return [
        {
            "text": item.text,
            "due_date": item.due_date,
            "call_date": call_date,
            "overdue": item.due_date is not None and item.due_date < today,
        }
        for item, call_date in rows
    ]


def practice_results(session: Session, agent_id: int) -> list[dict[str, Any]]:
    """Role-play practices of the agent: shown apart from call scores."""
    from app.roleplay.pages import practice_rows
    from app.roleplay.services import agent_practices

    return practice_rows(session, agent_practices(session, agent_id))


def my_coaching(session: Session, agent_id: int | None) -> dict[str, Any]:
    if agent_id is None:
        return {"sheets": [], "trends": [], "actions": [], "new_count": 0, "practices": []}
    sheets = sheet_rows(session, agent_id)
    return {
        "sheets": sheets,
        "trends": criterion_trends(session, agent_id),
        "actions": action_items(session, agent_id),
        "new_count": sum(s["new"] for s in sheets),
        "practices": practice_results(session, agent_id),
    }


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _history(session: Session, sheet: CoachingSheet) -> list[dict[str, Any]]:
    comments = session.scalars(select(Comment).where(Comment.sheet_id == sheet.id)).all()
    disputes = session.scalars(select(Dispute).where(Dispute.sheet_id == sheet.id)).all()
    names = _names(
        session,
        {c.author_id for c in comments}
        | {d.raised_by_id for d in disputes}
        | {d.resolved_by_id for d in disputes if d.resolved_by_id},
    )
    events = [{"at": sheet.created_at, "kind": "issued"}]
    if sheet.acknowledged_at:
        events.append({"at": sheet.acknowledged_at, "kind": "acknowledged"})
    events += [{"at": c.created_at, "kind": "comment", "who": names.get(c.author_id), "text": c.body} for c in comments]
    for d in disputes:
        events.append(
            {
                "at": d.created_at,
                "kind": "dispute",
                "who": names.get(d.raised_by_id),
                "text": d.reason,
                "criterion": criterion_title(d.criterion_key),
                "status": STATUS_LABELS[d.status],
                "status_key": d.status,
                "id": d.id,
            }
        )
        if d.resolved_at:
            events.append(
                {
                    "at": d.resolved_at,
                    "kind": d.status,
                    "who": names.get(d.resolved_by_id),
                    "text": d.resolution,
                    "criterion": criterion_title(d.criterion_key),
                }
            )
    return sorted(events, key=lambda e: e["at"])


def sheet_page(session: Session, sheet: CoachingSheet, user: User, window_days: int) -> dict[str, Any]:
    """A sheet's history with what this user may still do on it."""
    evaluation = session.get(Evaluation, sheet.evaluation_id)
    agent = session.get(Agent, sheet.agent_id)
    deadline = dispute_deadline(sheet, window_days)
    owner = is_owner(user, sheet)
    replacement = replacing_sheet(session, sheet)
    open_keys = set(
        session.scalars(
            select(Dispute.criterion_key).where(Dispute.sheet_id == sheet.id, Dispute.status == DisputeStatus.OPEN)
        )
    )
    criteria = [
        {
            "key": c.criterion_key,
            "title": criterion_title(c.criterion_key),
            "score": c.score,
            "na": c.na,
            "na_reason": c.na_reason_in(ui_language()),
            "disputed": c.criterion_key in open_keys,
        }
        for c in evaluation.criteria
    ]
    return {
        "sheet": sheet,
        "agent": agent.name if agent else "",
        "call_date": evaluation.call.call_date,
        "call_id": evaluation.call_id,
        "total": evaluation.total,
        "revision": evaluation.revision,
        "criteria": criteria,
        "events": _history(session, sheet),
        "deadline": deadline,
        "replaced_by": replacement.id if replacement else None,
        "can_acknowledge": owner and sheet.acknowledged_at is None and replacement is None,
        "can_dispute": owner and utcnow() <= deadline and replacement is None,
        "disputable": [c for c in criteria if not c["disputed"] and not c["na"]],
        "is_owner": owner,
    }


def open_disputes(session: Session) -> list[dict[str, Any]]:
    """Every open dispute, oldest first, with the score it is about."""
    rows = session.execute(
        select(Dispute, Agent.name, Call, CriterionScore)
        .join(CoachingSheet, CoachingSheet.id == Dispute.sheet_id)
        .join(Agent, Agent.id == CoachingSheet.agent_id)
        .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .outerjoin(
            CriterionScore,
            (CriterionScore.evaluation_id == Evaluation.id) & (CriterionScore.criterion_key == Dispute.criterion_key),
        )
        .where(Dispute.status == DisputeStatus.OPEN)
        .order_by(Dispute.created_at, Dispute.id)
    ).all()
    return [
        {
            "id": d.id,
            "sheet_id": d.sheet_id,
            "agent": name,
            "call_id": call.id,
            "call_date": call.call_date,
            "score": cs.score if cs else None,
            "criterion": criterion_title(d.criterion_key),
            "reason": d.reason,
            "created_at": d.created_at,
            "evidence": _evidence(cs),
        }
        for d, name, call, cs in rows
    ]


def _evidence(cs: CriterionScore | None) -> list[dict[str, Any]]:
    """What the disputed score rests on, in call order: when, which line, for or against, why."""
    if cs is None:
        return []
    return [
        {"at": e.start, "segment": e.segment_index, "sign": e.sign, "explanation": e.explanation_in(ui_language())}
        for e in sorted(cs.evidence, key=lambda e: e.start)
    ]


def open_dispute_count(session: Session) -> int:
    return session.scalar(select(func.count(Dispute.id)).where(Dispute.status == DisputeStatus.OPEN)) or 0


@call_section(order=1)
def review_links(call: Call, user: User):
    """Links from the call page to its review (draft or final) and to its coaching sheet, for those who may open
    them: reviewers always, the call's agent once a sheet is issued."""
    head = latest_review(db.session, call)
    final = head if head is not None and head.status == EvaluationStatus.FINAL else None
    sheet = sheet_for(db.session, final.id) if final is not None else None
    reviewer = user.can(Permission.REVIEW_CALLS)
    if not reviewer and sheet is None:
        return None
    return "coaching/_call_links.html", {
        "call_id": call.id,
        "reviewer": reviewer,
        "status": head.status if head else None,
        "revision": final.revision if final else None,
        "sheet_id": sheet.id if sheet else None,
    }
