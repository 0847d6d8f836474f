"""Background entry point of webhook deliveries (the runner retries a failed one with backoff)."""

from __future__ import annotations

from app.api.webhooks import JOB_KIND, deliver
from app.extensions import db
from app.jobs.models import Job
from app.jobs.stages import Progress, stage


@stage(JOB_KIND)
def send_webhook(job: Job, progress: Progress) -> list[str]:
    """POST one signed event to its subscriber (a subscription or delivery gone is a LookupError: permanent)."""
    deliver(db.session, job.target_id)
    return []
