"""Simple timing metrics computed from transcript segments (talk share, overlaps, silences, turns)."""

from __future__ import annotations

from dataclasses import dataclass

from app.transcription.interchange import Segment


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive segments of one speaker."""

    speaker: str
    segments: tuple[int, ...]
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Gap:
    before: int  # segment index
    after: int
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Metrics:
    turns: tuple[Turn, ...]
    talk_time: dict[str, float]
    words: dict[str, int]
    overlaps: tuple[tuple[int, int, float], ...]  # (earlier segment, overlapping segment, seconds)
    gaps: tuple[Gap, ...]  # silences between segments, longest first not guaranteed

    @property
    def agent_share(self) -> float | None:
        talk = self.talk_time.get("agent", 0.0) + self.talk_time.get("customer", 0.0)
        return self.talk_time.get("agent", 0.0) / talk if talk > 0 else None


def turns_of(segments: tuple[Segment, ...]) -> tuple[Turn, ...]:
    """Group consecutive segments of the same speaker into turns."""
    turns: list[Turn] = []
    for i, seg in enumerate(segments):
        if turns and turns[-1].speaker == seg.speaker:
            last = turns[-1]
            turns[-1] = Turn(last.speaker, last.segments + (i,), last.start, max(last.end, seg.end))
        else:
            turns.append(Turn(seg.speaker, (i,), seg.start, seg.end))
    return tuple(turns)


def compute(segments: tuple[Segment, ...], min_gap: float = 2.0) -> Metrics:
    """Talk time and words per speaker, cross-speaker overlaps and silences longer than `min_gap`."""
    talk: dict[str, float] = {}
    words: dict[str, int] = {}
    overlaps, gaps = [], []
    latest_end, latest_index = 0.0, -1
    for i, seg in enumerate(segments):
        talk[seg.speaker] = talk.get(seg.speaker, 0.0) + seg.duration
        words[seg.speaker] = words.get(seg.speaker, 0) + len(seg.text.split())
        if i and latest_index >= 0:
            prev = segments[latest_index]
            if seg.start < latest_end and prev.speaker != seg.speaker:
                overlaps.append((latest_index, i, latest_end - seg.start))
            elif seg.start - latest_end >= min_gap:
                gaps.append(Gap(latest_index, i, latest_end, seg.start))
        if seg.end >= latest_end:
            latest_end, latest_index = seg.end, i
    return Metrics(turns_of(segments), talk, words, tuple(overlaps), tuple(gaps))
