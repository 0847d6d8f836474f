"""The original openai-whisper package (optional extra: requirements-whisper.txt), for teams that prefer it."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from app.transcription.engines import EngineResult, EngineSegment, EngineWord, Progress
from app.transcription.model_store import ModelUnavailableError
from app.transcription.settings import TranscriptionSettings

log = logging.getLogger(__name__)

_models: dict[tuple[str, str], object] = {}
_lock = threading.Lock()
INSTALL_HINT = "pip install -r requirements-whisper.txt"


def _checkpoint(name: str) -> str:
    """A .pt path as is; a model name only when its checkpoint is already cached (never a download here)."""
    import whisper

    if name.endswith(".pt") or os.sep in name:
        if not Path(name).is_file():
            raise ModelUnavailableError(f"openai-whisper checkpoint {name} does not exist: check WHISPER_MODEL.")
        return name
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "whisper"
    url = whisper._MODELS.get(name)
    if url is None or not (cache / os.path.basename(url)).is_file():
        raise ModelUnavailableError(
            f"openai-whisper model {name!r} is not available offline: set WHISPER_MODEL to a .pt checkpoint path."
        )
    return name


def load_model(name: str, device: str):
    """The openai-whisper model, loaded once per process."""
    try:
        import whisper
    except ImportError as exc:
        raise ModelUnavailableError(f"The openai-whisper engine is not installed: {INSTALL_HINT}.") from exc
    with _lock:
        model = _models.get((name, device))
        if model is None:
            try:
                model = whisper.load_model(_checkpoint(name), device=device)
            except ModelUnavailableError:
                raise
            except Exception as exc:
                raise ModelUnavailableError(f"openai-whisper model {name!r} could not be loaded: {exc}") from exc
            _models[(name, device)] = model
    return model


class OpenAIWhisperEngine:
    """Transcribes with openai-whisper (PyTorch), on CUDA when available."""

    name = "openai-whisper"

    def __init__(self, settings: TranscriptionSettings) -> None:
        self.settings = settings
        self.model_name = settings.model
        self.device = _device(settings.device)
        self.model = load_model(settings.model, self.device)

    @staticmethod
    def cache_key(settings: TranscriptionSettings) -> tuple:
        return (settings.model, settings.device)

    def with_settings(self, settings: TranscriptionSettings) -> OpenAIWhisperEngine:
        clone = object.__new__(OpenAIWhisperEngine)
        clone.settings, clone.model_name, clone.device, clone.model = settings, settings.model, self.device, self.model
        return clone

    @property
    def runtime(self) -> dict[str, str]:
        return {"device": self.device, "compute_type": "float16" if self.device == "cuda" else "float32"}

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None, progress: Progress | None = None
    ) -> EngineResult:
        """Transcribe mono 16 kHz float32 audio."""
        s = self.settings
        result = self.model.transcribe(
            audio.astype(np.float32, copy=False),
            language=language,
            beam_size=s.beam_size,
            condition_on_previous_text=s.condition_on_previous_text,
            word_timestamps=s.word_timestamps,
            fp16=self.device == "cuda",
            verbose=None,
            **({"sample_len": s.max_new_tokens} if s.max_new_tokens else {}),
        )
        if progress:
            progress(1.0)
        segments = tuple(_segment(raw) for raw in result.get("segments", []))
        lang = result.get("language") or language or "en"
        return EngineResult(segments, lang, 1.0 if language else 0.0, len(audio) / 16000)

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Language probabilities from the first 30 s of the given (speech-only) audio."""
        import whisper

        if len(audio) == 0:
            return {}
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio), n_mels=self.model.dims.n_mels)
        _, probs = self.model.detect_language(mel.to(self.model.device))
        return {k: float(v) for k, v in probs.items()}


def _device(setting: str) -> str:
    if setting != "auto":
        return setting
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _segment(raw: dict) -> EngineSegment:
    words = tuple(
        EngineWord(float(w["start"]), float(w["end"]), w["word"], float(w.get("probability", 0.0)))
        for w in raw.get("words", [])
    )
    return EngineSegment(
        float(raw["start"]),
        float(raw["end"]),
        raw["text"].strip(),
        words,
        float(raw.get("avg_logprob", 0.0)),
        float(raw.get("no_speech_prob", 0.0)),
        float(raw.get("compression_ratio", 1.0)),
    )
