"""/api/v1/calls: send recordings in (idempotent on the external id), list calls, read transcripts and progress."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from app.api.auth import allowed
from app.api.v1 import schemas
from app.api.v1.pagination import paginate
from app.audio import AudioError
from app.audit.services import record
from app.auth.choices import Permission
from app.auth.permissions import sees_unredacted
from app.auth.services import find_user
from app.calls.access import get_call_or_404, visible_calls
from app.calls.messages import user_message
from app.calls.models import Call
from app.calls.pages import progress_of
from app.calls.services import CallMeta, IngestError, ingest, with_list_columns
from app.extensions import db
from app.privacy import segment_text
from app.teams.models import Agent
from app.teams.services import find_agent


class _MultipartParser(FlaskParser):
    """A multipart body read as one: its fields and its files together, as one schema documents them."""

    def load_form(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


blp = Blueprint("v1_calls", __name__, url_prefix="/api/v1", description="Calls: ingest, list, transcripts")
blp.ARGUMENTS_PARSER = _MultipartParser()
READERS = (Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)


def call_json(call: Call) -> dict:
    return {
        "id": call.id,
        "agent": {"id": call.agent_id, "name": call.agent.name},
        "team": {"id": call.team_id, "name": call.team.name},
        "call_date": call.call_date,
        "direction": call.direction,
        "external_id": call.external_id,
        "filename": call.original_filename,
        "duration": call.recording.duration,
        "channels": call.recording.channels,
        "status": call.status,
        "language": call.language,
        "links": {
            "self": url_for("v1_calls.call", call_id=call.id),
            "progress": url_for("v1_calls.progress", call_id=call.id),
            "transcript": url_for("v1_calls.transcript", call_id=call.id),
        },
    }


def _agent(ref: str) -> Agent:
    """By telephony id or name (as the import manifest), or by the e-mail of the agent's account."""
    agent = find_agent(db.session, ref)
    if agent is None and "@" in ref:
        user = find_user(db.session, ref)
        agent = user.agent if user is not None else None
    if agent is None or not agent.active:
        abort(422, description=f"Unknown agent {ref!r}: give a telephony id, a name or an account e-mail.")
    return agent


def _existing(agent: Agent, external_id: str | None) -> Call | None:
    if not external_id:
        return None
    return db.session.scalars(
        select(Call).where(Call.team_id == agent.team_id, Call.external_id == external_id)
    ).first()


@blp.route("/calls", methods=["POST"])
@allowed("calls:ingest", Permission.UPLOAD_CALLS)
@blp.arguments(schemas.IngestForm, location="form", content_type="multipart/form-data")
@blp.response(202, schemas.CallOut, description="Stored; transcription and scoring follow (see links.progress)")
@blp.alt_response(200, schema=schemas.CallOut, description="A call with this external id already exists")
def ingest_call(form: dict):
    """Send a recording in, with the checks of the upload form; the same external id returns the stored call."""
    agent = _agent(form["agent"])
    existing = _existing(agent, form.get("external_id"))
    if existing is not None:
        return call_json(existing), 200
    meta = CallMeta(
        agent=agent,
        call_date=form["call_date"],
        direction=form["direction"],
        external_id=form.get("external_id"),
        channel_layout=form.get("channel_layout"),
    )
    upload = form["recording"]
    try:
        call = ingest(db.session, upload.stream, upload.filename, meta, uploaded_by_id=current_user.id)
        db.session.commit()
    except (IngestError, AudioError) as exc:
        db.session.rollback()
        existing = _existing(agent, form.get("external_id"))  # the same external id, sent twice at once
        if existing is not None:
            return call_json(existing), 200
        abort(422, description=user_message(exc))
    return call_json(call), 202, {"Location": url_for("v1_calls.call", call_id=call.id)}


@blp.route("/calls")
@allowed("calls:read", *READERS)
@blp.arguments(schemas.CallListArgs, location="query")
@blp.response(200, schemas.CallPage)
def calls(args: dict):
    """The calls this user may see, newest first; an agent only their own."""
    query = with_list_columns(visible_calls(current_user))
    for key, column in (("team", Call.team_id), ("agent", Call.agent_id), ("external_id", Call.external_id)):
        if args.get(key) is not None:
            query = query.where(column == args[key])
    items, cursor = paginate(query, Call.id, args)
    return {"items": [call_json(c) for c in items], "next_cursor": cursor}


@blp.route("/calls/<int:call_id>")
@allowed("calls:read", *READERS)
@blp.response(200, schemas.CallOut)
def call(call_id: int):
    """One call."""
    return call_json(get_call_or_404(call_id))


@blp.route("/calls/<int:call_id>/progress")
@allowed("calls:read", *READERS)
@blp.response(200, schemas.Progress)
def progress(call_id: int):
    """Where the call is in the pipeline (transcription, scoring) and whether it is still moving."""
    return progress_of(get_call_or_404(call_id))


@blp.route("/calls/<int:call_id>/transcript")
@allowed("calls:read", *READERS)
@blp.response(200, schemas.TranscriptOut)
def transcript(call_id: int):
    """The conversation as the call page shows it to this user: redacted for trainers, payment data masked
    for everyone without a need to read it."""
    call = get_call_or_404(call_id)
    row = call.transcript
    if row is None:
        abort(404, description="This call has no transcript yet.")
    redacted = not sees_unredacted(current_user)
    segments = [
        {
            "speaker": s.speaker,
            "start": s.start,
            "end": s.end,
            "text": segment_text(current_user, s, row.language, redacted=redacted),
        }
        for s in row.segments
    ]
    if not redacted:
        record(db.session, "transcript.viewed_unmasked", target=call, via="api")  # as the call page does
        db.session.commit()
    return {
        "call_id": call.id,
        "language": row.language,
        "duration": row.duration,
        "redacted": redacted,
        "segments": segments,
    }
