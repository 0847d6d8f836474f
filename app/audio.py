"""Audio probing and loading with PyAV: judge a recording by its content, never its extension.

No Flask or database import here: uploads, the worker and the CLI all call these two functions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# A decoded stream may end a little before the header says (encoder padding, priming samples);
# anything shorter than this slack means bytes are missing.
_TRUNCATION_SLACK_S = 0.25
_TRUNCATION_SLACK_RATIO = 0.01

MSG_EMPTY = "The file is empty."
MSG_UNREADABLE = "This file is not a readable audio recording."
MSG_NO_AUDIO = "This file contains no audio track."
MSG_CORRUPT = "The recording is truncated or corrupt."
MSG_SILENT_EMPTY = "The recording contains no sound (zero length)."


class AudioError(ValueError):
    """A recording that cannot be used; str(error) is a short message fit for the user."""


@dataclass(frozen=True)
class AudioInfo:
    format: str
    codec: str
    duration: float
    channels: int
    sample_rate: int
    # The loudest decoded frame's RMS in dBFS (a frame holds tens of milliseconds); SILENCE_DBFS or less: no signal.
    level_dbfs: float = 0.0


# The quietest speech on a phone line is well above this: a recording whose every frame is under it holds only
# digital silence, dither or line hiss.
SILENCE_DBFS = -60.0
_FLOOR_DBFS = -120.0


def _frame_level(samples: np.ndarray) -> float:
    """RMS of one decoded frame in dBFS, whatever its sample format (integers scaled to full scale)."""
    if samples.size == 0:
        return _FLOOR_DBFS
    if samples.dtype == np.uint8:
        values = (samples.astype(np.float64) - 128.0) / 128.0
    elif np.issubdtype(samples.dtype, np.integer):
        values = samples.astype(np.float64) / float(-np.iinfo(samples.dtype).min)
    else:
        values = samples.astype(np.float64, copy=False)
    rms = float(np.sqrt(np.mean(np.square(values))))
    return max(_FLOOR_DBFS, 20.0 * np.log10(rms)) if rms > 0 else _FLOOR_DBFS


def _too_long(max_duration: float) -> AudioError:
    minutes = max_duration / 60
    shown = f"{minutes:g}" if minutes == int(minutes) else f"{minutes:.1f}"
    return AudioError(f"The recording is too long (max {shown} minutes).")


_AUDIO_MAGIC = (
    b"RIFF",
    b"RF64",
    b"ID3",
    b"OggS",
    b"fLaC",
    b"\x1aE\xdf\xa3",
    b"\xff\xfb",
    b"\xff\xf3",
)


def _looks_like_audio(path: Path) -> bool:
    """True when the first bytes are an audio container's signature (so a failure means damage)."""
    with path.open("rb") as fh:
        head = fh.read(12)
    return head.startswith(_AUDIO_MAGIC) or head[4:8] == b"ftyp"


def _open(path: Path):
    import av

    if not path.is_file():
        raise AudioError("The audio file does not exist.")
    if path.stat().st_size == 0:
        raise AudioError(MSG_EMPTY)
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, OSError, ValueError) as exc:
        log.debug("unreadable audio %s: %s", path, exc)
        raise AudioError(MSG_CORRUPT if _looks_like_audio(path) else MSG_UNREADABLE) from None
    if not container.streams.audio:
        container.close()
        raise AudioError(MSG_NO_AUDIO)
    return container


def _header_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


def _wav_is_short(path: Path) -> bool:
    """True when the RIFF data chunk announces more bytes than the file holds (ffmpeg hides this)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
            return False
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            chunk = fh.read(8)
            if len(chunk) < 8:
                return True
            length = int.from_bytes(chunk[4:8], "little")
            if chunk[:4] == b"data":
                # 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back.
                return length not in (0, 0xFFFFFFFF) and head[:4] == b"RIFF" and pos + 8 + length > size
            pos += 8 + length + (length & 1)
    return True


def _ogg_is_short(path: Path) -> bool:
    """True when an Ogg file does not end on a complete end-of-stream page."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 70_000))  # an Ogg page is at most 65,307 bytes
        tail = fh.read()
    start = tail.rfind(b"OggS")
    while start >= 0:
        page = tail[start:]
        if len(page) >= 27 and page[4] == 0:
            nsegs = page[26]
            if len(page) < 27 + nsegs:
                return True
            body = sum(page[27 : 27 + nsegs])
            if 27 + nsegs + body == len(page):
                return not page[5] & 0x04
        start = tail.rfind(b"OggS", 0, start)
    return True


def _container_is_short(path: Path, fmt: str) -> bool:
    if fmt == "wav":
        return _wav_is_short(path)
    if fmt == "ogg":
        return _ogg_is_short(path)
    return False


def probe_audio(path: str | Path, *, max_duration: float | None = None) -> AudioInfo:
    """Decode the whole audio stream and describe it, or raise AudioError with a user-facing message."""
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        header = _header_duration(container, stream)
        if max_duration is not None and header is not None and header > max_duration + 1:
            raise _too_long(max_duration)
        samples, rate, channels, level = 0, stream.rate or 0, stream.channels or 0, _FLOOR_DBFS
        try:
            for frame in container.decode(stream):
                samples += frame.samples
                level = max(level, _frame_level(frame.to_ndarray()))
                rate = frame.sample_rate or rate
                channels = len(frame.layout.channels) or channels
                if max_duration is not None and rate and samples / rate > max_duration + 1:
                    raise _too_long(max_duration)
        except av.FFmpegError as exc:
            log.debug("corrupt audio %s: %s", path, exc)
            raise AudioError(MSG_CORRUPT) from None
        fmt = container.format.name
    finally:
        container.close()
    if samples == 0 or not rate:
        raise AudioError(MSG_CORRUPT if header else MSG_UNREADABLE)
    decoded = samples / rate
    if _container_is_short(path, fmt):
        log.debug("truncated %s container: %s", fmt, path)
        raise AudioError(MSG_CORRUPT)
    if header is not None and decoded < header - _TRUNCATION_SLACK_S - _TRUNCATION_SLACK_RATIO * header:
        log.debug("truncated audio %s: decoded %.2fs of %.2fs", path, decoded, header)
        raise AudioError(MSG_CORRUPT)
    if max_duration is not None and decoded > max_duration:
        raise _too_long(max_duration)
    return AudioInfo(
        format=fmt, codec=codec, duration=decoded, channels=channels, sample_rate=rate, level_dbfs=round(level, 1)
    )


def load_audio(path: str | Path, *, sample_rate: int = 16000) -> np.ndarray:
    """Decode to float32 of shape (channels, samples) at sample_rate, channels kept separate."""
    import av

    container = _open(Path(path))
    try:
        stream = container.streams.audio[0]
        channels = stream.channels or 1
        layout = stream.layout.name if stream.layout and stream.layout.name else None
        if not layout or layout.startswith("0 channels"):
            layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                frame.pts = None  # the resampler rebuilds timing; odd pts in broken files only confuse it
                chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray() for f in resampler.resample(None))
        except av.FFmpegError as exc:
            log.debug("corrupt audio %s: %s", path, exc)
            raise AudioError(MSG_CORRUPT) from None
    finally:
        container.close()
    if not chunks:
        return np.zeros((channels, 0), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)


def to_mono(audio: np.ndarray) -> np.ndarray:
    """Average the channels of a (channels, samples) array into one float32 signal."""
    if audio.ndim == 1:
        return audio.astype(np.float32, copy=False)
    return audio.mean(axis=0, dtype=np.float32) if audio.shape[0] > 1 else audio[0]
