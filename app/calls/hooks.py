"""What later stages add to the calls pages without the calls package knowing what they store: filters of the calls
list (words said: transcription; scores: scoring) and the copy of a recording a reader may hear (transcription's
redacted or payment-masked copies). Each stage registers its part when its module loads (create_app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Select

from app.auth.models import User
from app.calls.forms import CallFilterForm
from app.calls.models import Call

Narrow = Callable[[Select, CallFilterForm, User], Select]
FillChoices = Callable[[CallFilterForm], None]
# What a reader may hear: (path, extension, how heard: "redacted", "payment_masked" or "as_spoken").
Hearing = tuple[Path, str, str]
AudioChooser = Callable[[Call, User], Hearing | None]

_FILTERS: list[tuple[FillChoices | None, Narrow]] = []
_AUDIO: list[AudioChooser] = []


class NothingSafe(LookupError):
    """No copy of the recording is known to be safe for this reader (the transcript, which says what to hide, is
    not there yet)."""


def list_filter(narrow: Narrow, fill_choices: FillChoices | None = None) -> Narrow:
    """Register a filter of the calls list, and how it fills its form field's choices."""
    if all(n is not narrow for _, n in _FILTERS):
        _FILTERS.append((fill_choices, narrow))
    return narrow


def fill_filter_choices(form: CallFilterForm) -> None:
    for fill, _ in _FILTERS:
        if fill is not None:
            fill(form)


def narrow_calls(query: Select, form: CallFilterForm, user: User) -> Select:
    """The query narrowed by every registered filter the form asks for."""
    for _, narrow in _FILTERS:
        query = narrow(query, form, user)
    return query


def audio_chooser(choose: AudioChooser) -> AudioChooser:
    """Register who hears which copy of a recording (the first chooser that answers, not None, wins)."""
    if choose not in _AUDIO:
        _AUDIO.append(choose)
    return choose


def heard_copy(call: Call, user: User) -> Hearing:
    """The copy of the recording this user may hear; NothingSafe when no chooser answers (so a reader who must not
    hear everything never gets the recording as spoken by default)."""
    for choose in _AUDIO:
        if (copy := choose(call, user)) is not None:
            return copy
    raise NothingSafe(f"no copy of call {call.id}'s recording is known to be safe for this reader")
