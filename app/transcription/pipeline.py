"""transcribe_file: audio file -> attributed, guarded Transcript (pure: no Flask, no database).

Stereo calls are transcribed one channel at a time (one party per channel) and merged into one timeline;
mono calls go through diarization when it is available, else speakers are "unknown".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from app.audio import AudioInfo, load_audio, probe_audio, to_mono
from app.transcription.attribution import channel_roles, is_dual_mono, suspect_swap
from app.transcription.engines import (
    SAMPLE_RATE,
    Engine,
    EngineSegment,
    get_engine,
)
from app.transcription.interchange import Segment, Transcript, Word
from app.transcription.recovery import recover, unheard_regions
from app.transcription.segmentation import split_all
from app.transcription.settings import TranscriptionSettings
from app.transcription.vad import Region, first_speech, speech_regions
from app.transcription.whisper_failures import Dropped, choose_language, filter_segments

logger = logging.getLogger(__name__)
Progress = Callable[[float], None]


def transcribe_file(
    path: str | Path,
    *,
    channels: str | None = None,
    language: str | None = None,
    settings: TranscriptionSettings | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
    log: list[dict] | None = None,
) -> Transcript:
    """Transcribe a recording into the interchange Transcript; raises AudioError, ModelUnavailableError."""
    settings = settings or TranscriptionSettings()
    report = _monotonic(progress)
    audio_info = probe_audio(path, max_duration=settings.max_duration)
    audio = load_audio(path, sample_rate=SAMPLE_RATE)
    roles = channel_roles(channels, audio.shape[0])
    dual_mono = roles is not None and is_dual_mono(audio)
    if dual_mono:  # both channels hold the same mix: per-channel attribution would duplicate every word
        logger.info("%s: identical channels, diarizing the mix instead of splitting by channel", path)
        roles = None
    report(0.03)
    engine = engine or get_engine(settings)
    tracks = [audio[0], audio[1]] if roles else [to_mono(audio)]
    regions = [speech_regions(track) for track in tracks]
    configured = (language or settings.language or "").strip().lower()[:2] or None
    lang, probability, method = _language(engine, tracks, regions, configured, settings)
    report(0.05)
    segments, dropped, fallback = _transcribe_tracks(engine, tracks, regions, roles, lang, report, log)
    if roles:
        segments += _unheard(engine, tracks, regions, roles, lang, segments, dropped, log)
    if method != "configured":  # a forced language decodes with probability 1: that says nothing
        probability = probability if probability is not None else fallback
    attribution = "stereo" if roles else "single"
    if not roles and settings.diarize:
        segments, attribution = _diarize(tracks[0], segments)
    segments = sorted(_clean_words(segments), key=lambda s: (s.start, s.end))
    duration = max(audio_info.duration, max((s.end for s in segments), default=0.0))
    info = _info(engine, settings, audio_info, roles, probability, method, attribution, dropped)
    info["swap_suspected"] = bool(roles) and suspect_swap(segments)
    info["dual_mono"] = dual_mono
    transcript = Transcript(language=lang, duration=duration, segments=tuple(segments), info=info)
    info["metrics"] = _metrics(transcript)
    report(1.0)
    return transcript


def _transcribe_tracks(
    engine: Engine,
    tracks: list[np.ndarray],
    regions: list[list[Region]],
    roles: tuple[str, ...] | None,
    language: str,
    report: Progress,
    log: list[dict] | None,
) -> tuple[list[Segment], list[Dropped], float | None]:
    """Transcribe each track under its speaker, dropping guarded segments; progress spans 0.05..0.95."""
    segments: list[Segment] = []
    dropped: list[Dropped] = []
    probability = None
    for i, (track, speech) in enumerate(zip(tracks, regions, strict=True)):
        speaker = roles[i] if roles else "unknown"
        base, width = 0.05 + 0.9 * i / len(tracks), 0.9 / len(tracks)
        result = engine.transcribe(track, language=language, progress=lambda p, b=base, w=width: report(b + w * p))
        kept, lost = filter_segments(result.segments, speech, speaker=speaker)
        dropped.extend(lost)
        if log is not None:
            log.extend(d.as_dict() for d in lost)
        # Cut at pauses: a segment spanning a silence would start before what it answers (see segmentation).
        segments.extend(split_all(_to_segment(seg, speaker) for seg in kept))
        probability = probability if probability is not None else result.language_probability
    return segments, dropped, probability


def _unheard(
    engine: Engine,
    tracks: list[np.ndarray],
    regions: list[list[Region]],
    roles: tuple[str, ...],
    language: str,
    segments: list[Segment],
    dropped: list[Dropped],
    log: list[dict] | None,
) -> list[Segment]:
    """Stereo: what a party's channel says the engine skipped, transcribed again or kept as untranscribed."""
    words = {role: [(w.start, w.end) for s in segments if s.speaker == role for w in s.words] for role in roles}
    added: list[Segment] = []
    for i, role in enumerate(roles):
        other = roles[1 - i]
        unheard = unheard_regions(regions[i], tracks[i], tracks[1 - i], words[role], words[other])
        found, lost = recover(engine, tracks[i], unheard, language=language, speaker=role, heard=words[role])
        added.extend(found)
        dropped.extend(lost)
        if log is not None:
            log.extend(d.as_dict() for d in lost)
    if added:
        logger.info("%d stretch(es) of speech the engine skipped were transcribed again", len(added))
    return added


