"""Query building blocks of the reports."""

from __future__ import annotations

from sqlalchemy import func


def week_start(column, dialect: str):
    """The Monday of the column's week as 'YYYY-MM-DD', in SQL, so rows group by week in the database."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "weekday 0", "-6 days")
