"""The labelled corpus the behaviour heads learn from (`qa_rubrics/behaviours/corpus/<lang>/*.jsonl`).

Lines are validated on load; an error names the file, the line and the field. The same format serves the
reviewers' own examples exported with `qa behaviours export` and added with `qa behaviours train --extra FILE`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

CORPUS_DIR = Path(__file__).resolve().parents[3] / "qa_rubrics" / "behaviours" / "corpus"
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


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*/*.jsonl"))


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Every example of the files, validated; ids must be unique across files."""
    examples: list[Example] = []
    seen: set[str] = set()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            example = _example(line, f"{path.name}:{number}", path.name)
            if example.id in seen:
                raise CorpusError(f"{path.name}:{number}: id {example.id!r} used twice")
            seen.add(example.id)
            examples.append(example)
    return examples


def _example(line: str, where: str, source: str) -> Example:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CorpusError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{where}: expected an object")
    for key, kind in (("id", str), ("language", str), ("turn", str), ("behaviours", list)):
        if not isinstance(data.get(key), kind):
            raise CorpusError(f"{where}.{key}: expected {kind.__name__}")
    if data["language"] not in LANGUAGES:
        raise CorpusError(f"{where}.language: expected one of {', '.join(LANGUAGES)}")
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


def fingerprint(paths: Iterable[Path]) -> str:
    """sha256 over the corpus files' names and bytes, recorded with the trained weights."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
