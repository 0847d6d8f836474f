"""The transcribe stage against the database: run the pure pipeline on a call, store the result."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audio import load_audio
from app.calls import storage
from app.calls.choices import CallStatus
from app.calls.models import Call
from app.calls.services import recording_path
from app.pii import PAYMENT_KINDS, may_hold_payment_data
from app.transcription import interchange
from app.transcription.models import Transcript, TranscriptSegment
from app.transcription.pipeline import transcribe_file
from app.transcription.redaction import RedactedSpan, redact_audio, redact_transcript
from app.transcription.settings import settings_from_config

log = logging.getLogger(__name__)


def transcribe_call(
    session: Session,
    call: Call,
    *,
    progress: Callable[[float], None] | None = None,
    job_log: list[dict[str, Any]] | None = None,
) -> Transcript:
    """Transcribe a call's recording and replace its transcript (idempotent: re-running replaces)."""
    settings = settings_from_config(current_app.config).replace(language=call.team.language or None)
    result = transcribe_file(
        recording_path(call), channels=call.effective_channel_layout, settings=settings, progress=progress, log=job_log
    )
    return store_transcript(session, call, result)


REDACTED_SAMPLE_RATE = 16000


def redacted_audio_relative_path(sha256: str) -> str:
    return f"redacted/{sha256[:2]}/{sha256}.flac"


def _write_redacted_audio(call: Call, spans: list[RedactedSpan]) -> str | None:
    """A copy of the recording with a tone over every redacted span; None when there is nothing to hide."""
    timed = [(s.start_time, s.end_time) for s in spans if s.start_time is not None and s.end_time is not None]
    if not timed:
        return None
    import soundfile

    audio = load_audio(recording_path(call), sample_rate=REDACTED_SAMPLE_RATE)
    beeped = redact_audio(audio.T, REDACTED_SAMPLE_RATE, timed)
    buffer = io.BytesIO()
    soundfile.write(buffer, beeped, REDACTED_SAMPLE_RATE, format="FLAC")
    buffer.seek(0)
    root = Path(current_app.config["RECORDINGS_DIR"])
    tmp, sha256, _size = storage.spool(buffer, root, max_bytes=2**40)
    storage.store(tmp, root, redacted_audio_relative_path(sha256))
    return sha256


def redacted_audio_path(row: Transcript) -> Path | None:
    if not row.redacted_audio_sha256:
        return None
    return storage.path_of(
        Path(current_app.config["RECORDINGS_DIR"]), redacted_audio_relative_path(row.redacted_audio_sha256)
    )


# Part of the cached copy's name: changing how payment data is masked (padding, silence) makes new copies.
PAYMENT_MASK_VERSION = 1


def payment_data_times(row: Transcript) -> list[tuple[float, float]]:
    """Where card numbers and bank details are said, in seconds from the word times (empty when never)."""
    candidates = [s for s in row.segments if may_hold_payment_data(s.redacted_text, row.language)]
    if not candidates:
        return []
    transcript = interchange.Transcript(
        language=row.language, duration=row.duration, segments=tuple(_segment(s) for s in candidates)
    )
    return sorted((s.start_time, s.end_time) for s in redact_transcript(transcript)[1] if s.kind in PAYMENT_KINDS)


def _payment_masked_relative_path(sha256: str, times: list[tuple[float, float]]) -> str:
    """Beside the recording, named by its content and the masked times: a changed transcript gets a new copy."""
    key = json.dumps([PAYMENT_MASK_VERSION, [[round(a, 3), round(b, 3)] for a, b in times]])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{sha256[:2]}/{sha256}.payment-masked-{digest}.flac"


def payment_masked_audio(call: Call) -> Path | None:
    """The call's recording with card numbers and bank details silenced (cached beside the recording, 0600, made
    when missing and replaced when the transcript changes); None when the transcript holds none."""
    times = payment_data_times(call.transcript) if call.transcript is not None else []
    if not times:
        return None
    root = Path(current_app.config["RECORDINGS_DIR"])
    target = storage.path_of(root, _payment_masked_relative_path(call.recording.sha256, times))
    if not target.exists():
        _write_silenced_copy(call, times, root, target)
    return target


