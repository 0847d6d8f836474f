"""Plain-dict context builders for the calls pages: templates only format what these return."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.choices import Permission
from app.auth.models import User
from app.calls.choices import CallStatus
from app.calls.models import Call
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.teams.models import Team
from app.teams.services import agent_choices

STATUS_LABELS = {
    CallStatus.UPLOADED: _l("Queued"),
    CallStatus.TRANSCRIBING: _l("Transcribing"),
    CallStatus.TRANSCRIBED: _l("Transcribed"),
    CallStatus.SCORING: _l("Scoring"),
    CallStatus.SCORED: _l("Scored"),
    CallStatus.FAILED: _l("Failed"),
}
RUNNING_STATUS = {"transcribe": CallStatus.TRANSCRIBING, "score": CallStatus.SCORING}
JOB_LABELS = {
    "transcribe": _l("Transcription"),
    "score": _l("Scoring"),
    "render_sheet": _l("Coaching sheet"),
    "import": _l("Bulk import"),
}
OTHER_JOB = _l("Background task")  # a kind added later never shows its internal name
MIMETYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "webm": "audio/webm",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
}


def audio_mimetype(extension: str) -> str:
    return MIMETYPES.get(extension, "application/octet-stream")


def fill_filter_choices(form, user: User) -> None:
    """Agents only filter their own calls, so they are offered no team or agent choices."""
    form.status.choices = [("", _l("All statuses"))] + [(k, v) for k, v in STATUS_LABELS.items()]
    if user.can(Permission.VIEW_ALL_CALLS):
        teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
        form.team.choices = [(0, _l("All teams"))] + [tuple(t) for t in teams]
        form.agent.choices = [(0, _l("All agents"))] + agent_choices()
    else:
        form.team.choices = [(0, _l("All teams"))]
        form.agent.choices = [(0, _l("All agents"))]


def _latest_job(call: Call) -> Job | None:
    return call.jobs[-1] if call.jobs else None


def progress_of(call: Call) -> dict[str, Any]:
    """What the progress bar shows: the running stage, its percentage, and whether it is still moving."""
    job = _latest_job(call)
    status = call.status
    if job is not None and job.status == JobStatus.RUNNING:
        status = RUNNING_STATUS.get(job.kind, status)
    return {
        "call_id": call.id,
        "status": status,
        "status_label": str(STATUS_LABELS.get(status, status)),
        "stage": job.kind if job else None,
        "stage_label": str(JOB_LABELS.get(job.kind, OTHER_JOB)) if job else None,
        "job_status": job.status if job else None,
        "progress": job.progress if job else 0,
        "message": job.message if job else None,
        "error": job.error if job and job.status == JobStatus.FAILED else None,
        "active": bool(job and job.active),
    }


def call_rows(calls: list[Call]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "date": c.call_date,
            "agent": c.agent.name,
            "team": c.team.name,
            "direction": c.direction,
            "duration": c.recording.duration,
            "filename": c.original_filename,
            "external_id": c.external_id,
            "progress": progress_of(c),
        }
        for c in calls
    ]


def call_page(call: Call, user: User) -> dict[str, Any]:
    """Everything the call page shows; other stages add their own keys through `sections`."""
    from app.calls.sections import sections_for

    return {
        "call": call,
        "recording": call.recording,
        "progress": progress_of(call),
        "jobs": list(reversed(call.jobs)),
        "job_labels": JOB_LABELS,
        "other_job": OTHER_JOB,
        "can_retry": user.can(Permission.UPLOAD_CALLS),
        "sections": sections_for(call, user),
    }
