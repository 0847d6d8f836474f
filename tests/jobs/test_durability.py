"""A worker killed in the middle of a job: another worker takes it over and it completes once."""

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
from app.jobs.choices import JobStatus
from app.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(app, instance: Path, queue_name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ECOUTE_INSTANCE": str(instance),
        "QUEUE_NAME": queue_name,
        "PYTHONPATH": str(ROOT),
    }  # the production heartbeat and staleness
    if app.config.get("REDIS_URL"):
        env["REDIS_URL"] = app.config["REDIS_URL"]
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests/jobs/slow_worker.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


# Only the test's patience, not a measured time: two worker processes start (Python, the app, the queue) on a machine
# whose two cores may be busy with other tests, and 60 s was seen to run out then.
def _wait_for(predicate, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def test_a_job_interrupted_mid_run_is_taken_over_by_a_surviving_worker_and_completes_once(app, tmp_path):
    job = Job(kind="test_slow", status=JobStatus.QUEUED, max_attempts=3)
    db.session.add(job)
    db.session.commit()
    queue_name = f"ecoute-test-{uuid.uuid4().hex[:8]}"

    workers = [_start_worker(app, tmp_path, queue_name) for _ in range(2)]
    try:
        _wait_for(lambda: _job(job.id).status == JobStatus.RUNNING and _job(job.id).progress >= 20)
        running = next(w for w in workers if _job(job.id).worker.endswith(f":{w.pid}"))
        running.send_signal(signal.SIGKILL)  # no clean shutdown: the job is left "running"
        running.wait()
        killed_at = time.monotonic()
        assert _job(job.id).status == JobStatus.RUNNING
        # The survivor's watchdog notices the silent heartbeat (JOB_STALE_SECONDS 20, a look every 5 s) and the
        # job runs again; `_wait_for` is only the test's patience, the README states the measured takeover time.
        _wait_for(lambda: _job(job.id).attempts == 2)
        print(f"taken over {time.monotonic() - killed_at:.1f} s after the kill")
        _wait_for(lambda: _job(job.id).status == JobStatus.DONE)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)

    done = _job(job.id)
    assert done.attempts == 2 and done.progress == 100
    assert any("worker stopped" in entry.get("error", "") for entry in done.log)
    results = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "test.slow_done"))
    assert results == 1  # the killed attempt left nothing behind; the retry wrote its result once


def test_a_dead_workers_job_is_due_again_within_thirty_seconds_by_the_production_settings():
    from app.config import Config
    from app.jobs.runner import HEARTBEAT_SECONDS

    # Silent for JOB_STALE_SECONDS, then noticed at the watchdog's next look: the takeover the kill test measures.
    assert Config.JOB_STALE_SECONDS + Config.JOB_WATCH_SECONDS <= 30
    assert HEARTBEAT_SECONDS * 3 <= Config.JOB_STALE_SECONDS, "a live worker beats several times before it looks dead"
