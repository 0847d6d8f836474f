"""The transcript interchange format (DESIGN.md): pure dataclasses, parsing and validation.

Every stage speaks this shape: the transcription engines produce it, the scorer reads it, the CLI
and the exports print it. No Flask or database import here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

SPEAKERS = ("agent", "customer", "unknown")
LANGUAGES = ("fr", "en")


class TranscriptFormatError(ValueError):
    """A transcript file or payload that does not follow the interchange format."""


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    word: str
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def word_confidence(self) -> float | None:
        """How sure the recogniser was of the segment's words: their mean probability (None when it gave none)."""
        return mean_probability(self.words)


def mean_probability(words: Iterable[Word]) -> float | None:
    """The mean of the words' probabilities, those the recogniser gave (None when it gave none)."""
    known = [w.probability for w in words if w.probability is not None]
    return sum(known) / len(known) if known else None


@dataclass(frozen=True, slots=True)
class Transcript:
    language: str
    duration: float
    segments: tuple[Segment, ...]
    # Free-form facts about how it was made (engine, model, settings, language probability...).
    info: dict[str, Any] = field(default_factory=dict)

    def by_speaker(self, speaker: str) -> list[Segment]:
        return [s for s in self.segments if s.speaker == speaker]

    def to_dict(self, *, with_words: bool = True) -> dict[str, Any]:
        segments = []
        for seg in self.segments:
            item: dict[str, Any] = {
                "speaker": seg.speaker,
                "start": round(seg.start, 3),
                "end": round(seg.end, 3),
                "text": seg.text,
            }
            if with_words and seg.words:
                item["words"] = [{k: v for k, v in asdict(w).items() if v is not None} for w in seg.words]
            segments.append(item)
        return {"language": self.language, "duration": round(self.duration, 3), "segments": segments}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TranscriptFormatError(f"{where}: expected a number of seconds, got {value!r}")
    if value < 0:
        raise TranscriptFormatError(f"{where}: time cannot be negative ({value})")
    return float(value)


def _word(raw: Any, where: str) -> Word:
    if not isinstance(raw, dict):
        raise TranscriptFormatError(f"{where}: expected an object with start, end and word")
    text = raw.get("word")
    if not isinstance(text, str):
        raise TranscriptFormatError(f"{where}.word: expected text")
    start, end = _number(raw.get("start"), f"{where}.start"), _number(raw.get("end"), f"{where}.end")
    prob = raw.get("probability")
    return Word(start=start, end=end, word=text, probability=float(prob) if prob is not None else None)


def _segment(raw: Any, index: int) -> Segment:
    where = f"segments[{index}]"
    if not isinstance(raw, dict):
        raise TranscriptFormatError(f"{where}: expected an object")
    speaker = raw.get("speaker", "unknown")
    if speaker not in SPEAKERS:
        raise TranscriptFormatError(f"{where}.speaker: must be one of {', '.join(SPEAKERS)}, got {speaker!r}")
    text = raw.get("text")
    if not isinstance(text, str):
        raise TranscriptFormatError(f"{where}.text: expected text")
    start, end = _number(raw.get("start"), f"{where}.start"), _number(raw.get("end"), f"{where}.end")
    if end < start:
        raise TranscriptFormatError(f"{where}: end ({end}) is before start ({start})")
    raw_words = raw.get("words") or []
    if not isinstance(raw_words, list):
        raise TranscriptFormatError(f"{where}.words: expected a list")
    words = tuple(_word(w, f"{where}.words[{i}]") for i, w in enumerate(raw_words))
    return Segment(speaker=speaker, start=start, end=end, text=text.strip(), words=words)


def transcript_from_dict(data: Any) -> Transcript:
    """Validate an interchange payload and return a Transcript, or raise TranscriptFormatError."""
    if not isinstance(data, dict):
        raise TranscriptFormatError("expected a JSON object with language, duration and segments")
    language = data.get("language")
    if not isinstance(language, str) or not language:
        raise TranscriptFormatError("language: expected a language code such as 'fr' or 'en'")
    raw_segments = data.get("segments")
    if not isinstance(raw_segments, list):
        raise TranscriptFormatError("segments: expected a list")
    segments = tuple(_segment(raw, i) for i, raw in enumerate(raw_segments))
    segments = tuple(sorted(segments, key=lambda s: (s.start, s.end)))
    last_end = max((s.end for s in segments), default=0.0)
    duration = data.get("duration")
    duration = last_end if duration is None else _number(duration, "duration")
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    return Transcript(language=language.lower()[:2], duration=max(duration, last_end), segments=segments, info=info)


def transcript_from_json(text: str | bytes) -> Transcript:
    """Parse interchange JSON text; malformed JSON is a TranscriptFormatError too."""
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranscriptFormatError(f"not valid JSON: {exc}") from None
    return transcript_from_dict(data)
