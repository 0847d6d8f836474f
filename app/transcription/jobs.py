"""Background entry point of the transcribe stage."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, failures_are_final, stage
from app.transcription.audio import AudioError
from app.transcription.model_store import ModelUnavailableError
from app.transcription.services import transcribe_call


@stage("transcribe")
def transcribe(job: Job, progress: Progress) -> list[str]:
    """Transcribe the job's call, keep what the guards dropped in the job log; scoring follows."""
    dropped: list[dict] = []
    # A corrupt file or a missing model will not get better by retrying.
    with failures_are_final(AudioError, ModelUnavailableError):
        transcribe_call(db.session, job.call, progress=lambda p: progress(p, "transcribing"), job_log=dropped)
    job.log = [*job.log, *({"dropped": d} for d in dropped)]
    return ["score"]
