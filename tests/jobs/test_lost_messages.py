"""A job saved while the queue was unreachable, or whose message was lost, is sent again by recovery."""

from __future__ import annotations

import io

import pytest

from app.calls.choices import CallStatus
from app.calls.models import Call
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.queue import get_queue
from app.jobs.runner import recover_jobs
from app.jobs.stages import stage
from tests.conftest import csrf_token, wav_bytes


@pytest.fixture
def queue_down(app, monkeypatch):
    """The queue's server does not answer (Redis stopped, say)."""

    def unreachable(job_id, *, delay=None, priority=None):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(get_queue(app), "dispatch", unreachable)
    return monkeypatch


def _upload(client, agent, seed: int = 5):
    data = {
        "csrf_token": csrf_token(client, "/calls/upload"),
        "agent_id": str(agent.id),
        "call_date": "2026-11-20T09:12",
        "direction": "inbound",
        "files": (io.BytesIO(wav_bytes(seed=seed)), "call.wav"),
    }
    return client.post("/calls/upload", data=data, content_type="multipart/form-data", follow_redirects=True)


def test_an_upload_while_the_queue_is_down_is_stored_and_says_transcription_will_follow(
    app, client, make, login_as, queue_down
):
    agent = make.agent()
    login_as("qa_manager")
    response = _upload(client, agent)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "job queue cannot be reached" in page and "no need to upload again" in page
    call = db.session.query(Call).one()
    assert call.status == CallStatus.UPLOADED and call.jobs[0].status == JobStatus.QUEUED

    queue_down.undo()  # the queue is back; the next recovery round sends the job
    recover_jobs(requeue_waiting=False)
    db.session.expire_all()
    assert db.session.get(Call, call.id).status == CallStatus.SCORED


def test_a_queued_job_whose_message_was_lost_is_sent_again(app):
    ran = []

    @stage("test_lost_message")
    def record_run(job, progress):
        ran.append(job.id)
        return []

    job = Job(kind="test_lost_message", status=JobStatus.QUEUED, max_attempts=3)  # saved, never put on the queue
    db.session.add(job)
    db.session.commit()
    assert recover_jobs(requeue_waiting=False) == 1
    db.session.expire_all()
    assert ran == [job.id] and db.session.get(Job, job.id).status == JobStatus.DONE