def _monotonic(progress: Progress | None) -> Progress:
    """Wrap a progress callback so that it only ever sees increasing values in 0..1."""
    last = [0.0]

    def report(value: float) -> None:
        value = min(1.0, max(0.0, value))
        if progress is not None and value > last[0]:
            last[0] = value
            progress(value)

    return report


def _language(
    engine: Engine,
    tracks: list[np.ndarray],
    regions: list[list[Region]],
    configured: str | None,
    settings: TranscriptionSettings,
) -> tuple[str, float | None, str]:
    """Language from the configured value, else detected on the first speech (never on leading silence)."""
    if configured:
        return configured, None, "configured"
    # Detect on the speech of whichever channel speaks first, so one party's silence does not skew it.
    first = min(range(len(tracks)), key=lambda i: regions[i][0][0] if regions[i] else float("inf"))
    speech = first_speech(tracks[first], regions[first], SAMPLE_RATE)
    probabilities = engine.detect_language(speech) if len(speech) else {}
    lang, prob, method = choose_language(probabilities, allowed=settings.languages)
    return lang or "en", prob, method


def _to_segment(seg: EngineSegment, speaker: str) -> Segment:
    # Words keep Whisper's leading spaces until attribution has re-joined any split text (see _clean_words).
    words = tuple(Word(float(w.start), float(w.end), w.word, w.probability) for w in seg.words if w.word.strip())
    end = float(max(seg.end, seg.start))
    return Segment(speaker=speaker, start=float(seg.start), end=end, text=seg.text.strip(), words=words)


def _clean_words(segments: list[Segment]) -> list[Segment]:
    """Stored words carry no surrounding whitespace."""
    return [replace(s, words=tuple(replace(w, word=w.word.strip()) for w in s.words)) for s in segments]


def _diarize(audio: np.ndarray, segments: list[Segment]) -> tuple[list[Segment], str]:
    """Attribute mono segments with diarization (turns -> roles -> segments); 'unknown' when unavailable."""
    if not segments:
        return segments, "single"
    try:
        from app.transcription import diarization

        turns = diarization.diarize(audio, SAMPLE_RATE)
    except ImportError as exc:  # the diarization extra (voice encoder) is not installed
        logger.info("no diarization (%s); speakers left unknown", exc)
        return segments, "single"
    if not turns:
        return segments, "single"
    roles = diarization.assign_roles(turns, segments)
    attributed = diarization.attribute_segments(segments, turns, roles)
    # Turns found but no party recognised: say the speakers were not told apart rather than "diarized".
    told_apart = any(s.speaker != "unknown" for s in attributed)
    return attributed, "diarized" if told_apart else "single"


def _metrics(transcript: Transcript) -> dict[str, Any] | None:
    try:
        from app.transcription.metrics import compute_metrics
    except ImportError:
        return None
    return compute_metrics(transcript, hold_phrases=hold_phrases())


def hold_phrases() -> tuple[str, ...]:
    """What announces a hold, in either language: the bundled `hold_announce` lexicons (one list for the call page's
    unannounced-hold flag and the scorer's hold etiquette)."""
    from app.qa_data.lexicons import load_lexicon

    return tuple(term for language in ("fr", "en") for term in load_lexicon(f"{language}/hold_announce").terms)


def _info(
    engine: Engine,
    settings: TranscriptionSettings,
    audio: AudioInfo,
    roles: tuple[str, ...] | None,
    probability: float | None,
    method: str,
    attribution: str,
    dropped: list[Dropped],
) -> dict[str, Any]:
    return {
        "engine": engine.name,
        "model": engine.model_name,
        "settings": {**settings.as_info(), **getattr(engine, "runtime", {}), "engine": engine.name},
        "language_probability": None if probability is None else round(float(probability), 4),
        "language_method": method,
        "attribution": attribution,
        "channels": ",".join(roles) if roles else "mono",
        "audio": {
            "format": audio.format,
            "codec": audio.codec,
            "channels": audio.channels,
            "sample_rate": audio.sample_rate,
            "duration": round(audio.duration, 3),
        },
        "dropped": [d.as_dict() for d in dropped],
    }
