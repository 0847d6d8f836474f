"""Sampling plans against the database: candidates, draws into the review queue (assignments), overdue, coverage."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from app.audit.services import record
from app.auth.models import User
from app.calls.choices import CallStatus
from app.calls.models import Call, Recording
from app.db import utcnow
from app.review import sampling
from app.review.choices import AssignmentStatus, Period
from app.review.models import ReviewAssignment, SamplingPlan
from app.scoring.choices import EvaluationKind, EvaluationStatus
from app.scoring.models import CriterionScore, Evaluation
from app.teams.models import Agent, Team

log = logging.getLogger(__name__)

# Empathy evidence that only exists when the customer voiced frustration or distress.
NEGATIVE_REACTION_RULES = frozenset({"responds_to_feelings", "ignores_feelings"})


class SamplingError(ValueError):
    """A plan or a draw that cannot be made as asked."""


SHARES_OVER_100 = "strata shares must be positive and add up to at most 100 %"


def create_plan(
    session: Session,
    *,
    team: Team,
    name: str,
    calls_per_agent: int,
    period: str,
    strata: dict[str, Any] | None = None,
    min_duration: float = 60.0,
) -> SamplingPlan:
    """A sampling plan for a team: N calls per agent per week or month."""
    if period not in tuple(Period):
        raise SamplingError(f"unknown period {period!r}")
    shares = {k: float(v) for k, v in (strata or {}).items() if k in sampling.STRATA and v}
    if any(v < 0 for v in shares.values()) or sum(shares.values()) > 1:
        raise SamplingError(SHARES_OVER_100)
    if calls_per_agent < 1:
        raise SamplingError("a plan draws at least one call per agent")
    criterion = (strata or {}).get(sampling.TARGETED) or None
    plan = SamplingPlan(
        team_id=team.id,
        name=name,
        calls_per_agent=calls_per_agent,
        period=period,
        strata={**shares, **({sampling.TARGETED: criterion} if criterion else {})},
        min_duration=min_duration,
    )
    session.add(plan)
    session.flush()
    record(session, "sampling_plan.created", target=plan, team=team.id, strata=plan.strata)
    return plan


def taken_call_ids(session: Session, call_ids: list[int]) -> set[int]:
    """Calls already in the queue (any status) or already reviewed."""
    queued = session.scalars(select(ReviewAssignment.call_id).where(ReviewAssignment.call_id.in_(call_ids)))
    reviewed = session.scalars(
        select(Evaluation.call_id).where(Evaluation.call_id.in_(call_ids), Evaluation.kind == EvaluationKind.REVIEW)
    )
    return set(queued) | set(reviewed)


def _latest_auto(session: Session, call_ids: list[int]) -> dict[int, Evaluation]:
    rows = session.scalars(
        select(Evaluation)
        .where(Evaluation.call_id.in_(call_ids), Evaluation.status == EvaluationStatus.AUTO)
        .options(selectinload(Evaluation.criteria).selectinload(CriterionScore.evidence))
        .order_by(Evaluation.created_at, Evaluation.id)
    )
    return {e.call_id: e for e in rows}  # the newest wins


def _candidate(call: Call, evaluation: Evaluation | None) -> sampling.Candidate:
    metrics = call.transcript.metrics if call.transcript is not None else {}
    criteria = evaluation.criteria if evaluation is not None else []
    return sampling.Candidate(
        call_id=call.id,
        agent_id=call.agent_id,
        duration=call.recording.duration,
        total=evaluation.total if evaluation is not None else None,
        criteria={c.criterion_key: (None if c.na else c.score) for c in criteria},
        flagged=call.swap_suspected or bool(evaluation is not None and evaluation.auto_failed),
        long_silence=bool(((metrics or {}).get("silence") or {}).get("long")),
        negative_reaction=any(e.rule in NEGATIVE_REACTION_RULES for c in criteria for e in c.evidence),
    )


def candidates(session: Session, plan: SamplingPlan, start: datetime, end: datetime) -> list[sampling.Candidate]:
    """The team's scored calls of the period, long enough and not yet reviewed or queued."""
    calls = session.scalars(
        select(Call)
        .join(Recording)
        .join(Agent, Agent.id == Call.agent_id)
        .where(
            Call.team_id == plan.team_id,
            Call.status == CallStatus.SCORED,
            Agent.active.is_(True),
            Call.call_date >= start,
            Call.call_date < end,
        )
        .options(selectinload(Call.transcript), selectinload(Call.recording))
    ).all()
    ids = [c.id for c in calls]
    auto = _latest_auto(session, ids)
    # A call without an automatic score has nothing to review against: it waits for its score.
    every = [_candidate(call, auto[call.id]) for call in calls if call.id in auto and auto[call.id].total is not None]
    return sampling.eligible(every, min_duration=plan.min_duration, taken=taken_call_ids(session, ids))


def _already_planned(session: Session, plan: SamplingPlan, start: datetime, end: datetime) -> dict[int, int]:
    rows = session.execute(
        _per_agent(select(Call.agent_id, func.count(ReviewAssignment.id)), start, end).where(
            ReviewAssignment.plan_id == plan.id
        )
    )
    return dict(rows.all())


def _per_agent(query: Select, start: datetime, end: datetime) -> Select:
    """`query` over the assignments that count in a period (by call date; skipped ones left out), per agent."""
    return (
        query.select_from(ReviewAssignment)
        .join(Call, Call.id == ReviewAssignment.call_id)
        .where(Call.call_date >= start, Call.call_date < end, ReviewAssignment.status != AssignmentStatus.SKIPPED)
        .group_by(Call.agent_id)
    )


