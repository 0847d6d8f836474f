"""Background entry point of the render-sheet stage."""

from __future__ import annotations

from app.coaching.services import issue_sheet
from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import JobFailure, Progress, stage
from app.scoring.models import Evaluation


@stage("render_sheet")
def render_sheet(job: Job, progress: Progress) -> list[str]:
    """Issue the coaching sheet of the final evaluation `job.target_id` (once; a re-run changes nothing)."""
    evaluation = db.session.get(Evaluation, job.target_id) if job.target_id is not None else None
    if evaluation is None:
        raise JobFailure(f"no evaluation {job.target_id}")
    progress(0.1, "rendering sheet")
    issue_sheet(db.session, evaluation)  # a SheetError (a ValueError) fails the job at once
    return []
