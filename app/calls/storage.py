"""Content-addressed recording store under RECORDINGS_DIR: a file's path is derived from its sha256.

Names given by users never reach the file system. Uploads land in a private temporary file in the
store's own `tmp/` (same file system, so the final move is an atomic rename).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024

# Extension for the stored file, from the container PyAV detected (never from the user's name).
FORMAT_EXTENSIONS = {
    "wav": "wav",
    "mp3": "mp3",
    "ogg": "ogg",
    "flac": "flac",
    "matroska,webm": "webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "m4a",
    "aac": "aac",
    "w64": "wav",
}


class TooLargeError(ValueError):
    """The upload is over the configured size limit."""


def is_accepted(container_format: str) -> bool:
    """Only the formats a browser's player and the pipeline both handle (WAV, MP3, M4A, OGG, FLAC, WebM)."""
    return container_format in FORMAT_EXTENSIONS


def extension_for(container_format: str) -> str:
    return FORMAT_EXTENSIONS.get(container_format, "bin")


def spool(stream: BinaryIO, root: Path, *, max_bytes: int) -> tuple[Path, str, int]:
    """Copy an upload to a temporary file, hashing as it goes; returns (path, sha256, size)."""
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLargeError(f"over {max_bytes // (1024 * 1024)} MB")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), digest.hexdigest(), size


def remove_orphans(root: Path, *, older_than: float = 3600.0) -> int:
    """Delete spooled uploads left by a process killed mid-ingest; a spool still being written is recent."""
    cutoff = time.time() - older_than
    removed = 0
    for path in (root / "tmp").glob("upload-*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process cleaned it first
            continue
    return removed


def store(tmp_path: Path, root: Path, relative_path: str, *, mode: int = 0o440) -> Path:
    """Move a spooled file to its address (a no-op when that file is already there): read-only by default, 0o600
    for the copies derived from a recording, which the app removes once they are out of date."""
    target = root / relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        tmp_path.unlink(missing_ok=True)
    else:
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    return target


def path_of(root: Path, relative_path: str) -> Path:
    return root / relative_path
