"""The durable queue: Huey on SQLite (embedded) or Redis, one generic task that runs a Job row.

Huey only carries job ids. The truth about a job (status, attempts, progress) lives in the database,
so a lost queue message or a killed worker is repaired by `recover_jobs`, and delivering the same id
twice is harmless: only one worker can claim a queued job.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)


class Queue:
    """The Huey instance built from one app's config, and the tasks bound to it (one per app)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey: Huey = self._build_huey(app)
        self._run = self.huey.task(name="run_job", context=False)(self._run_in_app)
        self.huey.periodic_task(crontab(minute="*"), name="recover_jobs")(self._recover_in_app)

    def _build_huey(self, app: Flask) -> Huey:
        name = app.config["QUEUE_NAME"]
        if app.config.get("QUEUE_IMMEDIATE"):
            return MemoryHuey(name, immediate=True)
        if app.config.get("REDIS_URL"):
            return PriorityRedisHuey(name, url=app.config["REDIS_URL"])  # priorities need Redis 5 or later
        path = os.path.join(app.instance_path, "queue.db")
        return SqliteHuey(name, filename=path)

    @property
    def backend(self) -> str:
        return type(self.huey).__name__

    def dispatch(self, job_id: int, *, delay: float | None = None, priority: int | None = None) -> None:
        """Put a job id on the queue; call only after the Job row is committed. Without a priority it is read
        from the job (see jobs.services.job_priority); higher priorities are taken first."""
        if priority is None:
            from app.extensions import db
            from app.jobs.services import job_priority

            priority = job_priority(db.session, job_id)
        if delay and not self.huey.immediate:
            self._run.schedule(args=(job_id,), delay=delay, priority=priority)
        else:
            self._run(job_id, priority=priority)

    def run_worker(self, *, workers: int = 1, worker_type: str = "thread", periodic: bool = True) -> None:
        """Consume jobs until stopped; a watchdog requeues the jobs of dead workers within seconds."""
        threading.Thread(target=self._watch, daemon=True, name="job-watchdog").start()
        # An idle consumer polls the SQLite queue at most a second apart (Huey's default backs off to 10 s).
        self.huey.create_consumer(
            workers=workers, worker_type=worker_type, periodic=periodic, check_worker_health=True, max_delay=1.0
        ).run()

    def _watch(self) -> None:
        from app.jobs.runner import recover_jobs

        # Every few seconds, not every minute (Huey's finest period): a killed worker's job is running again
        # JOB_STALE_SECONDS + JOB_WATCH_SECONDS after its last heartbeat.
        every = self.app.config["JOB_WATCH_SECONDS"]
        while True:
            time.sleep(every)
            try:
                with self.app.app_context():
                    recover_jobs(requeue_waiting=False, find_lost=False)
            except Exception:  # noqa: BLE001 - the database may be briefly away; the next round retries
                log.warning("job watchdog round failed", exc_info=True)

    def waiting_job_ids(self) -> set[int]:
        """The job ids whose message is on the queue now, due or scheduled for a retry."""
        if self.huey.immediate:
            return set()
        tasks = [*self.huey.pending(), *self.huey.scheduled()]
        return {task.args[0] for task in tasks if task.args}

    def _run_in_app(self, job_id: int) -> None:
        from app.jobs.runner import run_job

        with self.app.app_context():
            run_job(job_id)

    def _recover_in_app(self) -> None:
        from app.jobs.runner import recover_jobs

        with self.app.app_context():
            recover_jobs(requeue_waiting=False)


def init_queue(app: Flask) -> Queue:
    """Give the app its queue (create_app has loaded the stages, which register themselves)."""
    from app.jobs.services import install_session_hooks

    app.extensions["ecoute_queue"] = Queue(app)
    install_session_hooks()
    return app.extensions["ecoute_queue"]


def get_queue(app: Flask | None = None) -> Queue:
    """The queue of this app (default: the current one)."""
    return (app or current_app).extensions["ecoute_queue"]
