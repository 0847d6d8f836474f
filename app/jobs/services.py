"""Creating jobs and handing them to the queue once their row is committed."""

from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job

_PENDING_KEY = "ecoute_jobs_to_dispatch"
_UNREACHABLE_KEY = "ecoute_queue_unreachable"
log = logging.getLogger(__name__)


def create_job(
    session: Session, kind: str, *, call_id: int | None = None, target_id: int | None = None, max_attempts: int = 3
) -> Job:
    """Add a queued Job; it is put on the queue automatically after the transaction commits."""
    job = Job(kind=kind, call_id=call_id, target_id=target_id, status=JobStatus.QUEUED, max_attempts=max_attempts)
    session.add(job)
    session.flush()
    schedule_dispatch(session, job.id)
    return job


# Higher runs first. Someone who just uploaded a call waits at the screen; a bulk import or a re-score does not.
PRIORITY_INTERACTIVE, PRIORITY_SHEET, PRIORITY_BACKGROUND = 20, 10, 0


def job_priority(session: Session, job_id: int) -> int:
    """The queue priority of a job, read from what it is about: a call uploaded in the app (its transcription
    and first scoring) first, then coaching sheets, then calls imported in bulk and re-scoring."""
    job = session.get(Job, job_id)
    if job is None or job.call_id is None:
        return PRIORITY_BACKGROUND
    if job.kind == "render_sheet":
        return PRIORITY_SHEET
    uploaded_by = job.call.uploaded_by_id if job.call is not None else None
    scored_before = job.kind == "score" and session.scalar(
        select(Job.id)
        .where(Job.kind == "score", Job.call_id == job.call_id, Job.id != job.id, Job.status == JobStatus.DONE)
        .limit(1)
    )
    return PRIORITY_INTERACTIVE if uploaded_by is not None and not scored_before else PRIORITY_BACKGROUND


def schedule_dispatch(session: Session, job_id: int) -> None:
    """Remember to put this job on the queue, with its priority, once the current transaction commits."""
    session.info.setdefault(_PENDING_KEY, []).append((job_id, job_priority(session, job_id)))


def retry_job(session: Session, job: Job, *, extra_attempts: int = 3) -> Job:
    """Put a failed job back in the queue with a fresh attempt budget."""
    job.status, job.error, job.progress, job.finished_at = JobStatus.QUEUED, None, 0, None
    job.max_attempts = job.attempts + extra_attempts
    schedule_dispatch(session, job.id)
    return job


def active_job(session: Session, kind: str, call_id: int) -> Job | None:
    """The queued or running job of this kind for a call, if any (to avoid starting a second one)."""
    return session.scalars(
        select(Job).where(
            Job.kind == kind, Job.call_id == call_id, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
        )
    ).first()


def _dispatch_pending(session: Session) -> None:
    from app.jobs.queue import get_queue

    for job_id, priority in session.info.pop(_PENDING_KEY, []):
        try:
            get_queue().dispatch(job_id, priority=priority)
        except Exception:  # noqa: BLE001 - the job row is committed; recovery sends it once the queue is back
            log.warning("job %s is saved but the queue is unreachable; it will be sent again", job_id, exc_info=True)
            session.info[_UNREACHABLE_KEY] = True


def queue_was_unreachable(session: Session) -> bool:
    """Whether a job committed in this session could not be handed to the queue (and waits for recovery)."""
    return bool(session.info.pop(_UNREACHABLE_KEY, False))


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def _forget_on_rollback(session: Session, previous_transaction) -> None:
    _forget_pending(session)


def install_session_hooks() -> None:
    """Enqueue only after commit: a rolled-back job is never seen by a worker."""
    if not event.contains(db.session, "after_commit", _dispatch_pending):
        event.listen(db.session, "after_commit", _dispatch_pending)
        event.listen(db.session, "after_soft_rollback", _forget_on_rollback)
