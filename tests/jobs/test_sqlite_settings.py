"""The embedded database serves a web process and workers at once: WAL and a busy timeout on every connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db


def test_sqlite_connections_use_wal_and_wait_instead_of_failing_when_busy(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks and MVCC of its own")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
