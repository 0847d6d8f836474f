"""A GET never writes: pages that used to index or register as they read now only read."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.roleplay.models import Moment
from app.scoring.models import RubricVersion
from app.scoring.services import sync_bundled_rubrics
from tests.helpers import statements_written
from tests.roleplay.factories import FR_CALL, evaluated, transcribed_call

PAGES = (
    "/rubrics/",
    "/rubrics/hotline_fr",
    "/roleplay/moments",
    "/roleplay/moments?q=comprends",
    "/roleplay/scenarios/new?criteria=empathy&language=fr",
)


def _unindexed_evidence(make) -> None:
    """A call with evidence the moment library has not read yet (its indexing job has not run)."""
    call = transcribed_call(make.agent(team=make.team(language="fr")), FR_CALL, "fr")
    evaluated(call, [(4, "empathy", 1, "Reconnaît l'agacement du client")])


def test_reading_the_rubric_and_moment_pages_writes_nothing(client, make, login_as):
    _unindexed_evidence(make)  # registers the French rubric only
    login_as("trainer")
    with statements_written(db.engine) as writes:
        assert client.get("/rubrics/").status_code == 200  # the English one stays unregistered
    assert writes == []
    assert db.session.scalar(select(func.count(RubricVersion.id))) == 1
    sync_bundled_rubrics(db.session)
    db.session.commit()
    with statements_written(db.engine) as writes:
        for url in PAGES:
            assert client.get(url).status_code == 200, url
    assert writes == []
    assert db.session.scalar(select(func.count(Moment.id))) == 0


def test_the_bundled_rubrics_are_registered_at_start_up_and_by_the_sync_command(app, runner):
    from app import register_bundled_rubrics

    register_bundled_rubrics(app)
    keys = set(db.session.scalars(select(RubricVersion.sha256)))
    assert len(keys) == 2
    result = runner.invoke(args=["qa", "rubrics", "sync"])
    assert result.exit_code == 0 and "hotline_fr v2" in result.output
    assert set(db.session.scalars(select(RubricVersion.sha256))) == keys  # idempotent


def test_the_moments_sync_command_indexes_existing_evidence_once(app, make, runner):
    _unindexed_evidence(make)
    assert "1 new moment(s) indexed" in runner.invoke(args=["qa", "moments", "sync"]).output
    assert "0 new moment(s) indexed" in runner.invoke(args=["qa", "moments", "sync"]).output
    assert db.session.scalar(select(func.count(Moment.id))) == 1
