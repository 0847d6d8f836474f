"""A scored call to review, built the way the pipeline builds it."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from app.extensions import db
from app.scoring.services import score_call
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript

LINES = (
    Segment("agent", 0.0, 4.0, "Bonjour, service client, Julie à l'appareil, que puis-je pour vous ?"),
    Segment("customer", 4.5, 10.0, "Ma box ne marche plus depuis trois jours et je télétravaille, c'est pénible."),
    Segment("agent", 10.5, 16.0, "Je comprends, mais c'est votre faute, il fallait redémarrer le DSLAM."),
    Segment("customer", 16.5, 20.0, "Je ne comprends rien à ce que vous dites."),
    Segment("agent", 20.5, 25.0, "Au revoir."),
)


def scored_call(make, agent=None, *, when: datetime | None = None, metrics: dict | None = None):
    """A French call with a transcript and its automatic evaluation."""
    call = make.call(agent or make.agent(make.team(language="fr")), seconds=2)
    store_transcript(
        db.session,
        call,
        Transcript(
            language="fr",
            duration=30.0,
            segments=LINES,
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    if when is not None:
        call.call_date = when
    if metrics is not None:
        call.transcript.metrics = metrics
    score_call(db.session, call)
    db.session.commit()
    return call


@pytest.fixture
def scored(make):
    return lambda agent=None, **kw: scored_call(make, agent, **kw)


NOV = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@contextmanager
def both_read_before_either_writes(threads: int = 2):
    """Hold each request thread at its first INSERT or UPDATE until every one of them has got there."""
    gate, waited = threading.Barrier(threads, timeout=60), set()

    def hold(conn, cursor, statement, parameters, context, executemany):
        me = threading.get_ident()
        if (
            threading.current_thread() is not threading.main_thread()
            and me not in waited
            and statement.lstrip().upper().startswith(("INSERT", "UPDATE"))
        ):
            waited.add(me)
            gate.wait()

    event.listen(db.engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", hold)
