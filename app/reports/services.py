"""Team figures as aggregate SQL: every query groups in the database, Python only folds the groups."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from app.calls.models import Call
from app.coaching.choices import DisputeStatus
from app.coaching.models import CoachingSheet, Dispute
from app.db import utcnow
from app.reports.queries import week_start
from app.review.choices import AssignmentStatus
from app.review.models import ReviewAssignment
from app.scoring.choices import EvaluationStatus
from app.scoring.models import CriterionScore, Evaluation, Rubric, RubricVersion
from app.scoring.queries import current_final
from app.teams.models import Agent, Team

AGREEMENT_POINTS = 10
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class TeamFilter:
    """Which evaluations a report covers: a team (or all) and call dates from `start` to `end` inclusive."""

    team_id: int | None
    start: date
    end: date

    @classmethod
    def default(cls, team_id: int | None = None, start: date | None = None, end: date | None = None) -> TeamFilter:
        end = end or utcnow().date()
        return cls(team_id, start or end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), end)

    def where(self):
        conditions = [Call.call_date >= _utc(self.start), Call.call_date < _utc(self.end + timedelta(days=1))]
        if self.team_id:
            conditions.append(Call.team_id == self.team_id)
        return and_(*conditions)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Aggregates:
    """The heavy team-view aggregates of one filter, as of the final evaluations finalised up to `upto`.

    Final evaluations never change, so when new ones appear the figures are brought up to date by adding
    the new current finals and taking away the finals they replaced, instead of aggregating everything again."""

    count: int
    upto: datetime | None
    criteria: dict[tuple, tuple]  # (team, agent, week, criterion) -> (sum, count, gap sum, pairs, close)
    evaluations: dict[tuple, tuple]  # (team, agent, week) -> (total sum, count)
    distribution: tuple[int, ...]

    def rows(self) -> tuple[list, list, list[int]]:
        return (
            [(*k, *v) for k, v in self.criteria.items()],
            [(*k, *v) for k, v in self.evaluations.items()],
            list(self.distribution),
        )

    def plus(self, other: Aggregates, sign: int) -> Aggregates:
        """These figures with another set's groups added (sign +1) or taken away (-1)."""
        return replace(
            self,
            criteria=_merge(self.criteria, other.criteria, sign),
            evaluations=_merge(self.evaluations, other.evaluations, sign),
            distribution=tuple(a + sign * b for a, b in zip(self.distribution, other.distribution, strict=True)),
        )


def _merge(base: dict[tuple, tuple], delta: dict[tuple, tuple], sign: int) -> dict[tuple, tuple]:
    """Group sums added or taken away; a group's second value is its count."""
    out = dict(base)
    for key, values in delta.items():
        old = out.get(key, (0,) * len(values))
        merged = tuple((a or 0) + sign * (b or 0) for a, b in zip(old, values, strict=True))
        if merged[1]:
            out[key] = merged
        else:
            out.pop(key, None)  # the group's last evaluation was replaced
    return out


_CACHE: OrderedDict[tuple, Aggregates] = OrderedDict()
_CACHE_SIZE = 32


def finals_version(session: Session) -> tuple[int, datetime | None]:
    """How many final evaluations exist, and the latest finalisation: what a cached aggregate is as of."""
    count, upto = session.execute(
        select(func.count(Evaluation.id), func.max(Evaluation.finalized_at)).where(
            Evaluation.status == EvaluationStatus.FINAL
        )
    ).one()
    return count, upto


def _aggregate(session: Session, flt: TeamFilter, counted, count: int = 0, upto: datetime | None = None) -> Aggregates:
    criteria = {tuple(r[:4]): tuple(r[4:]) for r in criterion_groups(session, flt, counted)}
    evaluations = {tuple(r[:3]): tuple(r[3:]) for r in evaluation_groups(session, flt, counted)}
    return Aggregates(count, upto, criteria, evaluations, tuple(score_distribution(session, flt, counted)))


_MAX_CATCH_UP = 1000  # more new finals than this since the last view (a bulk import): recount instead


