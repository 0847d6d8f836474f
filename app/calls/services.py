"""Ingesting recordings (upload and bulk import) and querying calls."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from app.audio import SILENCE_DBFS, AudioError, AudioInfo, probe_audio
from app.audit.services import record
from app.calls import storage
from app.calls.choices import CallStatus, Direction
from app.calls.models import Call, Recording
from app.jobs.services import create_job
from app.teams.models import CHANNEL_LAYOUTS, Agent


class IngestError(ValueError):
    """A recording refused at the door; the message is for the person who sent it."""


MSG_UNSUPPORTED = "This audio format is not accepted: use WAV, MP3, M4A, OGG, FLAC or WebM."
MSG_SILENT = "The recording is silent: nothing to transcribe."


@dataclass(frozen=True)
class CallMeta:
    agent: Agent
    call_date: datetime
    direction: str = Direction.INBOUND
    external_id: str | None = None
    channel_layout: str | None = None


def display_name(filename: str | None) -> str:
    """A user's file name made safe to show (never to use as a path): NFC, no controls, no folders."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "recording"


def check_choices(meta: CallMeta) -> None:
    """Direction and channel layout are known values; IngestError otherwise."""
    if meta.direction not in tuple(Direction):
        raise IngestError(f"Unknown direction {meta.direction!r}.")
    if meta.channel_layout and meta.channel_layout not in CHANNEL_LAYOUTS:
        raise IngestError(f"Unknown channel layout {meta.channel_layout!r}.")


def _check_meta(session: Session, meta: CallMeta) -> None:
    check_choices(meta)
    if (
        meta.external_id
        and session.scalars(
            select(Call.id).where(Call.team_id == meta.agent.team_id, Call.external_id == meta.external_id)
        ).first()
    ):
        raise IngestError(f"A call with reference {meta.external_id} already exists in this team.")


MIN_CALL_SECONDS = 1.5


def check_recording(info: AudioInfo, layout: str | None) -> None:
    """Refuse at once what transcription could never score (no retries, nothing stored): too short, silent, too
    many channels, or a two-party channel layout declared on a file that does not have two channels."""
    if info.duration < MIN_CALL_SECONDS:
        raise IngestError(f"The recording lasts {info.duration:.1f} s: too short to have anything to score.")
    if info.level_dbfs <= SILENCE_DBFS:
        raise IngestError(MSG_SILENT)
    if info.channels > 2:
        raise IngestError(
            f"The recording has {info.channels} channels: Écoute takes mono calls or two channels with one party on "
            "each."
        )
    if layout in ("agent,customer", "customer,agent") and info.channels != 2:
        raise IngestError(
            f"The channel layout {layout} needs a two-channel recording, and this one has {info.channels}: "
            "choose mono (the speakers are then told apart by voice)."
        )


def ingest(
    session: Session, stream: BinaryIO, filename: str | None, meta: CallMeta, *, uploaded_by_id: int | None = None
) -> Call:
    """Probe, store and register one recording, and queue its transcription; IngestError if refused."""
    _check_meta(session, meta)
    root = Path(current_app.config["RECORDINGS_DIR"])
    try:
        tmp, sha256, size = storage.spool(stream, root, max_bytes=current_app.config["MAX_CONTENT_LENGTH"])
    except storage.TooLargeError:
        raise IngestError(f"The file is too large (max {current_app.config['MAX_UPLOAD_MB']} MB).") from None
    try:
        duplicate = session.scalars(select(Call).join(Recording).where(Recording.sha256 == sha256)).first()
        if duplicate is not None:
            raise IngestError(f"This recording was already uploaded (call #{duplicate.id}).")
        if size == 0:
            raise AudioError("The file is empty.")
        info = probe_audio(tmp, max_duration=current_app.config["MAX_CALL_MINUTES"] * 60)
        if not storage.is_accepted(info.format):
            raise IngestError(MSG_UNSUPPORTED)
        check_recording(info, meta.channel_layout)
    except (AudioError, IngestError):
        tmp.unlink(missing_ok=True)
        raise
    recording = Recording(
        sha256=sha256,
        size=size,
        format=info.format,
        codec=info.codec,
        duration=info.duration,
        channels=info.channels,
        sample_rate=info.sample_rate,
        extension=storage.extension_for(info.format),
    )
    call = Call(
        recording=recording,
        agent=meta.agent,
        team_id=meta.agent.team_id,
        call_date=meta.call_date,
        direction=meta.direction,
        external_id=meta.external_id or None,
        original_filename=display_name(filename),
        channel_layout=meta.channel_layout or None,
        status=CallStatus.UPLOADED,
        uploaded_by_id=uploaded_by_id,
    )
    try:
        with session.begin_nested():  # a savepoint: losing a race to the same file undoes only this call
            session.add(call)
            session.flush()
    except IntegrityError:
        tmp.unlink(missing_ok=True)
        winner = session.scalars(select(Call.id).join(Recording).where(Recording.sha256 == sha256)).first()
        if winner is None:  # the other unique key: the same reference, uploaded at the same moment
            _check_meta(session, meta)
            raise
        raise IngestError(f"This recording was already uploaded (call #{winner}).") from None
    storage.store(tmp, root, recording.relative_path)
    record(
        session, "call.uploaded", target=call, actor_id=uploaded_by_id, sha256=sha256, filename=call.original_filename
    )
    create_job(session, "transcribe", call_id=call.id, max_attempts=current_app.config["JOB_MAX_ATTEMPTS"])
    return call


def recording_path(call: Call) -> Path:
    return storage.path_of(Path(current_app.config["RECORDINGS_DIR"]), call.recording.relative_path)


@dataclass(frozen=True)
class CallFilters:
    team_id: int | None = None
    agent_id: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    status: str | None = None


def filter_calls(query: Select, filters: CallFilters) -> Select:
    """Apply the calls-list filters to a query of visible calls, newest first."""
    if filters.team_id:
        query = query.where(Call.team_id == filters.team_id)
    if filters.agent_id:
        query = query.where(Call.agent_id == filters.agent_id)
    if filters.date_from:
        query = query.where(Call.call_date >= filters.date_from)
    if filters.date_to:
        query = query.where(Call.call_date < filters.date_to)
    if filters.status in tuple(CallStatus):
        query = query.where(Call.status == filters.status)
    return with_list_columns(query).order_by(Call.call_date.desc(), Call.id.desc())


def with_list_columns(query: Select) -> Select:
    """Load what a list row shows in a few queries instead of several per row."""
    return query.options(
        joinedload(Call.agent), joinedload(Call.team), joinedload(Call.recording), selectinload(Call.jobs)
    )
