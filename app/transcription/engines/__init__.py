"""Speech-to-text engines behind one small protocol, chosen by name (config TRANSCRIPTION_ENGINE).

Engines take mono 16 kHz float32 audio and return dataclasses; heavy libraries are imported inside
each engine, and each process loads a given model once (see get_engine).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.transcription.settings import TranscriptionSettings

SAMPLE_RATE = 16000
Progress = Callable[[float], None]


@dataclass(frozen=True)
class EngineWord:
    start: float
    end: float
    word: str
    probability: float | None = None


@dataclass(frozen=True)
class EngineSegment:
    start: float
    end: float
    text: str
    words: tuple[EngineWord, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0


@dataclass(frozen=True)
class EngineResult:
    segments: tuple[EngineSegment, ...]
    language: str
    language_probability: float
    duration: float


class Engine(Protocol):
    """What the pipeline needs from a speech-to-text engine."""

    name: str
    model_name: str

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None, progress: Progress | None = None
    ) -> EngineResult: ...

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Probability of each language for a (speech-only) stretch of audio."""
        ...


# name -> "module:Class", imported on first use so that unused engines cost nothing
ENGINES: dict[str, str] = {
    "faster-whisper": "app.transcription.engines.faster_engine:FasterWhisperEngine",
    "openai-whisper": "app.transcription.engines.openai_engine:OpenAIWhisperEngine",
    "fake": "app.transcription.engines.fake:FakeEngine",
}

_cache: dict[tuple, Engine] = {}
_lock = threading.Lock()


class UnknownEngineError(ValueError):
    """TRANSCRIPTION_ENGINE names no registered engine."""


def engine_class(name: str) -> type:
    """The engine class registered under name."""
    target = ENGINES.get(name)
    if target is None:
        raise UnknownEngineError(f"Unknown transcription engine {name!r}: choose one of {', '.join(sorted(ENGINES))}.")
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def get_engine(settings: TranscriptionSettings) -> Engine:
    """The engine for these settings, built (and its model loaded) once per process."""
    cls = engine_class(settings.engine)
    key = (settings.engine, *cls.cache_key(settings))
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            engine = cls(settings)
            _cache[key] = engine
    return engine if engine.settings == settings else engine.with_settings(settings)


def clear_engine_cache() -> None:
    """Forget loaded models (tests, or a worker told to reload)."""
    with _lock:
        _cache.clear()
