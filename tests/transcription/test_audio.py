from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.audio import AudioError, load_audio, probe_audio, to_mono


@pytest.mark.parametrize(
    ("fmt", "codec"),
    [
        ("wav", "pcm_s16le"),
        ("mp3", "mp3"),
        ("m4a", "aac"),
        ("ogg", "vorbis"),
        ("opus", "opus"),
        ("flac", "flac"),
        ("webm", "opus"),
    ],
)
def test_every_common_recording_format_is_accepted(speech_fixtures: dict[str, Path], fmt: str, codec: str) -> None:
    info = probe_audio(speech_fixtures[fmt])
    assert info.codec.startswith(codec)
    assert info.channels == 1
    assert 3.0 < info.duration < 6.0


def test_an_empty_file_is_refused_as_empty(speech_fixtures: dict[str, Path]) -> None:
    with pytest.raises(AudioError, match="empty"):
        probe_audio(speech_fixtures["empty"])


def test_text_renamed_to_wav_is_not_a_readable_recording(
    speech_fixtures: dict[str, Path],
) -> None:
    with pytest.raises(AudioError, match="not a readable audio recording"):
        probe_audio(speech_fixtures["text"])


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "flac", "m4a", "webm"])
def test_a_truncated_recording_is_refused(speech_fixtures: dict[str, Path], fmt: str) -> None:
    with pytest.raises(AudioError, match="truncated or corrupt"):
        probe_audio(speech_fixtures[f"truncated_{fmt}"])


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="does not exist"):
        probe_audio(tmp_path / "nope.wav")


def test_a_video_file_without_sound_has_no_audio_track(speech_dir: Path) -> None:
    import av

    path = speech_dir / "video_only.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height = 32, 32
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(AudioError, match="no audio track"):
        probe_audio(path)


def test_an_overlong_recording_is_refused_with_the_limit_in_minutes(
    speech_fixtures: dict[str, Path],
) -> None:
    with pytest.raises(AudioError, match=r"too long \(max 0.1 minutes\)"):
        probe_audio(speech_fixtures["wav"], max_duration=3)


def test_a_recording_within_the_limit_passes(speech_fixtures: dict[str, Path]) -> None:
    assert probe_audio(speech_fixtures["wav"], max_duration=60).duration < 60


def test_stereo_calls_load_with_each_party_on_its_own_channel(
    speech_fixtures: dict[str, Path],
) -> None:
    audio = load_audio(speech_fixtures["stereo"])
    assert audio.dtype == np.float32
    assert audio.shape[0] == 2
    half = audio.shape[1] // 2
    # The agent speaks first on the left, the customer later on the right.
    assert np.abs(audio[0, :half]).sum() > 10 * np.abs(audio[1, :half]).sum()
    assert np.abs(audio[1, half:]).sum() > 10 * np.abs(audio[0, half:]).sum()


def test_loading_resamples_to_the_requested_rate(
    speech_fixtures: dict[str, Path],
) -> None:
    info = probe_audio(speech_fixtures["mp3"])
    audio = load_audio(speech_fixtures["mp3"], sample_rate=8000)
    assert audio.shape[0] == 1
    assert abs(audio.shape[1] / 8000 - info.duration) < 0.1


def test_loading_an_unreadable_file_raises_the_same_user_message(
    speech_fixtures: dict[str, Path],
) -> None:
    with pytest.raises(AudioError, match="not a readable audio recording"):
        load_audio(speech_fixtures["text"])


def test_mixing_to_mono_averages_the_channels() -> None:
    audio = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert to_mono(audio).tolist() == [0.5, 0.5]
    assert to_mono(audio[:1]).shape == (2,)


def _encoded(path: Path, signal: np.ndarray, fmt: str) -> Path:
    import soundfile

    soundfile.write(path, signal, 16000, format=fmt, subtype="PCM_16" if fmt == "WAV" else None)
    return path


@pytest.mark.parametrize("fmt", ["WAV", "FLAC", "OGG"])
def test_the_probe_measures_how_loud_the_loudest_moment_is_whatever_the_format(tmp_path: Path, fmt: str) -> None:
    t = np.arange(16000 * 3) / 16000
    tone = np.where(t > 2, 0.01 * np.sqrt(2) * np.sin(2 * np.pi * 440 * t), 0)  # 1 s at -40 dBFS RMS, at the end
    level = probe_audio(_encoded(tmp_path / f"quiet.{fmt.lower()}", tone, fmt)).level_dbfs
    assert -42 < level < -38
    assert probe_audio(_encoded(tmp_path / f"silent.{fmt.lower()}", np.zeros_like(t), fmt)).level_dbfs <= -100
