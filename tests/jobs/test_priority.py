"""Who waits for a job decides its place in the queue: a call uploaded in the app before bulk imports and
re-scoring queued earlier; coaching sheets in between."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from huey import MemoryHuey
from sqlalchemy import select

from app.calls.services import CallMeta, ingest
from app.extensions import db
from app.jobs.models import Job
from app.jobs.queue import Queue, get_queue
from app.jobs.services import PRIORITY_BACKGROUND, PRIORITY_INTERACTIVE, PRIORITY_SHEET, create_job, job_priority
from tests.conftest import wav_bytes


def _imported(make):
    """A call brought in by `qa import` (nobody uploaded it in the app)."""
    call = ingest(
        db.session,
        io.BytesIO(wav_bytes(seed=41)),
        "bulk.wav",
        CallMeta(agent=make.agent(), call_date=datetime(2026, 11, 2, 10, 0, tzinfo=UTC)),
    )
    db.session.commit()
    return call


def _uploaded(make):
    call = make.call()
    call.uploaded_by_id = make.user("qa_manager").id
    db.session.commit()
    return call


def test_an_upload_in_the_app_outranks_a_bulk_import_a_rescore_and_a_sheet(app, make):
    bulk, uploaded = _imported(make), _uploaded(make)
    first_jobs = {
        c.id: db.session.scalars(select(Job).where(Job.call_id == c.id, Job.kind == "transcribe")).first()
        for c in (bulk, uploaded)
    }
    assert job_priority(db.session, first_jobs[uploaded.id].id) == PRIORITY_INTERACTIVE
    assert job_priority(db.session, first_jobs[bulk.id].id) == PRIORITY_BACKGROUND
    rescore = create_job(db.session, "score", call_id=uploaded.id)  # the call was scored once already
    sheet = create_job(db.session, "render_sheet", call_id=uploaded.id, target_id=1)
    assert job_priority(db.session, rescore.id) == PRIORITY_BACKGROUND
    assert job_priority(db.session, sheet.id) == PRIORITY_SHEET
    db.session.rollback()


def test_the_queue_hands_out_the_higher_priority_first(app):
    queue = Queue.__new__(Queue)  # the real dispatch over a queue nobody consumes
    queue.app, queue.huey = app, MemoryHuey("priority-test", immediate=False)
    queue._run = queue.huey.task(name="run_job", context=False)(lambda job_id: None)
    queue.dispatch(1, priority=PRIORITY_BACKGROUND)
    queue.dispatch(2, priority=PRIORITY_SHEET)
    queue.dispatch(3, priority=PRIORITY_INTERACTIVE)
    assert [queue.huey.dequeue().args[0] for _ in range(3)] == [3, 2, 1]


def test_a_committed_job_goes_to_the_queue_with_its_priority(app, make, monkeypatch):
    sent = []
    monkeypatch.setattr(
        get_queue(app), "dispatch", lambda job_id, *, delay=None, priority=None: sent.append((job_id, priority))
    )
    uploaded = _uploaded(make)
    job = create_job(db.session, "transcribe", call_id=uploaded.id)
    db.session.commit()
    assert (job.id, PRIORITY_INTERACTIVE) in sent
