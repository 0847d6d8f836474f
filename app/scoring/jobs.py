"""Background entry point of the score stage."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, permanent_errors, stage
from app.scoring.behaviours.model import ModelFileError
from app.scoring.services import score_call

# An altered or partial behaviour model stays so until someone trains or restores it (a malformed rubric or
# transcript, ScoringError and RubricError, are ValueErrors: permanent already).
permanent_errors(ModelFileError)


@stage("score")
def score(job: Job, progress: Progress) -> list[str]:
    """Score the job's call against its team's rubric."""
    progress(0.1, "scoring")
    score_call(db.session, job.call)
    return []
