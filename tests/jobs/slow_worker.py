"""A real worker process for the durability test: the app's queue and runner, plus a slow test stage.

Run as `python tests/jobs/slow_worker.py`; configured by the environment like any worker.
"""

from __future__ import annotations

import time

from app import create_app
from app.audit.services import record
from app.extensions import db
from app.jobs.queue import get_queue
from app.jobs.runner import recover_jobs
from app.jobs.stages import stage


@stage("test_slow")
def slow(job, progress):
    """Ten small steps, then one visible result: an audit event."""
    for step in range(10):
        time.sleep(0.4)
        progress((step + 1) / 10, "sleeping")
    record(db.session, "test.slow_done", target=job)
    return []


if __name__ == "__main__":
    app = create_app("production", SECRET_KEY="durability-test")
    with app.app_context():
        recover_jobs(requeue_waiting=True)
    get_queue(app).run_worker(workers=1, periodic=False)
