"""Background entry point of the score stage."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, failures_are_final, stage
from app.scoring.errors import RubricError
from app.scoring.models import RubricVersion
from app.scoring.services import ScoringError, score_call


@stage("score")
def score(job: Job, progress: Progress) -> list[str]:
    """Score the job's call against its team's rubric: its newest version, or the version the job names (target)."""
    progress(0.1, "scoring")
    with failures_are_final(ScoringError, RubricError, LookupError):
        version = db.session.get(RubricVersion, job.target_id) if job.target_id else None
        if job.target_id and version is None:
            raise ScoringError(f"rubric version {job.target_id} no longer exists")
        score_call(db.session, job.call, version=version)
    return []
