"""The timing facts detectors read, taken from the transcription stage's word-based metrics (one source)."""

from __future__ import annotations

from dataclasses import dataclass

from app.transcription import metrics
from app.transcription.interchange import Segment, Transcript
from app.transcription.metrics import Interruption, Silence, Turn

__all__ = ["Interruption", "Metrics", "Silence", "Turn", "compute"]


@dataclass(frozen=True, slots=True)
class Metrics:
    turns: tuple[Turn, ...]
    talk_time: dict[str, float]  # seconds each party spends saying words
    words: dict[str, int]
    silences: tuple[Silence, ...]  # nobody says a word, in time order
    interruptions: tuple[Interruption, ...]  # every overlap, however short: detectors apply their own minimum

    @property
    def agent_share(self) -> float | None:
        talk = self.talk_time.get("agent", 0.0) + self.talk_time.get("customer", 0.0)
        return self.talk_time.get("agent", 0.0) / talk if talk > 0 else None


def compute(segments: tuple[Segment, ...], min_gap: float = 1.0) -> Metrics:
    """Turns, talk time, words per party, silences of at least `min_gap` s and interruptions, from word times."""
    transcript = Transcript(language="", duration=max((s.end for s in segments), default=0.0), segments=segments)
    intervals = metrics.talk_intervals(transcript)
    words: dict[str, int] = {}
    for seg in segments:
        words[seg.speaker] = words.get(seg.speaker, 0) + len(seg.text.split())
    return Metrics(
        turns=tuple(metrics.turns(transcript)),
        talk_time={party: sum(e - s for s, e in spans) for party, spans in intervals.items() if spans},
        words=words,
        silences=tuple(metrics.silences(transcript, min_gap)),
        interruptions=tuple(metrics.interruptions(transcript, min_overlap=0.0)),
    )
