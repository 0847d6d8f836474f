"""Background entry point of the moment-indexing stage (after scoring and after finalisation)."""

from __future__ import annotations

from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, stage
from app.roleplay.services import sync_moments
from app.scoring.models import Evaluation

INDEX_MOMENTS = "index_moments"


@stage(INDEX_MOMENTS)
def index_moments(job: Job, progress: Progress) -> list[str]:
    """Read the new automatic and final evidence of the call of evaluation `job.target_id` into the moment
    library (idempotent: a re-run adds nothing)."""
    evaluation = db.session.get(Evaluation, job.target_id) if job.target_id is not None else None
    if evaluation is None:  # replaced by a re-score meanwhile: the new evaluation has an indexing job of its own
        return []
    progress(0.1, "indexing moments")
    sync_moments(db.session, call_id=evaluation.call_id)
    return []
