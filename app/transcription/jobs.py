"""Background entry point of the transcribe stage."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, permanent_errors, stage
from app.transcription.model_store import ModelUnavailableError
from app.transcription.services import transcribe_call

# A missing or corrupt Whisper model will not get better by retrying (nor will bad audio: AudioError is a ValueError).
permanent_errors(ModelUnavailableError)


@stage("transcribe")
def transcribe(job: Job, progress: Progress) -> list[str]:
    """Transcribe the job's call, keep what the guards dropped in the job log; scoring follows."""
    dropped: list[dict] = []
    transcribe_call(db.session, job.call, progress=lambda p: progress(p, "transcribing"), job_log=dropped)
    job.log = [*job.log, *({"dropped": d} for d in dropped)]
    return ["score"]
