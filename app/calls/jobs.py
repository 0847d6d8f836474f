"""The calls package's part in the job machinery: a call whose job fails for good is marked failed."""

from __future__ import annotations

from app.calls.models import CallStatus
from app.jobs.models import Job
from app.jobs.stages import on_failure


@on_failure
def mark_call_failed(job: Job) -> None:
    """The call page and list then show the call as failed, with the job's error and a retry button."""
    if job.call is not None:
        job.call.status = CallStatus.FAILED
