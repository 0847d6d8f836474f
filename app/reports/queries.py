"""Query building blocks shared by the reports and the agent space."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.scoring.choices import EvaluationStatus
from app.scoring.models import Evaluation


def current_final() -> ColumnElement[bool]:
    """Final evaluations that no later final revision replaces: the figures that count.

    Each engine gets the anti-join its planner does well. SQLite: NOT IN over an uncorrelated list, built once
    per query (a correlated NOT EXISTS falls back to a scan per row once ANALYZE sees parent_id is mostly NULL:
    7 s at 10,000 rows). PostgreSQL: NOT EXISTS, planned as a hash anti-join (its NOT IN over a subquery it has
    no statistics for re-scans the subquery per row: 6 s at 10,000 rows)."""
    dialect = db.session.get_bind().dialect.name
    newer = aliased(Evaluation)
    is_final = Evaluation.status == EvaluationStatus.FINAL
    if dialect == "postgresql":
        replaced = exists().where(newer.parent_id == Evaluation.id, newer.status == EvaluationStatus.FINAL)
        return and_(is_final, ~replaced)
    replaced = select(newer.parent_id).where(newer.parent_id.is_not(None), newer.status == EvaluationStatus.FINAL)
    return and_(is_final, Evaluation.id.not_in(replaced))


def week_start(column, dialect: str):
    """The Monday of the column's week as 'YYYY-MM-DD', in SQL, so rows group by week in the database."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "weekday 0", "-6 days")
