"""A failure no retry can fix (malformed transcript or rubric, unusable model file, invalid value) fails the job at
once with its reason on the call page; a transient one (database busy, queue down) keeps its retries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import redis
from sqlalchemy.exc import OperationalError

from app.calls.choices import CallStatus
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.services import create_job
from app.jobs.stages import stage
from app.scoring.behaviours.model import load_model
from app.scoring.rubrics import load_rubric_text
from app.transcription.interchange import transcript_from_json
from app.transcription.model_store import resolve_model

TRANSIENT: dict[str, list[Exception]] = {}  # stage kind -> the errors its next attempts raise, in order


def _corrupt_behaviour_model(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "model.json").write_text('{"sha256": "0000", "behaviours": []}')
    (directory / "heads.npz").write_bytes(b"half a file")
    return directory


PERMANENT = {
    "malformed transcript": (
        lambda tmp: transcript_from_json('{"language": "fr", "segments": [{"speaker": 3}]}'),
        "segments[0]",
    ),
    "malformed rubric": (lambda tmp: load_rubric_text("id: broken\ncriteria: 12\n", "broken.yaml"), "broken.yaml"),
    "corrupt behaviour model": (lambda tmp: load_model(_corrupt_behaviour_model(tmp / "model")), "sha256 differs"),
    "missing whisper model": (lambda tmp: resolve_model(str(tmp / "no-such-model")), "does not exist"),
    "invalid value": (lambda tmp: int("twelve"), "invalid literal for int()"),
    "missing key": (lambda tmp: {}["segments"], "KeyError: 'segments'"),
}
CAUSE: dict[str, object] = {}


@stage("test_permanent")
def fails_for_good(job, progress):
    cause, tmp = CAUSE["cause"], CAUSE["tmp"]
    cause(tmp)
    return []


@stage("test_transient")
def fails_for_now(job, progress):
    if TRANSIENT["test_transient"]:
        raise TRANSIENT["test_transient"].pop(0)
    return []


@pytest.mark.parametrize("name", PERMANENT, ids=list(PERMANENT))
def test_a_failure_no_retry_can_fix_fails_the_job_at_once_with_its_reason(app, tmp_path, name):
    CAUSE.update(cause=PERMANENT[name][0], tmp=tmp_path)
    job = create_job(db.session, "test_permanent", max_attempts=3)
    db.session.commit()  # inline queue: runs now
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.failed_for_good
    assert PERMANENT[name][1] in job.error


def test_the_call_page_shows_why_a_job_failed_and_that_it_was_not_retried(client, make, login_as, tmp_path):
    call = make.call()
    CAUSE.update(cause=PERMANENT["corrupt behaviour model"][0], tmp=tmp_path)
    create_job(db.session, "test_permanent", call_id=call.id, max_attempts=3)
    db.session.commit()
    db.session.expire_all()
    assert call.status == CallStatus.FAILED
    login_as("qa_manager")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "sha256 differs from model.json (altered or partial file)" in page
    assert "Not retried: another attempt would fail the same way." in page


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("UPDATE jobs SET progress=?", {}, sqlite3.OperationalError("database is locked")),
        redis.exceptions.ConnectionError("Error 111 connecting to localhost:6379. Connection refused."),
    ],
    ids=["database-busy", "queue-down"],
)
def test_a_transient_failure_is_retried_and_the_job_completes(app, error):
    TRANSIENT["test_transient"] = [error]
    job = create_job(db.session, "test_transient", max_attempts=3)
    db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.log[0]["permanent"] is False


def test_a_transient_failure_that_persists_fails_after_every_attempt_is_spent(client, make, login_as):
    call = make.call()
    TRANSIENT["test_transient"] = [
        OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")) for _ in range(3)
    ]
    job = create_job(db.session, "test_transient", call_id=call.id, max_attempts=3)
    db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and job.attempts == 3 and not job.failed_for_good
    login_as("qa_manager")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "database is locked" in page and "Not retried" not in page
