"""Background entry point of the score stage."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.services import create_job
from app.jobs.stages import Progress, permanent_errors, stage
from app.scoring.behaviours.model import ModelFileError
from app.scoring.models import RubricVersion
from app.scoring.services import ScoringError, score_call

# An altered or partial behaviour model stays so until someone trains or restores it (a malformed rubric or
# transcript, ScoringError and RubricError, are ValueErrors: permanent already).
permanent_errors(ModelFileError)
MOMENTS_JOB = "index_moments"  # app/roleplay/jobs.py


@stage("score")
def score(job: Job, progress: Progress) -> list[str]:
    """Score the job's call against its team's rubric: its newest version, or the version the job names (target)."""
    progress(0.1, "scoring")
    version = db.session.get(RubricVersion, job.target_id) if job.target_id else None
    if job.target_id and version is None:
        raise ScoringError(f"rubric version {job.target_id} no longer exists")
    evaluation = score_call(db.session, job.call, version=version)
    # Its evidence joins the moment library in a job of its own: a search only reads.
    create_job(db.session, MOMENTS_JOB, target_id=evaluation.id)
    return []
