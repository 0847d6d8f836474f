"""A deterministic engine for fast tests: words wherever an energy detector hears sound, none in silence."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from app.transcription.engines import (
    SAMPLE_RATE,
    EngineResult,
    EngineSegment,
    EngineWord,
    Progress,
)
from app.transcription.settings import TranscriptionSettings
from app.transcription.vad import energy_speech_regions

VOCABULARY = ("bonjour", "merci", "hello", "thanks", "account", "problem", "question", "today", "service", "help")
WORD_SECONDS = 0.4


class FakeEngine:
    """Turns each energy-detected speech region into a segment with evenly timed words."""

    name = "fake"
    model_name = "fake"

    def __init__(
        self,
        settings: TranscriptionSettings | None = None,
        *,
        script: Sequence[str] | Callable[[int, float, float], str] | None = None,
    ) -> None:
        self.settings = settings or TranscriptionSettings(engine="fake")
        self.script = script
        self.calls = 0

    @staticmethod
    def cache_key(settings: TranscriptionSettings) -> tuple:
        return ()

    def with_settings(self, settings: TranscriptionSettings) -> FakeEngine:
        return FakeEngine(settings, script=self.script)

    def _text(self, index: int, start: float, end: float, audio: np.ndarray) -> str:
        if callable(self.script):
            return self.script(index, start, end)
        if self.script is not None:
            return self.script[index % len(self.script)] if self.script else ""
        seed = hashlib.sha256(np.round(audio * 1000).astype(np.int16).tobytes()).digest()
        count = max(1, int((end - start) / WORD_SECONDS))
        # Walk the vocabulary with a step prime to its size: varied words, never a loop the guards would drop.
        return " ".join(VOCABULARY[(seed[0] + 3 * i) % len(VOCABULARY)] for i in range(count))

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None, progress: Progress | None = None
    ) -> EngineResult:
        """Transcribe mono 16 kHz audio deterministically."""
        self.calls += 1
        duration = len(audio) / SAMPLE_RATE
        segments = []
        regions = energy_speech_regions(audio, SAMPLE_RATE)
        for i, (start, end) in enumerate(regions):
            clip = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            segments.append(_segment(start, end, self._text(i, start, end, clip)))
            if progress:
                progress(min(1.0, end / duration))
        if progress:
            progress(1.0)
        lang = language or self.settings.language or self.settings.languages[0]
        return EngineResult(tuple(s for s in segments if s.text), lang, 1.0, duration)

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Always the first configured language, with certainty."""
        return {self.settings.language or self.settings.languages[0]: 1.0}


def _segment(start: float, end: float, text: str) -> EngineSegment:
    tokens = text.split()
    step = (end - start) / max(1, len(tokens))
    words = tuple(
        EngineWord(round(start + i * step, 3), round(start + (i + 1) * step, 3), f" {t}", 0.9)
        for i, t in enumerate(tokens)
    )
    seg = EngineSegment(round(start, 3), round(end, 3), text, words, avg_logprob=-0.2, no_speech_prob=0.01)
    return replace(seg, compression_ratio=1.2)
