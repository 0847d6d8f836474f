"""A worker killed in the middle of a job: the job is retried by the next worker and completes once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.jobs.models import Job, JobStatus

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(app, instance: Path, queue_name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "ECOUTE_INSTANCE": str(instance),
           "QUEUE_NAME": queue_name, "JOB_STALE_SECONDS": "2", "PYTHONPATH": str(ROOT)}
    if app.config.get("REDIS_URL"):
        env["REDIS_URL"] = app.config["REDIS_URL"]
    return subprocess.Popen([sys.executable, str(ROOT / "tests/jobs/slow_worker.py")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def test_a_job_interrupted_mid_run_is_retried_and_completes_once(app, tmp_path):
    job = Job(kind="test_slow", status=JobStatus.QUEUED, max_attempts=3)
    db.session.add(job)
    db.session.commit()
    queue_name = f"ecoute-test-{uuid.uuid4().hex[:8]}"

    first = _start_worker(app, tmp_path, queue_name)
    try:
        _wait_for(lambda: _job(job.id).status == JobStatus.RUNNING and _job(job.id).progress >= 20)
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the job is left "running"
        first.wait()
    assert _job(job.id).status == JobStatus.RUNNING
    time.sleep(2.5)  # its heartbeat goes stale

    second = _start_worker(app, tmp_path, queue_name)
    try:
        _wait_for(lambda: _job(job.id).status == JobStatus.DONE)
    finally:
        second.terminate()
        second.wait(timeout=30)

    done = _job(job.id)
    assert done.attempts == 2 and done.progress == 100
    assert any("worker stopped" in entry.get("error", "") for entry in done.log)
    results = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "test.slow_done"))
    assert results == 1  # the killed attempt left nothing behind; the retry wrote its result once