def draw(
    session: Session,
    plan: SamplingPlan,
    *,
    day: date,
    reviewer: User | None,
    seed: int | None = None,
    due_days: int = 7,
) -> list[ReviewAssignment]:
    """Draw the period's calls for a plan into the review queue; the seed is recorded on every row."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    start, end = sampling.period_bounds(plan.period, day)
    pool = candidates(session, plan, start, end)
    done = _already_planned(session, plan, start, end)
    agents = {c.agent_id for c in pool}
    need = {a: max(0, plan.calls_per_agent - done.get(a, 0)) for a in agents}
    criterion = (plan.strata or {}).get(sampling.TARGETED)
    picks = sampling.draw(pool, per_agent=need, seed=seed, shares=plan.strata, criterion=criterion)
    due = utcnow() + timedelta(days=due_days)
    rows = [
        ReviewAssignment(
            call_id=p.call_id,
            reviewer_id=reviewer.id if reviewer else None,
            plan_id=plan.id,
            seed=seed,
            stratum=p.stratum,
            due_at=due,
            status=AssignmentStatus.OPEN,
        )
        for p in picks
    ]
    session.add_all(rows)
    session.flush()
    record(
        session,
        "sampling_plan.drawn",
        target=plan,
        seed=seed,
        period=[start.isoformat(), end.isoformat()],
        calls=[p.call_id for p in picks],
    )
    log.info("plan %s drew %d calls with seed %s", plan.id, len(rows), seed)
    return rows


def skip(session: Session, assignment: ReviewAssignment, who: User) -> None:
    """Take an open item out of the queue for good: the call is not drawn again, and the next draw fills its
    place in the plan with another call."""
    _open_or_refuse(assignment)
    assignment.status = AssignmentStatus.SKIPPED
    record(session, "review_assignment.skipped", target=assignment, actor_id=who.id, call=assignment.call_id)


def remove(session: Session, assignment: ReviewAssignment, who: User) -> None:
    """Take an open item out of the queue as if never drawn: the call may be drawn again."""
    _open_or_refuse(assignment)
    record(session, "review_assignment.removed", target=assignment, actor_id=who.id, call=assignment.call_id)
    session.delete(assignment)
    session.flush()


def reassign(session: Session, assignment: ReviewAssignment, reviewer: User, who: User) -> None:
    """Give an open item to another reviewer."""
    _open_or_refuse(assignment)
    assignment.reviewer_id = reviewer.id
    record(session, "review_assignment.reassigned", target=assignment, actor_id=who.id, reviewer=reviewer.id)


def _open_or_refuse(assignment: ReviewAssignment) -> None:
    if assignment.status != AssignmentStatus.OPEN:
        raise SamplingError(_("This call is no longer in the queue."))


def is_overdue(assignment: ReviewAssignment, now: datetime | None = None) -> bool:
    return (
        assignment.status == AssignmentStatus.OPEN
        and assignment.due_at is not None
        and assignment.due_at < (now or utcnow())
    )


def open_assignments(session: Session, reviewer: User | None = None) -> list[ReviewAssignment]:
    """Open assignments, soonest due first; one reviewer's when given."""
    query = select(ReviewAssignment).where(ReviewAssignment.status == AssignmentStatus.OPEN)
    if reviewer is not None:
        query = query.where(ReviewAssignment.reviewer_id == reviewer.id)
    return list(session.scalars(query.order_by(ReviewAssignment.due_at, ReviewAssignment.id)))


def overdue_assignments(session: Session, now: datetime | None = None) -> list[ReviewAssignment]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.status == AssignmentStatus.OPEN, ReviewAssignment.due_at < now)
            .order_by(ReviewAssignment.due_at)
        )
    )


def complete_assignments(session: Session, evaluation: Evaluation) -> None:
    """A finalised review closes the open assignments of its call."""
    rows = session.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.call_id == evaluation.call_id, ReviewAssignment.status == AssignmentStatus.OPEN
        )
    )
    for row in rows:
        row.status, row.evaluation_id = AssignmentStatus.DONE, evaluation.id


def coverage(session: Session, plan: SamplingPlan, day: date) -> list[dict[str, Any]]:
    """Per agent of the plan's team and period: drawn calls reviewed over drawn calls (skipped ones left out),
    counted as the team view counts them; `target` is what the plan asks for."""
    start, end = sampling.period_bounds(plan.period, day)
    agents = session.scalars(
        select(Agent).where(Agent.team_id == plan.team_id, Agent.active.is_(True)).order_by(Agent.name)
    ).all()
    reviewed = func.sum(case((ReviewAssignment.status == AssignmentStatus.DONE, 1), else_=0))
    rows = session.execute(
        _per_agent(select(Call.agent_id, reviewed, func.count()), start, end).where(Call.team_id == plan.team_id)
    ).all()
    counts = {agent_id: (int(done or 0), int(drawn)) for agent_id, done, drawn in rows}
    out = []
    for a in agents:
        done, drawn = counts.get(a.id, (0, 0))
        out.append(
            {
                "agent": a.name,
                "agent_id": a.id,
                "reviewed": done,
                "planned": drawn,
                "target": plan.calls_per_agent,
                "ratio": min(1.0, done / drawn) if drawn else 0.0,
            }
        )
    return out
