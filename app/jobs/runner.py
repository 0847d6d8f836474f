"""Runs one Job row: claim it, run its stage, commit the result and the next stages together."""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.db import utcnow
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.services import create_job
from app.jobs.stages import failed_for_good, get_stage, is_permanent

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 5.0  # several beats fit in JOB_STALE_SECONDS, even with a beat delayed by a busy database
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def _update_job(job_id: int, **values) -> None:
    """Write progress on its own connection, so the stage's unfinished work is never committed early."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


def _claim(job_id: int) -> bool:
    now = utcnow()
    with db.engine.begin() as conn:
        result = conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.RUNNING,
                attempts=Job.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                worker=WORKER_ID,
                progress=0,
                error=None,
            )
        )
    return result.rowcount == 1


class _Heartbeat(threading.Thread):
    """Tells the others this worker is alive; a killed worker stops beating and its job is recovered."""

    def __init__(self, app, job_id: int) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.app, self.job_id, self.stopped = app, job_id, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                with self.app.app_context():
                    _update_job(self.job_id, heartbeat_at=utcnow())
            except Exception:  # noqa: BLE001 - a missed beat is retried; the job itself decides success
                log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)


def _progress_callback(job_id: int):
    last = {"value": -1}

    def report(fraction: float, message: str | None = None) -> None:
        value = max(0, min(99, int(fraction * 100)))
        if value != last["value"]:
            last["value"] = value
            _update_job(job_id, progress=value, message=message, heartbeat_at=utcnow())

    return report


def run_job(job_id: int) -> None:
    """Claim and run a queued job; a second delivery of the same id does nothing."""
    if not _claim(job_id):
        log.info("job %s is not queued any more; skipping", job_id)
        return
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    heartbeat = _Heartbeat(current_app._get_current_object(), job_id)
    heartbeat.start()
    try:
        next_kinds = get_stage(job.kind)(job, _progress_callback(job_id))
        job.status, job.progress, job.finished_at, job.message = JobStatus.DONE, 100, utcnow(), None
        for kind in next_kinds:
            create_job(
                db.session,
                kind,
                call_id=job.call_id,
                target_id=job.target_id,
                max_attempts=current_app.config["JOB_MAX_ATTEMPTS"],
            )
        db.session.commit()
        log.info("job %s (%s) done", job_id, job.kind)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
        db.session.rollback()
        _record_failure(job_id, exc)
    finally:
        heartbeat.stopped.set()


def _record_failure(job_id: int, exc: Exception) -> None:
    from app.jobs.queue import get_queue

    queue = get_queue()
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    permanent = is_permanent(exc)
    message = _reason(exc)
    job.log = [
        *job.log,
        {"attempt": job.attempts, "error": message, "permanent": permanent, "at": utcnow().isoformat()},
    ]
    job.error = message
    if permanent or job.attempts >= job.max_attempts:
        log.error("job %s (%s) failed%s: %s", job_id, job.kind, " for good" if permanent else "", message)
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
        failed_for_good(job)
        db.session.commit()
        return
    log.warning(
        "job %s (%s) attempt %s failed, will retry: %s\n%s",
        job_id,
        job.kind,
        job.attempts,
        message,
        traceback.format_exc(),
    )
    job.status = JobStatus.QUEUED
    db.session.commit()
    queue.dispatch(job_id, delay=min(300, 5 * 2**job.attempts))


def _reason(exc: Exception) -> str:
    """The error as the call page shows it; a missing key or index says what is missing ("KeyError: 'segments'")."""
    if not str(exc):
        return type(exc).__name__
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, LookupError) else str(exc)


def recover_jobs(*, requeue_waiting: bool, find_lost: bool = True) -> int:
    """Requeue jobs whose worker died (no heartbeat); re-send queued jobs whose message is on no queue
    (`find_lost`), or every queued job's id (`requeue_waiting`, at a worker's start)."""
    from app.jobs.queue import get_queue

    queue = get_queue()
    stale_before = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    stale = db.session.scalars(
        select(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < stale_before)
    ).all()
    for job in stale:
        log.warning("job %s (%s) lost its worker %s; requeueing", job.id, job.kind, job.worker)
        job.log = [
            *job.log,
            {"attempt": job.attempts, "error": "worker stopped during the job", "at": utcnow().isoformat()},
        ]
        if job.attempts >= job.max_attempts:
            job.status, job.error, job.finished_at = JobStatus.FAILED, "worker stopped during the job", utcnow()
            failed_for_good(job)
        else:
            job.status = JobStatus.QUEUED
    db.session.commit()
    queued = db.session.scalars(select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id)).all()
    if requeue_waiting:
        to_send = queued
    elif not find_lost:
        to_send = [j.id for j in stale if j.status == JobStatus.QUEUED]
    else:
        # Queued in the database but on no queue: the message was lost (the queue was down when the job was
        # saved, or its storage was wiped). A duplicate is harmless: only one worker can claim a queued job.
        waiting = queue.waiting_job_ids()
        to_send = [job_id for job_id in queued if job_id not in waiting]
        lost = set(to_send) - {j.id for j in stale}
        if lost:
            log.warning("job(s) %s were queued without a message on the queue; sending them again", sorted(lost))
    for job_id in to_send:
        queue.dispatch(job_id)
    return len(to_send)