def _write_silenced_copy(call: Call, times: list[tuple[float, float]], root: Path, target: Path) -> None:
    """Write the recording with these times silenced (FLAC, same rate and channels), drop copies now out of date."""
    import soundfile

    rate = call.recording.sample_rate
    silenced = redact_audio(load_audio(recording_path(call), sample_rate=rate).T, rate, times, mode="silence")
    buffer = io.BytesIO()
    soundfile.write(buffer, silenced, rate, format="FLAC", subtype="PCM_16")
    buffer.seek(0)
    tmp, _sha256, _size = storage.spool(buffer, root, max_bytes=2**40)
    storage.store(tmp, root, target.relative_to(root).as_posix(), mode=0o600)
    _drop_payment_masked_copies(call, keep=target)


def _drop_payment_masked_copies(call: Call, keep: Path | None = None) -> None:
    """Remove the silenced copies made from earlier transcripts."""
    folder = recording_path(call).parent
    for stale in folder.glob(f"{call.recording.sha256}.payment-masked-*.flac"):
        if stale != keep:
            stale.unlink(missing_ok=True)


def store_transcript(session: Session, call: Call, result: interchange.Transcript) -> Transcript:
    """Write a pipeline result as the call's only transcript, with a redacted copy of each line and of the audio."""
    redacted, spans = redact_transcript(result)
    if call.transcript is not None:
        session.delete(call.transcript)  # its segments go with it (cascade)
        session.flush()
    info = result.info
    row = Transcript(
        call=call,
        language=result.language,
        language_probability=info.get("language_probability"),
        duration=result.duration,
        engine=str(info.get("engine", "unknown")),
        model=str(info.get("model", "")),
        attribution=str(info.get("attribution", "single")),
        settings=info.get("settings") or {},
        metrics=info.get("metrics") or {},
        dropped=info.get("dropped") or [],
        redacted_audio_sha256=_write_redacted_audio(call, spans),
    )
    row.segments = [
        TranscriptSegment(
            position=i,
            speaker=seg.speaker,
            start=seg.start,
            end=seg.end,
            text=seg.text,
            redacted_text=red.text,
            words=[_stored_word(w) for w in seg.words],
        )
        for i, (seg, red) in enumerate(zip(result.segments, redacted.segments, strict=True))
    ]
    session.add(row)
    call.language = result.language
    call.swap_suspected = bool(info.get("swap_suspected"))
    call.status = CallStatus.TRANSCRIBED
    session.flush()
    # Made here, in the job, so that playing the call does not wait for it.
    if payment_masked_audio(call) is None:
        _drop_payment_masked_copies(call)
    return row


def _stored_word(word: interchange.Word) -> dict[str, Any]:
    """A word as stored: its times, its text and, when the engine gave one, its probability (confidence)."""
    stored: dict[str, Any] = {"start": word.start, "end": word.end, "word": word.word}
    if word.probability is not None:
        stored["probability"] = round(float(word.probability), 3)
    return stored


def to_interchange(row: Transcript, *, redacted: bool = False) -> interchange.Transcript:
    """A stored transcript back in the interchange shape (for scoring and exports); `redacted` masks personal
    data in the text and in the word timings alike (a masked span becomes one labelled word)."""
    segments = tuple(_segment(s) for s in row.segments)
    info = {
        "engine": row.engine,
        "model": row.model,
        "metrics": row.metrics,
        "language_probability": row.language_probability,
    }
    transcript = interchange.Transcript(language=row.language, duration=row.duration, segments=segments, info=info)
    return redact_transcript(transcript)[0] if redacted else transcript


def _segment(row: TranscriptSegment) -> interchange.Segment:
    return interchange.Segment(
        speaker=row.speaker,
        start=row.start,
        end=row.end,
        text=row.text,
        words=tuple(interchange.Word(w["start"], w["end"], w["word"], w.get("probability")) for w in row.words),
    )


def where_said(query: Select, words: str, *, unredacted: bool) -> Select:
    """Narrow a query of calls to those whose transcript contains the words (case-insensitive); readers of
    redacted transcripts search the redacted text, so a search never reveals what they may not read."""
    column = TranscriptSegment.text if unredacted else TranscriptSegment.redacted_text
    pattern = "%" + words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    said = (
        select(Transcript.call_id)
        .join(TranscriptSegment, TranscriptSegment.transcript_id == Transcript.id)
        .where(column.ilike(pattern, escape="\\"))
    )
    return query.where(Call.id.in_(said))
