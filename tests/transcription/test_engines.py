from __future__ import annotations

import importlib.util
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from app.transcription.engines import UnknownEngineError, clear_engine_cache, get_engine
from app.transcription.engines.fake import FakeEngine
from app.transcription.pipeline import transcribe_file
from app.transcription.settings import TranscriptionSettings, settings_from_config


def test_the_fake_engine_hears_nothing_in_silence() -> None:
    result = FakeEngine().transcribe(np.zeros(16000 * 2, dtype=np.float32))
    assert result.segments == () and result.duration == 2.0


def test_the_fake_engine_is_deterministic_with_timed_words() -> None:
    rng = np.random.default_rng(0)
    audio = np.concatenate([np.zeros(8000), rng.normal(0, 0.2, 16000), np.zeros(8000)]).astype(np.float32)
    first, second = FakeEngine().transcribe(audio), FakeEngine().transcribe(audio)
    assert first == second
    (seg,) = first.segments
    assert 0.45 <= seg.start <= 0.55 and 1.45 <= seg.end <= 1.6
    assert seg.words[0].start == seg.start and seg.words[-1].end == pytest.approx(seg.end)


def test_engines_are_chosen_by_name_and_built_once_per_process() -> None:
    clear_engine_cache()
    settings = TranscriptionSettings(engine="fake")
    assert get_engine(settings) is get_engine(settings)
    assert get_engine(settings).name == "fake"


def test_an_unknown_engine_name_is_refused_with_the_choices() -> None:
    with pytest.raises(UnknownEngineError, match="faster-whisper"):
        get_engine(TranscriptionSettings(engine="dragon"))


def test_settings_come_from_flask_config_keys_with_phone_call_defaults() -> None:
    settings = settings_from_config(
        {"TRANSCRIPTION_ENGINE": "fake", "WHISPER_MODEL": "/models/base", "WHISPER_BEAM_SIZE": "3"}
    )
    assert (settings.engine, settings.model, settings.beam_size) == ("fake", "/models/base", 3)
    default = TranscriptionSettings()
    assert default.vad_filter and default.word_timestamps and not default.condition_on_previous_text
    assert default.beam_size == 5 and default.cpu_threads == (os.cpu_count() or 1)


def test_every_transcription_setting_is_declared_in_the_config_and_read_from_it_alone(monkeypatch) -> None:
    from app.config import Config
    from app.transcription.settings import _KEYS

    assert [key for key in _KEYS if not hasattr(Config, key)] == []
    monkeypatch.setenv("WHISPER_DEVICE", "cuda")  # read once, into Config, when the app starts
    assert settings_from_config({}).device == "auto"
    assert settings_from_config({"WHISPER_DEVICE": "cpu"}).device == "cpu"


def test_the_faster_whisper_model_is_loaded_once_per_process(whisper_settings) -> None:
    clear_engine_cache()
    first = get_engine(whisper_settings)
    again = get_engine(whisper_settings.replace(beam_size=1))
    assert again.model is first.model
    assert first.plan.source == "bundled" and first.plan.compute_type in ("int8", "float16")


# --- openai-whisper (optional extra) -----------------------------------------------------------------------------


def _require_openai_whisper() -> None:
    if importlib.util.find_spec("whisper") is None or importlib.util.find_spec("torch") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install the openai-whisper extra (pip install -r requirements-whisper.txt)")
        pytest.skip("openai-whisper extra not installed (pip install -r requirements-whisper.txt)")


@pytest.fixture(scope="session")
def tiny_whisper_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised, tiny multilingual Whisper saved as a .pt checkpoint (nothing downloaded)."""
    _require_openai_whisper()
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=32,
        n_audio_head=2,
        n_audio_layer=1,
        n_vocab=51865,
        n_text_ctx=448,
        n_text_state=32,
        n_text_head=2,
        n_text_layer=1,
    )
    path = tmp_path_factory.mktemp("openai") / "tiny-random.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": Whisper(dims).state_dict()}, path)
    return path


def test_openai_whisper_loads_a_checkpoint_by_path_and_returns_a_transcript(
    speech_fixtures: dict[str, Path], tiny_whisper_checkpoint: Path
) -> None:
    import torch

    torch.manual_seed(0)  # random weights sample at temperature fallbacks: keep it repeatable and short
    settings = TranscriptionSettings(
        engine="openai-whisper",
        model=str(tiny_whisper_checkpoint),
        device="cpu",
        beam_size=1,
        language="en",
        max_new_tokens=8,
        word_timestamps=False,  # numba compiles its DTW on first use: seconds of JIT for nothing here
    )
    transcript = transcribe_file(speech_fixtures["fr"], settings=settings)
    assert transcript.info["engine"] == "openai-whisper"
    assert transcript.info["model"] == str(tiny_whisper_checkpoint)
    assert transcript.language == "en"


def test_openai_whisper_refuses_to_download_a_model_by_name(tmp_path: Path, monkeypatch) -> None:
    _require_openai_whisper()
    from app.transcription.model_store import ModelUnavailableError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    clear_engine_cache()
    with pytest.raises(ModelUnavailableError, match="not available offline"):
        get_engine(TranscriptionSettings(engine="openai-whisper", model="large-v3", device="cpu"))
