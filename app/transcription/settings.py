"""Transcription settings with phone-call defaults, read from a Flask config (app/config.py declares each key
and its environment variable)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any


def _cpu_count() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class TranscriptionSettings:
    """Everything that changes what the engine produces; hashable so it can key the model cache."""

    engine: str = "faster-whisper"
    model: str = "base"
    model_cache_dir: str = "instance/models"
    allow_download: bool = True
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto: int8 on CPU, float16 on CUDA
    cpu_threads: int = field(default_factory=_cpu_count)
    beam_size: int = 5
    vad_filter: bool = True
    # Conditioning on previous text is what turns one misheard word into a loop on long calls.
    condition_on_previous_text: bool = False
    word_timestamps: bool = True
    max_new_tokens: int | None = None  # cap per 30-s window; None = the model's own limit
    language: str | None = None  # the team language; None = detect per call
    languages: tuple[str, ...] = ("fr", "en")  # detection only chooses among these
    max_duration: float | None = None
    diarize: bool = True  # mono calls: tell the two parties apart (needs the diarization extra)

    def as_info(self) -> dict[str, Any]:
        """Settings as plain JSON-able facts for Transcript.info."""
        data = asdict(self)
        data["languages"] = list(self.languages)
        data.pop("model_cache_dir")
        return data

    def replace(self, **changes: Any) -> TranscriptionSettings:
        """A copy with some fields changed (None values are ignored)."""
        kept = {k: v for k, v in changes.items() if v is not None}
        return type(self)(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **kept})


# Config key -> (field, parser)
_KEYS: dict[str, tuple[str, Any]] = {
    "TRANSCRIPTION_ENGINE": ("engine", str),
    "WHISPER_MODEL": ("model", str),
    "MODEL_CACHE_DIR": ("model_cache_dir", str),
    "WHISPER_ALLOW_DOWNLOAD": ("allow_download", lambda v: str(v).lower() in ("1", "true", "yes", "on")),
    "WHISPER_DEVICE": ("device", str),
    "WHISPER_COMPUTE_TYPE": ("compute_type", str),
    "WHISPER_CPU_THREADS": ("cpu_threads", int),
    "WHISPER_BEAM_SIZE": ("beam_size", int),
    "TRANSCRIPTION_LANGUAGE": ("language", lambda v: str(v).lower() or None),
    "TRANSCRIPTION_LANGUAGES": ("languages", lambda v: tuple(x.strip() for x in str(v).split(",") if x.strip())),
    "MAX_CALL_MINUTES": ("max_duration", lambda v: float(v) * 60),
    "MAX_AUDIO_SECONDS": ("max_duration", float),  # finer-grained override of MAX_CALL_MINUTES
    "WHISPER_MAX_NEW_TOKENS": ("max_new_tokens", int),
    "TRANSCRIPTION_DIARIZE": ("diarize", lambda v: str(v).lower() in ("1", "true", "yes", "on")),
}


def settings_from_config(config: Mapping[str, Any]) -> TranscriptionSettings:
    """Build settings from a Flask app.config (or any mapping); a missing or empty key keeps the default."""
    values: dict[str, Any] = {}
    for key, (name, parse) in _KEYS.items():
        raw = config.get(key)
        if raw is not None and raw != "":
            values[name] = raw if isinstance(raw, (tuple, list)) and name == "languages" else parse(raw)
    if isinstance(values.get("languages"), list):
        values["languages"] = tuple(values["languages"])
    return TranscriptionSettings(**values)
