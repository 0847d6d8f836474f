"""Speech the engine skipped on a stereo call: heard by voice activity on one party's channel, with no words.

Whisper sometimes returns nothing for a short answer (or a segment the guards drop for impossible timings).
Left alone, the answer vanishes from the transcript and the silence around it reads as dead air. Each such
stretch is transcribed again on its own; if it still gives no words, it stays in the transcript as an
untranscribed line ("…", probability 0), so the party is known to speak there and no hold is flagged over it.

Phone channels carry some of the other party's voice (crosstalk): a stretch only counts when its own channel
is clearly the louder one and the other party's words do not already cover it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from app.transcription.engines import SAMPLE_RATE, Engine, EngineSegment, EngineWord
from app.transcription.guards import Dropped, filter_segments
from app.transcription.interchange import Segment, Word
from app.transcription.vad import Region

UNTRANSCRIBED = "…"
MIN_UNHEARD_S = 0.8  # shorter voice activity without words is breath, clicks or a cough
MAX_HEARD_SHARE = 0.2  # a region this much covered by the party's own words was heard
MAX_CROSSTALK_SHARE = 0.5  # a region this much covered by the other party's words is their voice leaking
DOMINANCE_DB = 6.0  # the party's own channel must be this much louder than the other during the region
PAD_S = 0.2


def covered(region: Region, intervals: Sequence[Region]) -> float:
    """Share of the region covered by the intervals (which may overlap each other only slightly)."""
    start, end = region
    inside = sum(max(0.0, min(end, e) - max(start, s)) for s, e in intervals)
    return min(1.0, inside / (end - start)) if end > start else 1.0


def level_db(audio: np.ndarray, region: Region) -> float:
    clip = audio[int(region[0] * SAMPLE_RATE) : int(region[1] * SAMPLE_RATE)].astype(np.float64)
    return float(10 * np.log10(np.mean(clip**2) + 1e-12)) if len(clip) else -120.0


def unheard_regions(
    regions: Sequence[Region],
    own: np.ndarray,
    other: np.ndarray,
    own_words: Sequence[Region],
    other_words: Sequence[Region],
) -> list[Region]:
    """Voice-activity regions of one channel where its party speaks but has no words."""
    found = []
    for region in regions:
        if region[1] - region[0] < MIN_UNHEARD_S or covered(region, own_words) > MAX_HEARD_SHARE:
            continue
        if covered(region, other_words) > MAX_CROSSTALK_SHARE:
            continue
        if level_db(own, region) - level_db(other, region) < DOMINANCE_DB:
            continue
        found.append(region)
    return found


def recover(
    engine: Engine, track: np.ndarray, region: Region, *, language: str, speaker: str
) -> tuple[list[EngineSegment], list[Dropped]]:
    """The region transcribed on its own, times shifted back to the call; guarded like any other segment."""
    offset = max(0.0, region[0] - PAD_S)
    clip = track[int(offset * SAMPLE_RATE) : int((region[1] + PAD_S) * SAMPLE_RATE)]
    result = engine.transcribe(clip, language=language)
    shifted = [_shift(seg, offset) for seg in result.segments]
    return filter_segments(shifted, [region], speaker=speaker)


def without_heard(segment: Segment, heard: Sequence[Region]) -> Segment | None:
    """A recovered segment less the words its party was already heard saying (the region's edges)."""
    words = [w for w in segment.words if not any(min(w.end, e) > max(w.start, s) for s, e in heard)]
    if len(words) == len(segment.words):
        return segment
    if not words:
        return None
    text = "".join(w.word for w in words).strip()
    return Segment(segment.speaker, words[0].start, max(words[-1].end, words[0].start), text, tuple(words))


def placeholder(region: Region, speaker: str) -> Segment:
    """A line saying that the party speaks here, with one zero-confidence word over the region."""
    start, end = round(region[0], 3), round(region[1], 3)
    return Segment(speaker, start, end, UNTRANSCRIBED, (Word(start, end, UNTRANSCRIBED, 0.0),))


def _shift(seg: EngineSegment, offset: float) -> EngineSegment:
    words = tuple(EngineWord(w.start + offset, w.end + offset, w.word, w.probability) for w in seg.words)
    return replace(seg, start=seg.start + offset, end=seg.end + offset, words=words)
