"""What transcription adds to the calls pages: the "words said" filter of the list, and the copy of a recording each
reader may hear (redacted for readers of redacted transcripts, payment data silenced for readers without a need)."""

from __future__ import annotations

from sqlalchemy import Select

from app.auth.models import User
from app.auth.permissions import sees_unredacted
from app.calls.forms import CallFilterForm
from app.calls.hooks import Hearing, NothingSafe, audio_chooser, list_filter
from app.calls.models import Call
from app.calls.services import recording_path
from app.transcription.services import payment_masked_audio, redacted_audio_path, where_said


@list_filter
def said(query: Select, form: CallFilterForm, user: User) -> Select:
    """Calls whose transcript, as this user may read it, contains the words asked for."""
    if form.said.data and form.said.data.strip():
        return where_said(query, form.said.data, unredacted=sees_unredacted(user))
    return query


@audio_chooser
def heard(call: Call, user: User) -> Hearing:
    """The redacted copy for readers of redacted transcripts, else the copy with payment data silenced (the
    recording as spoken where there is nothing to hide)."""
    original = (recording_path(call), call.recording.extension, "as_spoken")
    if call.transcript is None:
        raise NothingSafe(f"call {call.id} has no transcript yet")
    if not sees_unredacted(user):
        redacted = redacted_audio_path(call.transcript)
        return (redacted, "flac", "redacted") if redacted is not None else original
    masked = payment_masked_audio(call)
    return (masked, "flac", "payment_masked") if masked is not None else original
