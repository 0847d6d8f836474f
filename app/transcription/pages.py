"""The transcript section of the call page, as a plain dict."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from app import privacy
from app.auth.models import User
from app.auth.permissions import sees_unredacted
from app.calls.models import Call
from app.calls.sections import call_section

SETTINGS_SHOWN = {
    "device": _l("Runs on"),
    "compute_type": _l("Number precision"),
    "model_source": _l("Model from"),
    "beam_size": _l("Search width (beam)"),
    "vad_filter": _l("Silence skipped before transcribing"),
    "condition_on_previous_text": _l("Each line reads the one before"),
    "cpu_threads": _l("Processor threads"),
}
SPEAKER_LABELS = {"agent": _l("Agent"), "customer": _l("Customer"), "unknown": _l("Unknown speaker")}
ATTRIBUTION_LABELS = {
    "stereo": _l("one channel per party"),
    "diarized": _l("speakers told apart automatically"),
    "single": _l("speakers not told apart"),
}


def _seconds(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else _l("%(n)s s", n=format_decimal(round(value, digits)))


def _wpm(value: float | None) -> str:
    return "–" if not value else _l("%(n)s words/min", n=format_decimal(round(value)))


def _metrics(m: dict[str, Any]) -> list[tuple[Any, str]]:
    """Metric rows as (label, formatted value); absent figures are skipped."""
    if not m:
        return []
    talk, rate = m.get("talk_time") or {}, m.get("speech_rate_wpm") or {}
    silence, overtalk = m.get("silence") or {}, m.get("overtalk") or {}
    latency, monologue = m.get("response_latency") or {}, m.get("longest_agent_monologue") or {}
    ratio = m.get("talk_listen_ratio")
    holds = sum(1 for s in silence.get("long", []) if s.get("possible_unannounced_hold"))
    rows = [
        (_l("Agent talk time"), _seconds(talk.get("agent", 0))),
        (_l("Customer talk time"), _seconds(talk.get("customer", 0))),
        *([(_l("Speech not attributed to a party"), _seconds(talk["unknown"]))] if talk.get("unknown") else []),
        (_l("Talk/listen ratio"), format_decimal(round(ratio, 2)) if ratio is not None else "–"),
        (
            _l("Silences"),
            _l(
                "%(count)d, %(total)s in all, longest %(longest)s",
                count=silence.get("count", 0),
                total=_seconds(silence.get("total", 0)),
                longest=_seconds(silence.get("longest", 0)),
            ),
        ),
        (_l("Possible unannounced holds"), str(holds)),
        (
            _l("Overtalk"),
            _l(
                "%(count)d, %(total)s in all",
                count=overtalk.get("count", 0),
                total=_seconds(overtalk.get("total", 0), 1),
            ),
        ),
        (_l("Interruptions of the customer"), str((m.get("interruptions") or {}).get("count", 0))),
        (_l("Agent speech rate"), _wpm(rate.get("agent"))),
        (_l("Customer speech rate"), _wpm(rate.get("customer"))),
        (_l("Longest agent monologue"), _seconds(monologue.get("duration", 0))),
        (_l("Turns"), str(m.get("turns", 0))),
        (_l("Agent response latency"), _seconds(latency.get("median"), 1)),
    ]
    return rows


def _mark_uncertain(segments, lines: list[dict[str, Any]]) -> None:
    """Lines whose words the recogniser was unsure of get `pieces` [(text, unsure)], so pages show them faintly
    (only where the text shown is the text heard: redacted text no longer lines up with the words)."""
    from app.transcription import confidence

    threshold = confidence.configured_threshold()
    for segment, line in zip(segments, lines, strict=True):
        if line["text"] == segment.text:
            pieces = confidence.pieces(segment.text, confidence.as_words(segment.words), threshold)
            if any(unsure for _, unsure in pieces):
                line["pieces"] = pieces


def _setting_text(value) -> str:
    """A setting as a reader says it: yes or no rather than True or False."""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    return str(value)


@call_section(order=10)
def transcript_section(call: Call, user: User):
    """The conversation, metrics and how it was produced; trainers see the redacted text."""
    row = call.transcript
    if row is None:
        return None
    redacted = not sees_unredacted(user)
    lines = [
        {
            "index": s.position,
            "speaker": s.speaker,
            "label": SPEAKER_LABELS.get(s.speaker, s.speaker),
            "start": s.start,
            "end": s.end,
            "text": privacy.segment_text(user, s, row.language, redacted=redacted),
        }
        for s in row.segments
    ]
    _mark_uncertain(row.segments, lines)
    settings = row.settings or {}
    return "transcription/_transcript.html", {
        "call_id": call.id,
        "lines": lines,
        "redacted": redacted,
        "metrics": _metrics(row.metrics),
        "language": row.language,
        "language_probability": row.language_probability,
        "engine": row.engine,
        "model": row.model,
        "attribution": ATTRIBUTION_LABELS.get(row.attribution, row.attribution),
        "settings": [(label, _setting_text(settings[k])) for k, label in SETTINGS_SHOWN.items() if k in settings],
        "dropped": len(row.dropped or []),
        "swap_suspected": call.swap_suspected,
        "unknown_speakers": any(s.speaker == "unknown" for s in row.segments),
    }
