"""Voice activity: where in a signal someone speaks. Silero (shipped inside faster-whisper) or plain energy."""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

Region = tuple[float, float]


def energy_speech_regions(
    audio: np.ndarray,
    sample_rate: int = 16000,
    *,
    frame_s: float = 0.03,
    threshold_db: float = -40.0,
    min_speech_s: float = 0.2,
    merge_gap_s: float = 0.4,
) -> list[Region]:
    """Regions (start, end) in seconds whose frame energy is above threshold_db dBFS; deterministic."""
    frame = max(1, int(frame_s * sample_rate))
    count = len(audio) // frame
    if count == 0:
        return []
    frames = audio[: count * frame].reshape(count, frame).astype(np.float64)
    rms_db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    regions: list[list[float]] = []
    for i in np.flatnonzero(rms_db > threshold_db):
        start, end = i * frame_s, (i + 1) * frame_s
        if regions and start - regions[-1][1] <= merge_gap_s:
            regions[-1][1] = end
        else:
            regions.append([start, end])
    return [(round(float(s), 3), round(float(e), 3)) for s, e in regions if e - s >= min_speech_s]


def speech_regions(audio: np.ndarray, sample_rate: int = 16000) -> list[Region]:
    """Speech regions from Silero VAD (no download: the model ships with faster-whisper), else energy."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:  # pragma: no cover - faster-whisper is a hard requirement
        log.warning("faster-whisper missing: falling back to the energy voice detector")
        return energy_speech_regions(audio, sample_rate)
    stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=500), sampling_rate=sample_rate)
    return [(round(s["start"] / sample_rate, 3), round(s["end"] / sample_rate, 3)) for s in stamps]


def speech_overlap(start: float, end: float, regions: list[Region]) -> float:
    """Share of [start, end] covered by the regions (0 when the span is empty)."""
    if end <= start:
        return 0.0
    covered = sum(max(0.0, min(end, e) - max(start, s)) for s, e in regions)
    return min(1.0, covered / (end - start))


def first_speech(
    audio: np.ndarray, regions: list[Region], sample_rate: int = 16000, seconds: float = 30.0
) -> np.ndarray:
    """Up to `seconds` of speech only, concatenated from the first regions (for language detection)."""
    parts, total = [], 0
    limit = int(seconds * sample_rate)
    for start, end in regions:
        clip = audio[int(start * sample_rate) : int(end * sample_rate)]
        parts.append(clip[: limit - total])
        total += len(parts[-1])
        if total >= limit:
            break
    return np.concatenate(parts) if parts else audio[:0]
