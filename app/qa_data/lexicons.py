"""Lexicon files (`qa_rubrics/lexicons/<lang>/<name>.yaml`): word lists a team extends without touching code."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.qa_data.errors import RubricError

logger = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).resolve().parents[2] / "qa_rubrics"
LEXICON_DIR = BUNDLED_DIR / "lexicons"


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str
    plain: str = ""  # a plain-language explanation (jargon lexicons)
    tag: str = ""  # a sub-kind, e.g. the kind of information a slot request asks for
    source: str = ""  # the lexicon file it comes from in a merged role ("en/jargon_it"); '' when not merged


@dataclass(frozen=True, slots=True)
class Lexicon:
    ref: str
    language: str
    description: str
    entries: tuple[LexiconEntry, ...]
    by_lemma: bool = False  # `match: lemma`: single words also match their inflections ("compliquer" ~ "complique")

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(e.term for e in self.entries)


def merge(ref: str, lexicons: list[Lexicon]) -> Lexicon:
    """One lexicon holding the entries of several (a rubric role may list many files)."""
    seen: dict[str, LexiconEntry] = {}
    for lex in lexicons:
        for entry in lex.entries:
            seen.setdefault(entry.term, replace(entry, source=lex.ref))
    language = lexicons[0].language if lexicons else ""
    by_lemma = any(lex.by_lemma for lex in lexicons)
    return Lexicon(ref=ref, language=language, description="", entries=tuple(seen.values()), by_lemma=by_lemma)


def _entry(raw: Any, source: str, where: str) -> LexiconEntry:
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return LexiconEntry(term=str(raw).strip())
    if not isinstance(raw, dict) or not isinstance(raw.get("term"), (str, int)):
        raise RubricError(source, where, "expected a phrase or a mapping with a 'term'")
    unknown = set(raw) - {"term", "plain", "tag"}
    if unknown:
        raise RubricError(source, where, f"unknown field(s): {', '.join(sorted(unknown))}")
    return LexiconEntry(term=str(raw["term"]).strip(), plain=str(raw.get("plain") or ""), tag=str(raw.get("tag") or ""))


def parse_lexicon(data: Any, source: str, ref: str) -> Lexicon:
    """Validate a parsed lexicon document."""
    if not isinstance(data, dict):
        raise RubricError(source, "", "expected a mapping with language and entries")
    language = data.get("language")
    if language not in ("fr", "en"):
        raise RubricError(source, "language", f"must be 'fr' or 'en', got {language!r}")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise RubricError(source, "entries", "expected a non-empty list")
    entries = tuple(_entry(raw, source, f"entries[{i}]") for i, raw in enumerate(raw_entries))
    for i, entry in enumerate(entries):
        if not entry.term:
            raise RubricError(source, f"entries[{i}]", "empty phrase")
    match = data.get("match", "words")
    if match not in ("words", "lemma"):
        raise RubricError(source, "match", f"must be 'words' or 'lemma', got {match!r}")
    description = str(data.get("description") or "")
    return Lexicon(ref=ref, language=language, description=description, entries=entries, by_lemma=match == "lemma")


@functools.lru_cache(maxsize=512)
def load_lexicon(ref: str, lexicon_dir: Path = LEXICON_DIR) -> Lexicon:
    """Load `<lexicon_dir>/<ref>.yaml` once per process."""
    import yaml

    path = (lexicon_dir / f"{ref}.yaml").resolve()
    if not path.is_file() or lexicon_dir.resolve() not in path.parents:
        raise FileNotFoundError(path)
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RubricError(source, _yaml_line(exc), f"YAML syntax error: {getattr(exc, 'problem', exc)}") from None
    logger.debug("loaded lexicon %s", ref)
    return parse_lexicon(data, source, ref)


def _yaml_line(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"line {mark.line + 1}" if mark is not None else ""