def _caught_up(
    session: Session, flt: TeamFilter, cached: Aggregates, count: int, upto: datetime | None
) -> Aggregates | None:
    """The cached aggregates plus what was finalised since; None when only a full recount is safe.

    The few evaluations involved are found by id first, so the aggregate queries only ever look them up by
    primary key: no plan depends on the planner's statistics (a freshly loaded PostgreSQL has none)."""
    if cached.upto is None or upto is None:
        return None
    final = Evaluation.status == EvaluationStatus.FINAL
    new = dict(
        session.execute(
            select(Evaluation.id, Evaluation.parent_id).where(final, Evaluation.finalized_at > cached.upto)
        ).all()
    )
    if cached.count + len(new) != count or len(new) > _MAX_CATCH_UP:
        return None  # a final evaluation without a date, or one gone, or too many: start again
    parents = {p for p in new.values() if p is not None} - new.keys()
    children = session.execute(
        select(Evaluation.parent_id, Evaluation.finalized_at).where(
            final, Evaluation.parent_id.in_(new.keys() | parents)
        )
    ).all()
    added = new.keys() - {p for p, _ in children}
    counted_parents = set(
        session.scalars(
            select(Evaluation.id).where(final, Evaluation.id.in_(parents), Evaluation.finalized_at <= cached.upto)
        )
    )
    removed = counted_parents - {p for p, at in children if at is not None and at <= cached.upto}
    result = replace(cached, count=count, upto=upto)
    for ids, sign in ((added, +1), (removed, -1)):
        if ids:
            result = result.plus(_aggregate(session, flt, Evaluation.id.in_(ids)), sign)
    return result


def score_aggregates(session: Session, flt: TeamFilter) -> tuple[list, list, list[int]]:
    """The three heavy aggregates (criterion, evaluation, distribution), cached per filter and brought up to
    date incrementally when new final evaluations appear."""
    key = (str(session.get_bind().url), flt)
    count, upto = finals_version(session)
    cached = _CACHE.get(key)
    if cached is None or (cached.count, cached.upto) != (count, upto):
        fresh = _caught_up(session, flt, cached, count, upto) if cached is not None else None
        cached = fresh or _aggregate(session, flt, current_final(), count, upto)
    _CACHE[key] = cached  # replaced, never mutated: threads may be reading the old one
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return cached.rows()


def _avg(total: float, count: int) -> float | None:
    return total / count if count else None


