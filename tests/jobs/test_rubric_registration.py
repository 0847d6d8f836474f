"""Two workers registering the bundled rubrics at the same moment: one row each, and neither fails."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.scoring.models import Rubric, RubricVersion
from app.scoring.services import current_version
from tests.review.conftest import both_read_before_either_writes


def test_two_workers_registering_a_bundled_rubric_at_once_share_one_row(app):
    if db.engine.dialect.name == "sqlite":
        # The embedded set-up runs one worker, and SQLite serialises writers: a second one waiting on a stale
        # snapshot gets "database is locked", which no savepoint can mend. Several workers mean PostgreSQL.
        pytest.skip("several workers registering at once is the PostgreSQL set-up")
    errors, versions = [], []

    def register():
        with app.app_context():
            try:
                versions.append(current_version(db.session, "hotline_fr").id)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the test reports whatever a worker would have hit
                errors.append(repr(exc))
                db.session.rollback()

    threads = [threading.Thread(target=register) for _ in range(2)]
    with both_read_before_either_writes(len(threads)):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(set(versions)) == 1
    assert db.session.scalar(select(func.count(Rubric.id)).where(Rubric.key == "hotline_fr")) == 1
    assert db.session.scalar(select(func.count(RubricVersion.id))) == 1
