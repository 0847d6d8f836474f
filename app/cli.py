"""`flask --app wsgi qa ...`: the command line. Each command parses, calls services, commits once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

qa = AppGroup("qa", help="Écoute: users, demo data, imports, workers, transcription and scoring.")


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@qa.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "qa_manager", "trainer", "agent"]))
@click.option("--agent", "agent_ref", help="Agent record (telephony id or name) for an agent account.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email: str, name: str, role: str, agent_ref: str | None, password: str) -> None:
    """Create a user account."""
    from app.auth.services import AccountError, create_user
    from app.teams.services import find_agent

    agent = None
    if agent_ref:
        agent = find_agent(db.session, agent_ref)
        if agent is None:
            raise _fail(f"unknown agent {agent_ref!r}")
    try:
        user = create_user(db.session, email=email, name=name, password=password, role=role, agent=agent)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


@qa.command("seed-demo")
@click.option("--with-calls/--without-calls", default=True, help="Also import the bundled demo recordings.")
@click.option("--force", is_flag=True, help="Seed even outside development (the demo passwords are public).")
def seed_demo_command(with_calls: bool, force: bool) -> None:
    """Create demo teams, agents, one login per role and demo calls (idempotent)."""
    from app.demo import seed

    env = current_app.config.get("ENV_NAME", "production")
    if env not in ("development", "testing") and not force:
        raise _fail(
            f"refusing to create demo accounts with published passwords in {env} "
            "(set ECOUTE_ENV=development, or pass --force on a throw-away database)"
        )
    logins = seed.seed_people(db.session)
    db.session.commit()
    imported = seed.seed_calls(db.session) if with_calls else 0
    click.echo(f"Demo data ready ({imported} new demo call(s) queued for transcription).")
    click.echo("Sign in with one of:")
    for role, email, password in logins:
        click.echo(f"  {role:<11} {email:<28} {password}")


@qa.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV manifest (default: FOLDER/manifest.csv).",
)
def import_command(folder: Path, manifest: Path | None) -> None:
    """Import a folder of recordings described by a CSV manifest."""
    from app.audio import AudioError
    from app.calls.importer import ManifestError, read_manifest
    from app.calls.services import IngestError, ingest

    try:
        rows = read_manifest(db.session, folder, manifest)
    except ManifestError as exc:
        raise _fail(str(exc)) from None
    imported, failed = 0, []
    with click.progressbar(
        rows, label="Importing", file=sys.stderr, item_show_func=lambda r: r.path.name if r else None
    ) as bar:
        for row in bar:
            try:
                with row.path.open("rb") as fh:
                    ingest(db.session, fh, row.path.name, row.meta)
                db.session.commit()
                imported += 1
            except (IngestError, AudioError) as exc:
                db.session.rollback()
                failed.append(f"line {row.line} ({row.path.name}): {exc}")
    click.echo(f"{imported} call(s) imported, {len(failed)} refused.")
    for line in failed:
        click.echo(f"  refused {line}", err=True)
    if failed:
        sys.exit(1)


@qa.command("worker")
@click.option("--workers", type=int, default=None, help="Concurrent jobs in this process [default: JOB_WORKERS, 1].")
@click.option("--worker-type", default="thread", type=click.Choice(["thread", "process"]), show_default=True)
def worker_command(workers: int | None, worker_type: str) -> None:
    """Run a job worker (transcription, scoring...) until stopped."""
    from app.calls.storage import remove_orphans
    from app.jobs.queue import get_queue
    from app.jobs.runner import recover_jobs
    from app.scoring.services import load_models

    workers = workers or current_app.config["JOB_WORKERS"]
    load_models()  # once per process, before the first job
    queue = get_queue()
    requeued = recover_jobs(requeue_waiting=True)
    orphans = remove_orphans(Path(current_app.config["RECORDINGS_DIR"]))
    click.echo(
        f"worker on {queue.backend} queue {current_app.config['QUEUE_NAME']!r}, "
        f"{workers} {worker_type}(s); {requeued} job(s) (re)queued, {orphans} unfinished upload(s) "
        "removed",
        err=True,
    )
    queue.run_worker(workers=workers, worker_type=worker_type)


@qa.command("jobs")
@click.option("--watch", is_flag=True, help="Keep refreshing until no job is queued or running.")
@click.option("--all", "show_all", is_flag=True, help="Also list finished jobs (the latest 50).")
def jobs_command(watch: bool, show_all: bool) -> None:
    """Show background jobs and their progress."""
    from sqlalchemy import select

    from app.jobs.choices import JobStatus
    from app.jobs.models import Job

    while True:
        query = select(Job).order_by(Job.id.desc()).limit(50)
        if not show_all:
            query = query.where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
        rows = db.session.scalars(query).all()
        for job in reversed(rows):
            bar = "#" * (job.progress // 5) + "." * (20 - job.progress // 5)
            error = f"  {job.error}" if job.error else ""
            click.echo(
                f"job {job.id:>5}  {job.kind:<10} call {job.call_id or '-':>5}  {job.status:<8} "
                f"[{bar}] {job.progress:>3}%  attempt {job.attempts}{error}"
            )
        if not rows:
            click.echo("no active jobs" if not show_all else "no jobs")
        if not watch or not any(j.active for j in rows):
            return
        time.sleep(2)
        db.session.expire_all()
        click.echo("")


@qa.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True, help="Web server threads.")
@click.option("--worker/--no-worker", default=True, help="Also start a job worker beside the web server.")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Jobs the worker runs at once [default: JOB_WORKERS, 1]; raise it on a machine with cores to spare.",
)
def serve_command(host: str, port: int, threads: int, worker: bool, workers: int | None) -> None:
    """Serve the web app (waitress) with a job worker beside it."""
    from waitress import serve

    from app.scoring.services import load_models

    proc = None
    if worker:
        workers = workers or current_app.config["JOB_WORKERS"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "qa", "worker", "--workers", str(workers)]
        )
        time.sleep(0.5)
        if proc.poll() is not None:
            raise _fail("the job worker did not start; run `flask --app wsgi qa worker` to see why")
    load_models()  # pages that read transcripts (moments, excerpts) never wait for spaCy
    click.echo(f"\n  Écoute is running at http://{host}:{port}/  (Ctrl+C to stop)\n")
    try:
        serve(current_app._get_current_object(), host=host, port=port, threads=threads, ident="Ecoute")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


def register_stage_commands() -> None:
    """Commands contributed by the pipeline stages (transcribe, score, rubrics...)."""
    from app.api.cli import register as register_api
    from app.coaching.cli import register as register_coaching
    from app.roleplay.cli import register as register_roleplay
    from app.scoring.cli import register as register_scoring
    from app.transcription.cli import register as register_transcription

    register_transcription(qa)
    register_scoring(qa)
    register_coaching(qa)
    register_roleplay(qa)
    register_api(qa)
