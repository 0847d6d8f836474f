"""The job runner: claiming, retries, final failures, chaining, and a pipeline run end to end."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.services import record
from app.calls.choices import CallStatus
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.runner import recover_jobs, run_job
from app.jobs.services import create_job
from app.jobs.stages import JobFailure, stage
from app.scoring.models import Evaluation

ATTEMPTS: dict[str, int] = {}


@stage("test_flaky")
def flaky(job, progress):
    ATTEMPTS["flaky"] = ATTEMPTS.get("flaky", 0) + 1
    record(db.session, "test.half_written", target=job)  # must vanish with the failed attempt
    if ATTEMPTS["flaky"] < 2:
        raise RuntimeError("temporary trouble")
    return []


@stage("test_bad_input")
def bad_input(job, progress):
    raise JobFailure("this file is not audio")


@stage("test_first")
def first(job, progress):
    return ["test_second"]


@stage("test_second")
def second(job, progress):
    record(db.session, "test.second_ran", target=job)
    return []


def _events(action: str) -> int:
    from app.audit.models import AuditEvent

    return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_a_failed_attempt_is_retried_and_leaves_no_half_written_result(app):
    ATTEMPTS.clear()
    job = create_job(db.session, "test_flaky")
    db.session.commit()  # inline queue: runs now, fails once, runs again
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert job.log[0]["error"] == "temporary trouble"
    assert _events("test.half_written") == 1


def test_bad_input_fails_at_once_with_its_message(app):
    job = create_job(db.session, "test_bad_input")
    db.session.commit()
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.error == "this file is not audio"


def test_stages_chain(app):
    create_job(db.session, "test_first")
    db.session.commit()
    kinds = db.session.scalars(select(Job.kind).order_by(Job.id)).all()
    assert kinds == ["test_first", "test_second"] and _events("test.second_ran") == 1


def test_a_job_delivered_twice_runs_once(app):
    job = create_job(db.session, "test_first")
    db.session.commit()
    run_job(job.id)  # a duplicate message for a job already done
    assert _events("test.second_ran") == 1


def test_a_rolled_back_job_is_never_queued(app):
    create_job(db.session, "test_first")
    db.session.rollback()
    assert db.session.scalars(select(Job)).all() == []


def test_recovery_requeues_a_job_whose_worker_vanished(app):
    from datetime import timedelta

    from app.db import utcnow

    job = Job(
        kind="test_second",
        status=JobStatus.RUNNING,
        attempts=1,
        max_attempts=3,
        heartbeat_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(job)
    db.session.commit()
    assert recover_jobs(requeue_waiting=False) == 1
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_an_upload_is_transcribed_then_scored(app, make):
    call = make.call(seconds=4)
    db.session.expire_all()
    assert [j.kind for j in call.jobs] == ["transcribe", "score"]
    assert all(j.status == JobStatus.DONE for j in call.jobs)
    assert call.status == CallStatus.SCORED and call.transcript is not None
    indexing = db.session.scalars(select(Job).where(Job.kind == "index_moments")).one()  # then the moment library
    evaluation = db.session.scalars(select(Evaluation).where(Evaluation.call_id == call.id)).one()
    assert indexing.status == JobStatus.DONE and indexing.target_id == evaluation.id


def test_the_jobs_command_shows_progress(app, make, runner):
    make.call()
    result = runner.invoke(args=["qa", "jobs", "--all"])
    assert result.exit_code == 0
    assert "transcribe" in result.output and "100%" in result.output and "done" in result.output
