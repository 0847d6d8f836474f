"""Transcript exports: interchange JSON, SubRip, WebVTT and plain speaker-labelled text (pure)."""

from __future__ import annotations

import json

from app.transcription.interchange import Transcript

SPEAKER_LABELS = {
    "en": {"agent": "Agent", "customer": "Customer", "unknown": "Speaker"},
    "fr": {"agent": "Agent", "customer": "Client", "unknown": "Interlocuteur"},
}


def _label(speaker: str, language: str) -> str:
    return SPEAKER_LABELS.get(language, SPEAKER_LABELS["en"]).get(speaker, speaker)


def _clock(seconds: float, sep: str) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def to_json(transcript: Transcript, *, with_words: bool = True, with_info: bool = False, indent: int | None = 2) -> str:
    """Interchange JSON (info included only on request)."""
    data = transcript.to_dict(with_words=with_words)
    if with_info:
        data["info"] = transcript.info
    return json.dumps(data, ensure_ascii=False, indent=indent)


def to_srt(transcript: Transcript) -> str:
    """SubRip subtitles, one cue per segment, speaker in brackets."""
    cues = []
    for i, seg in enumerate(transcript.segments, 1):
        times = f"{_clock(seg.start, ',')} --> {_clock(seg.end, ',')}"
        cues.append(f"{i}\n{times}\n[{_label(seg.speaker, transcript.language)}] {seg.text}\n")
    return "\n".join(cues)


def to_vtt(transcript: Transcript) -> str:
    """WebVTT with voice spans (<v Agent>) so players can style each party."""
    cues = ["WEBVTT\n"]
    for seg in transcript.segments:
        text = seg.text.replace("-->", "->")
        times = f"{_clock(seg.start, '.')} --> {_clock(seg.end, '.')}"
        cues.append(f"{times}\n<v {_label(seg.speaker, transcript.language)}>{text}\n")
    return "\n".join(cues)


def to_text(transcript: Transcript) -> str:
    """One line per turn: "[mm:ss] Agent: text", consecutive segments of one party joined."""
    lines: list[str] = []
    last_speaker = None
    for seg in transcript.segments:
        if seg.speaker == last_speaker and lines:
            lines[-1] += f" {seg.text}"
            continue
        minutes, seconds = divmod(int(seg.start), 60)
        lines.append(f"[{minutes:02d}:{seconds:02d}] {_label(seg.speaker, transcript.language)}: {seg.text}")
        last_speaker = seg.speaker
    return "\n".join(lines) + ("\n" if lines else "")


EXPORTERS = {"json": to_json, "srt": to_srt, "vtt": to_vtt, "txt": to_text}
