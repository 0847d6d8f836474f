"""The labelled corpus the behaviour heads learn from (`qa_rubrics/behaviours/corpus/<lang>/*.jsonl`), and the
customer turns the occasion head learns from (`qa_rubrics/behaviours/occasions/<lang>/*.jsonl`).

Lines are validated on load; an error names the file, the line and the field. The same format serves the
reviewers' own examples exported with `qa behaviours export` and added with `qa behaviours train --extra FILE`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

CORPUS_DIR = Path(__file__).resolve().parents[3] / "qa_rubrics" / "behaviours" / "corpus"
OCCASIONS_DIR = CORPUS_DIR.parent / "occasions"
LANGUAGES = ("fr", "en")


class CorpusError(ValueError):
    """A corpus line that cannot be used: names the file, the line and the reason."""


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    language: str
    context: str
    turn: str
    behaviours: frozenset[str]
    source: str  # file it came from
    # None: every behaviour is labelled (absent = not shown). Otherwise only these are known, e.g. a reviewer
    # who rejected "reflection" on a turn said nothing about its other behaviours.
    only: frozenset[str] | None = None
    # A hard negative written on purpose (its `note` starts with "hard negative"): it weighs more among the
    # negatives of the put-down behaviours it does not show (train.HARD_NEGATIVE_WEIGHT, HARD_NEGATIVE_HEADS).
    hard: bool = False


@dataclass(frozen=True, slots=True)
class Occasion:
    """What a customer said (one or two turns, joined) and whether it gives the agent occasion for empathy: a
    difficulty, a worry, a feeling, bad news; not a routine order, a booking, a detail given or a confirmation."""

    id: str
    language: str
    customer: str
    occasion: bool
    source: str


Line = TypeVar("Line", Example, Occasion)


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*/*.jsonl"))


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Every example of the files, validated; ids must be unique across files."""
    return _read(paths, _example)


def read_occasions(paths: Iterable[Path]) -> list[Occasion]:
    """Every customer turn of the occasion files, validated; ids must be unique across files."""
    return _read(paths, _occasion)


def _read(paths: Iterable[Path], parse: Callable[[str, str, str], Line]) -> list[Line]:
    """Every non-empty line of the files, parsed by `parse(line, where, source)`; ids must be unique across files."""
    lines: list[Line] = []
    seen: set[str] = set()
    for path in paths:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            line = parse(text, f"{path.name}:{number}", path.name)
            if line.id in seen:
                raise CorpusError(f"{path.name}:{number}: id {line.id!r} used twice")
            seen.add(line.id)
            lines.append(line)
    return lines


def _object(line: str, where: str, keys: tuple[tuple[str, type], ...]) -> dict[str, Any]:
    """The line's JSON object, with `keys` of the given types and a known `language`."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CorpusError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{where}: expected an object")
    for key, kind in (("id", str), ("language", str), *keys):
        if not isinstance(data.get(key), kind):
            raise CorpusError(f"{where}.{key}: expected {kind.__name__}")
    if data["language"] not in LANGUAGES:
        raise CorpusError(f"{where}.language: expected one of {', '.join(LANGUAGES)}")
    return data


def _example(line: str, where: str, source: str) -> Example:
    data = _object(line, where, (("turn", str), ("behaviours", list)))
    only = data.get("only")
    if only is not None and not (isinstance(only, list) and set(data["behaviours"]) <= set(only)):
        raise CorpusError(f"{where}.only: expected the list of labelled behaviours (including every positive one)")
    for key in ("behaviours", "only"):
        unknown = [b for b in data.get(key) or [] if b not in BEHAVIOUR_IDS]
        if unknown:
            raise CorpusError(f"{where}.{key}: unknown behaviour {unknown[0]!r}")
    context = data.get("context") or []
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise CorpusError(f"{where}.context: expected a list of customer turns")
    if not data["turn"].strip():
        raise CorpusError(f"{where}.turn: empty")
    return Example(
        data["id"],
        data["language"],
        " ".join(context),
        data["turn"],
        frozenset(data["behaviours"]),
        source,
        None if only is None else frozenset(only),
        str(data.get("note") or "").strip().lower().startswith("hard negative"),
    )


def _occasion(line: str, where: str, source: str) -> Occasion:
    data = _object(line, where, (("customer", list), ("occasion", bool)))
    turns = data["customer"]
    if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise CorpusError(f"{where}.customer: expected a list of non-empty customer turns")
    return Occasion(data["id"], data["language"], " ".join(t.strip() for t in turns), data["occasion"], source)


def fingerprint(paths: Iterable[Path]) -> str:
    """sha256 over the corpus files' names and bytes, recorded with the trained weights."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
