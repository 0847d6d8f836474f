"""Query building blocks shared by the reports and the coaching pages."""

from __future__ import annotations

from sqlalchemy import func

# current_final stays importable from here for app/agent_space/context.py until H1 folds it into coaching.
from app.scoring.queries import current_final  # noqa: F401


def week_start(column, dialect: str):
    """The Monday of the column's week as 'YYYY-MM-DD', in SQL, so rows group by week in the database."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "weekday 0", "-6 days")
