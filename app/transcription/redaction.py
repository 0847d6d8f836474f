"""Redaction of a transcript and its audio: the personal data app.pii finds in each segment, replaced in its text
and timed words and located in time so the audio can be beeped or silenced there (pure, no Flask or DB)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.pii import (
    Span,
    find_pii,
    label,
    replace_spans,
)
from app.transcription.interchange import Segment, Transcript, Word


@dataclass(frozen=True, slots=True)
class RedactedSpan:
    segment_index: int
    start_char: int
    end_char: int
    kind: str
    start_time: float
    end_time: float


def word_char_ranges(text: str, words: Sequence[Word]) -> list[tuple[int, int] | None]:
    """Where each timed word sits in the segment text (None when it cannot be found)."""
    ranges: list[tuple[int, int] | None] = []
    lower, cursor = text.lower(), 0
    for word in words:
        token = word.word.strip().lower()
        pos = lower.find(token, cursor) if token else -1
        if pos < 0:
            ranges.append(None)
            continue
        ranges.append((pos, pos + len(token)))
        cursor = pos + len(token)
    return ranges


def _redact_segment(index: int, seg: Segment, language: str, min_digits: int) -> tuple[Segment, list[RedactedSpan]]:
    spans = find_pii(seg.text, language, min_digits=min_digits)
    if not spans:
        return seg, []
    ranges = word_char_ranges(seg.text, seg.words)
    redacted: list[RedactedSpan] = []
    hidden: dict[int, Span] = {}
    for span in spans:
        hit = [i for i, r in enumerate(ranges) if r is not None and r[0] < span.end and r[1] > span.start]
        if hit:
            start_time, end_time = seg.words[hit[0]].start, max(seg.words[i].end for i in hit)
            hidden |= dict.fromkeys(hit, span)
        else:
            # Without word times the whole segment is the only safe bound for the audio.
            start_time, end_time = seg.start, seg.end
        redacted.append(RedactedSpan(index, span.start, span.end, span.kind, start_time, end_time))
    words: list[Word] = []
    for i, word in enumerate(seg.words):
        span = hidden.get(i)
        if span is None:
            words.append(word)
        elif i == min(j for j, s in hidden.items() if s is span):
            end = max(seg.words[j].end for j, s in hidden.items() if s is span)
            words.append(Word(start=word.start, end=end, word=" " + label(span.kind, language)))
    text = replace_spans(seg.text, spans, language)
    return replace(seg, text=text, words=tuple(words)), redacted


def redact_transcript(transcript: Transcript, *, min_digits: int = 4) -> tuple[Transcript, list[RedactedSpan]]:
    """A copy of the transcript with personal data replaced, and where each span was in text and time."""
    segments: list[Segment] = []
    spans: list[RedactedSpan] = []
    for index, seg in enumerate(transcript.segments):
        new_seg, seg_spans = _redact_segment(index, seg, transcript.language, min_digits)
        segments.append(new_seg)
        spans += seg_spans
    return replace(transcript, segments=tuple(segments)), spans


def _seconds(span: Any) -> tuple[float, float]:
    if isinstance(span, RedactedSpan):
        return span.start_time, span.end_time
    start, end = span
    return float(start), float(end)


def redact_audio(
    samples: np.ndarray,
    sample_rate: int,
    spans_in_seconds: Iterable[tuple[float, float] | RedactedSpan],
    *,
    mode: str = "beep",
    padding: float = 0.15,
    frequency: float = 1000.0,
) -> np.ndarray:
    """A copy of the audio with a 1 kHz tone (or silence) over each span, padded on both sides."""
    if mode not in ("beep", "silence"):
        raise ValueError(f"mode must be 'beep' or 'silence', got {mode!r}")
    out = np.array(samples, copy=True)
    amplitude = 0.3 * np.iinfo(out.dtype).max if np.issubdtype(out.dtype, np.integer) else 0.3
    for span in spans_in_seconds:
        start, end = _seconds(span)
        lo = max(0, int((start - padding) * sample_rate))
        hi = min(len(out), int(np.ceil((end + padding) * sample_rate)))
        if hi <= lo:
            continue
        if mode == "silence":
            out[lo:hi] = 0
            continue
        tone = amplitude * np.sin(2 * np.pi * frequency * np.arange(lo, hi) / sample_rate)
        out[lo:hi] = (tone[:, None] if out.ndim > 1 else tone).astype(out.dtype)
    return out
