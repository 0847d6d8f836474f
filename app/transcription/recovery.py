"""Speech the engine skipped on a stereo call: heard by voice activity on one party's channel, with no words.

Whisper sometimes returns nothing for a short answer (or a segment the guards drop for impossible timings).
Left alone, the answer vanishes from the transcript and the silence around it reads as dead air. Each such
stretch is transcribed again (all of a channel's in one pass); where it still gives no words, it stays in the
transcript as an untranscribed line ("…", probability 0): the party is known to speak there, so no hold is
flagged over it.

Phone channels carry some of the other party's voice (crosstalk): a stretch only counts when its own channel
is clearly the louder one and the other party's words do not already cover it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from app.transcription.engines import SAMPLE_RATE, Engine
from app.transcription.interchange import Segment, Word
from app.transcription.segmentation import split_all
from app.transcription.vad import Region
from app.transcription.whisper_failures import Dropped, filter_segments

UNTRANSCRIBED = "…"
VAD_PAD_S = 0.4  # Silero pads each speech region by this much on both sides (speech_pad_ms)
MIN_UNHEARD_S = 0.8  # shorter voice activity without words (padding included) is breath, clicks or a cough
MAX_CROSSTALK_SHARE = 0.5  # a region this much covered by the other party's words is their voice leaking
GAP_S = 1.0  # silence between stretches set side by side, so that no word straddles two
DOMINANCE_DB = 6.0  # the party's own channel must be this much louder than the other during the region


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
    """Stretches of a channel's voice activity (padding included) where its party speaks but has no words."""
    found = []
    for piece in (p for region in regions for p in uncovered(region, own_words)):
        if piece[1] - piece[0] < MIN_UNHEARD_S or covered(piece, other_words) > MAX_CROSSTALK_SHARE:
            continue
        if level_db(own, piece) - level_db(other, piece) < DOMINANCE_DB:
            continue
        found.append(piece)
    return found


def uncovered(region: Region, words: Sequence[Region]) -> list[Region]:
    """The parts of a region that none of the words cover."""
    pieces, cursor = [], region[0]
    for start, end in sorted(w for w in words if w[1] > region[0] and w[0] < region[1]):
        if start > cursor:
            pieces.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < region[1]:
        pieces.append((cursor, region[1]))
    return [(round(s, 3), round(e, 3)) for s, e in pieces]


def recover(
    engine: Engine,
    track: np.ndarray,
    regions: Sequence[Region],
    *,
    language: str,
    speaker: str,
    heard: Sequence[Region],
) -> tuple[list[Segment], list[Dropped]]:
    """A channel's unheard stretches transcribed again, side by side in one engine call (one model pass, not
    one per stretch), guarded like any segment and cut at pauses; words the party was already heard saying
    are left out, and what still has voice but no words becomes an untranscribed line."""
    if not regions:
        return [], []
    starts = [sum(r[1] - r[0] + GAP_S for r in regions[:k]) for k in range(len(regions))]
    pieces = [
        np.pad(track[int(r[0] * SAMPLE_RATE) : int(r[1] * SAMPLE_RATE)], (0, int(GAP_S * SAMPLE_RATE))) for r in regions
    ]
    result = engine.transcribe(np.concatenate(pieces), language=language)
    placed = [(start, start + r[1] - r[0]) for start, r in zip(starts, regions, strict=True)]
    kept, dropped = filter_segments(result.segments, placed, speaker=speaker)

    def back(start: float, end: float) -> tuple[float, float]:  # clip times -> the same moments in the call
        k = max(0, bisect.bisect_right(starts, start) - 1)  # the stretch the word starts in; it ends there too
        region_end = regions[k][1]
        return min(region_end, regions[k][0] + start - starts[k]), min(region_end, regions[k][0] + end - starts[k])

    words = [Word(*back(float(w.start), float(w.end)), w.word, w.probability) for seg in kept for w in seg.words]
    found: list[Segment] = []
    for region in regions:
        mine = tuple(w for w in words if region[0] <= w.start < region[1] and w.word.strip())
        text = "".join(w.word for w in mine).strip()
        said = split_all([Segment(speaker, mine[0].start, mine[-1].end, text, mine)]) if mine else []
        said = [p for p in (without_heard(piece, heard) for piece in said) if p is not None]
        spoken = [(w.start, w.end) for piece in said for w in piece.words]
        gaps = [g for g in uncovered(region, spoken) if g[1] - g[0] >= MIN_UNHEARD_S]
        found += said + [placeholder(gap, speaker) for gap in gaps]
    return found, [replace(d, start=back(d.start, d.end)[0], end=back(d.start, d.end)[1]) for d in dropped]


def without_heard(segment: Segment, heard: Sequence[Region]) -> Segment | None:
    """A recovered segment less the words its party was already heard saying (at the region's edges)."""
    words = [w for w in segment.words if not any(min(w.end, e) > max(w.start, s) for s, e in heard)]
    if len(words) == len(segment.words):
        return segment
    if not words:
        return None
    text = "".join(w.word for w in words).strip()
    return Segment(segment.speaker, words[0].start, max(words[-1].end, words[0].start), text, tuple(words))


def placeholder(region: Region, speaker: str) -> Segment:
    """A line saying that the party speaks here, with one zero-confidence word over the region's speech."""
    pad = min(VAD_PAD_S, max(0.0, (region[1] - region[0] - 0.2) / 2))  # the voice detector's padding, off
    start, end = round(region[0] + pad, 3), round(region[1] - pad, 3)
    return Segment(speaker, start, end, UNTRANSCRIBED, (Word(start, end, UNTRANSCRIBED, 0.0),))