def criterion_groups(session: Session, flt: TeamFilter, counted=None) -> list:
    """Per team, agent, week and criterion: score sum and count, and automatic-versus-final agreement sums."""
    # The evaluations that count, with their week, are worked out once each (a materialised CTE) and only then
    # joined to their nine-odd criterion rows: computing the week per criterion row cost twice the time.
    evaluations = (
        select(
            Evaluation.id.label("evaluation_id"),
            Call.team_id,
            Call.agent_id,
            week_start(Call.call_date, session.get_bind().dialect.name).label("week"),
        )
        .select_from(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .where(current_final() if counted is None else counted, flt.where())
        .cte("counted")
        .prefix_with("MATERIALIZED")
    )
    both = and_(CriterionScore.score.is_not(None), CriterionScore.auto_score.is_not(None))
    gap = func.abs(CriterionScore.auto_score - CriterionScore.score)
    keys = (evaluations.c.team_id, evaluations.c.agent_id, evaluations.c.week, CriterionScore.criterion_key)
    query = (
        select(
            *keys,
            func.sum(CriterionScore.score),
            func.count(CriterionScore.score),
            func.sum(case((both, gap), else_=0)),
            func.sum(case((both, 1), else_=0)),
            func.sum(case((and_(both, gap <= AGREEMENT_POINTS), 1), else_=0)),
        )
        .select_from(evaluations)
        .join(CriterionScore, CriterionScore.evaluation_id == evaluations.c.evaluation_id)
        .where(CriterionScore.na.is_(False))
        .group_by(*keys)
    )
    return session.execute(query).all()


def evaluation_groups(session: Session, flt: TeamFilter, counted=None) -> list:
    """Per team, agent and week: total sum and count of the final evaluations."""
    week = week_start(Call.call_date, session.get_bind().dialect.name)
    query = (
        select(
            Call.team_id, Call.agent_id, week.label("week"), func.sum(Evaluation.total), func.count(Evaluation.total)
        )
        .select_from(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .where(current_final() if counted is None else counted, flt.where())
        .group_by(Call.team_id, Call.agent_id, week)
    )
    return session.execute(query).all()


def score_distribution(session: Session, flt: TeamFilter, counted=None) -> list[int]:
    """How many final evaluations fall in each 10-point bucket of the total (100 counts in 90-100)."""
    bucket = case((Evaluation.total >= 90, 9), else_=cast(func.floor(Evaluation.total / 10), Integer))
    rows = session.execute(
        select(bucket, func.count())
        .select_from(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .where(current_final() if counted is None else counted, flt.where(), Evaluation.total.is_not(None))
        .group_by(bucket)
    ).all()
    counts = [0] * 10
    for index, count in rows:
        counts[max(0, min(9, int(index)))] += count
    return counts


def coverage(session: Session, flt: TeamFilter) -> dict[int, tuple[int, int]]:
    """Per agent: (reviewed, planned) review assignments for calls in the period."""
    rows = session.execute(
        select(
            Call.agent_id, func.sum(case((ReviewAssignment.status == AssignmentStatus.DONE, 1), else_=0)), func.count()
        )
        .select_from(ReviewAssignment)
        .join(Call, Call.id == ReviewAssignment.call_id)
        .where(flt.where(), ReviewAssignment.status != AssignmentStatus.SKIPPED)
        .group_by(Call.agent_id)
    ).all()
    return {agent_id: (int(done or 0), planned) for agent_id, done, planned in rows}


def open_disputes(session: Session, team_id: int | None) -> int:
    query = select(func.count(Dispute.id)).where(Dispute.status == DisputeStatus.OPEN)
    if team_id:
        query = (
            query.join(CoachingSheet, CoachingSheet.id == Dispute.sheet_id)
            .join(Agent, Agent.id == CoachingSheet.agent_id)
            .where(Agent.team_id == team_id)
        )
    return session.scalar(query) or 0


def agents_and_teams(session: Session, team_id: int | None) -> tuple[dict[int, Agent], dict[int, str]]:
    query = select(Agent).where(Agent.active.is_(True))
    if team_id:
        query = query.where(Agent.team_id == team_id)
    agents = {a.id: a for a in session.scalars(query)}
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    return agents, teams


def fold(rows, key_of) -> dict:
    """Sum (sum, count) pairs of grouped rows under a coarser key."""
    acc: dict = defaultdict(lambda: [0.0, 0])
    for row in rows:
        entry = acc[key_of(row)]
        entry[0] += row[-2] or 0
        entry[1] += row[-1] or 0
    return acc


def agreement(groups) -> dict[str, dict[str, float | None]]:
    """Per criterion: mean |automatic - final| and the share within AGREEMENT_POINTS, over reviewed scores."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    for _t, _a, _w, key, _s, _c, gap_sum, pairs, close in groups:
        entry = acc[key]
        entry[0] += gap_sum or 0
        entry[1] += pairs or 0
        entry[2] += close or 0
    return {key: {"mean_gap": _avg(g, n), "within": _avg(c, n), "pairs": int(n)} for key, (g, n, c) in acc.items()}


# The columns of both exports (the CSV of the team report, the API's NDJSON), before the criteria; new columns go
# at the end, so existing spreadsheets keep reading theirs.
EXPORT_COLUMNS = (
    "evaluation_id",
    "revision",
    "call_id",
    "external_id",
    "call_date",
    "team",
    "agent",
    "agent_ref",
    "rubric",
    "rubric_version",
    "total",
    "auto_failed",
    "finalized_at",
    "direction",
    "team_id",
    "agent_id",
)


def evaluation_rows(session: Session, flt: TeamFilter) -> Iterator[dict]:
    """Current final evaluations with their criterion scores (final, automatic, N/A), for the exports (call date
    order)."""
    base = (
        select(
            Evaluation.id,
            Evaluation.revision,
            Call.id,
            Call.external_id,
            Call.call_date,
            Team.name,
            Agent.name,
            Agent.external_ref,
            Rubric.key,
            RubricVersion.version,
            Evaluation.total,
            Evaluation.auto_failed,
            Evaluation.finalized_at,
            Call.direction,
            Team.id,
            Agent.id,
        )
        .select_from(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .join(Team, Team.id == Call.team_id)
        .join(Agent, Agent.id == Call.agent_id)
        .join(RubricVersion, RubricVersion.id == Evaluation.rubric_version_id)
        .join(Rubric, Rubric.id == RubricVersion.rubric_id)
        .where(current_final(), flt.where())
        .order_by(Call.call_date, Evaluation.id)
    )
    scores: dict[int, dict[str, tuple]] = defaultdict(dict)
    for eid, key, score, auto, na in session.execute(
        select(
            CriterionScore.evaluation_id,
            CriterionScore.criterion_key,
            CriterionScore.score,
            CriterionScore.auto_score,
            CriterionScore.na,
        )
        .join(Evaluation, Evaluation.id == CriterionScore.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(current_final(), flt.where())
    ):
        scores[eid][key] = (score, auto, na)
    for row in session.execute(base):
        yield {**dict(zip(EXPORT_COLUMNS, row, strict=True)), "criteria": scores.get(row[0], {})}
