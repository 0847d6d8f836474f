"""Speech fixtures synthesised at test time (espeak-ng + ffmpeg): small, generated once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

EN_AGENT = "Hello, thank you for calling, this is Julie. How can I help you today?"
EN_CUSTOMER = "Hi, my internet box stopped working this morning."
FR_AGENT = "Bonjour, service client, Julie à l'appareil."

FFMPEG = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
# Encoders per target format; ffmpeg picks the container from the extension.
FORMATS = {
    "wav": [],
    "mp3": ["-c:a", "libmp3lame"],
    "m4a": ["-c:a", "aac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "flac": ["-c:a", "flac"],
    "webm": ["-c:a", "libopus"],
}


def _require_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{', '.join(missing)} must be installed in CI (apt-get install espeak-ng ffmpeg)")
    pytest.skip(f"needs {', '.join(missing)} on PATH to synthesise speech fixtures")


def synthesise(text: str, voice: str, path: Path, speed: int = 150) -> Path:
    """Speak text with espeak-ng into a 16 kHz mono wav."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
    subprocess.run(
        [
            *FFMPEG,
            "-i",
            str(raw),
            "-ar",
            "16000",
            "-ac",
            "1",
            str(path),
        ],
        check=True,
    )
    raw.unlink()
    return path


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as fh:
        return np.frombuffer(fh.readframes(fh.getnframes()), dtype=np.int16).astype(np.float32) / 32768


def write_wav(path: Path, channels: list[np.ndarray], rate: int = 16000) -> Path:
    """Write float signals (one per channel, padded to equal length) as 16-bit PCM."""
    length = max(len(c) for c in channels)
    stacked = np.stack([np.pad(c, (0, length - len(c))) for c in channels], axis=1)
    pcm = (np.clip(stacked, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(len(channels))
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(pcm.tobytes())
    return path


def place(signal: np.ndarray, at: float, total: float, rate: int = 16000) -> np.ndarray:
    out = np.zeros(int(total * rate), dtype=np.float32)
    start = int(at * rate)
    out[start : start + len(signal)] = signal[: len(out) - start]
    return out


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_tools("espeak-ng", "ffmpeg")
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def speech_fixtures(speech_dir: Path) -> dict[str, Path]:
    """English greeting in every accepted format, plus French, a stereo call, silence and broken files."""
    base = synthesise(EN_AGENT, "en-us", speech_dir / "en.wav")
    files = {"en": base, "fr": synthesise(FR_AGENT, "fr", speech_dir / "fr.wav")}
    for fmt, codec in FORMATS.items():
        target = speech_dir / f"en_encoded.{fmt}"
        subprocess.run(
            [
                *FFMPEG,
                "-i",
                str(base),
                *codec,
                str(target),
            ],
            check=True,
        )
        files[fmt] = target
    customer = synthesise(EN_CUSTOMER, "en-gb", speech_dir / "customer.wav")
    agent_sig, customer_sig = read_wav(base), read_wav(customer)
    total = 1.0 + len(agent_sig) / 16000 + 0.6 + len(customer_sig) / 16000 + 1.0
    customer_at = 1.0 + len(agent_sig) / 16000 + 0.6
    left, right = place(agent_sig, 1.0, total), place(customer_sig, customer_at, total)
    files["stereo"] = write_wav(speech_dir / "stereo_agent_left.wav", [left, right])
    files["stereo_swapped"] = write_wav(speech_dir / "stereo_agent_right.wav", [right, left])
    files["silence"] = write_wav(speech_dir / "silence.wav", [np.zeros(16000 * 3, dtype=np.float32)])
    files["empty"] = speech_dir / "empty.wav"
    files["empty"].write_bytes(b"")
    files["text"] = speech_dir / "notes.wav"
    files["text"].write_text("Call notes: customer wants a refund.\n" * 20)
    for fmt in ("wav", "mp3", "ogg", "flac", "m4a", "webm"):
        data = files[fmt].read_bytes()
        files[f"truncated_{fmt}"] = speech_dir / f"truncated.{fmt}"
        files[f"truncated_{fmt}"].write_bytes(data[: len(data) * 6 // 10])
    return files


# base recognises espeak's French poorly; this sentence and speed are ones it detects as French reliably.
FR_CUSTOMER = "Bonjour, je voudrais parler de ma facture du mois dernier, s'il vous plaît."


@pytest.fixture(scope="session")
def french_customer_wav(speech_dir: Path) -> Path:
    return synthesise(FR_CUSTOMER, "fr", speech_dir / "fr_customer.wav", speed=145)


@pytest.fixture(scope="session")
def whisper_settings(tmp_path_factory: pytest.TempPathFactory):
    """Real faster-whisper settings on the bundled base model, assembled into a per-session cache."""
    from app.transcription.settings import TranscriptionSettings

    return TranscriptionSettings(model_cache_dir=str(tmp_path_factory.mktemp("models")), allow_download=False)
