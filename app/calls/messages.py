"""User-facing wording of refused recordings, in the user's language.

AudioError and IngestError carry plain English messages, because the probing and ingest services are shared
with the CLI and the worker and import no Flask-Babel. The pages show them through `user_message`, which maps
each known message to its translatable form; the parameterised ones are recognised by pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

from app import audio
from app.calls.services import MSG_SILENT, MSG_UNSUPPORTED

_EXACT = {
    audio.MSG_EMPTY: _l("The file is empty."),
    audio.MSG_UNREADABLE: _l("This file is not a readable audio recording."),
    audio.MSG_NO_AUDIO: _l("This file contains no audio track."),
    audio.MSG_CORRUPT: _l("The recording is truncated or corrupt."),
    audio.MSG_SILENT_EMPTY: _l("The recording contains no sound (zero length)."),
    "The audio file does not exist.": _l("The audio file does not exist."),
    MSG_UNSUPPORTED: _l("This audio format is not accepted: use WAV, MP3, M4A, OGG, FLAC or WebM."),
    MSG_SILENT: _l("The recording is silent: nothing to transcribe."),
}

_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"The recording is too long \(max (?P<n>\d+(?:\.\d+)?) minutes\)\."),
        lambda m: gettext(
            "The recording is too long (max %(minutes)s minutes).", minutes=format_decimal(float(m["n"]))
        ),
    ),
    (
        re.compile(r"The file is too large \(max (?P<n>\d+) MB\)\."),
        lambda m: gettext("The file is too large (max %(mb)d MB).", mb=int(m["n"])),
    ),
    (
        re.compile(r"This recording was already uploaded \(call #(?P<n>\d+)\)\."),
        lambda m: gettext("This recording was already uploaded (call #%(id)d).", id=int(m["n"])),
    ),
    (
        re.compile(r"A call with reference (?P<ref>.+) already exists in this team\.", re.DOTALL),
        lambda m: gettext("A call with reference %(reference)s already exists in this team.", reference=m["ref"]),
    ),
    (
        re.compile(r"Unknown direction (?P<v>.+)\.", re.DOTALL),
        lambda m: gettext("Unknown direction %(value)s.", value=m["v"]),
    ),
    (
        re.compile(r"Unknown channel layout (?P<v>.+)\.", re.DOTALL),
        lambda m: gettext("Unknown channel layout %(value)s.", value=m["v"]),
    ),
    (
        re.compile(r"The recording lasts (?P<s>\d+\.\d) s: too short to have anything to score\."),
        lambda m: gettext(
            "The recording lasts %(seconds)s s: too short to have anything to score.",
            seconds=format_decimal(float(m["s"]), format="0.0"),
        ),
    ),
    (
        re.compile(r"The recording has (?P<n>\d+) channels: .*", re.DOTALL),
        lambda m: gettext(
            "The recording has %(num)d channels: Écoute takes mono calls or two channels with one party on each.",
            num=int(m["n"]),
        ),
    ),
    (
        re.compile(
            r"The channel layout (?P<layout>\S+) needs a two-channel recording, and this one has (?P<n>\d+): "
            r".*",
            re.DOTALL,
        ),
        lambda m: gettext(
            "The channel layout %(layout)s needs a two-channel recording, and this one has %(num)d: "
            "choose mono (the speakers are then told apart by voice).",
            layout=m["layout"],
            num=int(m["n"]),
        ),
    ),
]


def user_message(exc: BaseException) -> str:
    """The exception's message in the current locale; a message not known here is returned as it is."""
    message = str(exc)
    if message in _EXACT:
        return str(_EXACT[message])
    for pattern, translate in _PATTERNS:
        if match := pattern.fullmatch(message):
            return translate(match)
    return message
