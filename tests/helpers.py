"""Helpers shared by several test packages (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements_written(engine) -> Iterator[list[str]]:
    """Collects every INSERT, UPDATE or DELETE sent to the database inside the block (ORM or not)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
