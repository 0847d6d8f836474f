"""Rubric YAML files (`qa_rubrics/*.yaml`) loaded into frozen, validated dataclasses.

Weights are percentages: the criteria weights of a rubric add up to 100.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.qa_data.errors import RubricError
from app.qa_data.lexicons import BUNDLED_DIR, LEXICON_DIR, Lexicon, load_lexicon, merge

logger = logging.getLogger(__name__)

__all__ = [
    "Band",
    "Criterion",
    "DetectorSpec",
    "NARule",
    "RubricSpec",
    "RubricError",
    "Section",
    "Text",
    "Tip",
    "bundled_rubrics",
    "load_rubric",
    "load_rubric_text",
    "rubric_for_language",
]

LANGUAGES = ("fr", "en")
WEIGHT_TOTAL = 100.0


@dataclass(frozen=True, slots=True)
class Text:
    """A text in both languages of the product."""

    fr: str
    en: str

    def get(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


@dataclass(frozen=True, slots=True)
class Band:
    min: float
    label: Text


@dataclass(frozen=True, slots=True)
class DetectorSpec:
    name: str
    weight: float
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Tip:
    id: str
    rules: tuple[str, ...]  # rule ids this tip answers; empty = the criterion's general tip
    text: Text


@dataclass(frozen=True, slots=True)
class NARule:
    allowed: bool = True  # False: a "not applicable" verdict scores 0 instead
    min_agent_words: int = 0
    min_duration_s: float = 0.0
    min_customer_words: int = 0  # the customer gave the agent something to answer


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    section: str
    title: Text
    weight: float
    detectors: tuple[DetectorSpec, ...]
    auto_fail: bool
    fail_below: float
    na: NARule
    tips: tuple[Tip, ...]
    scale: tuple[Band, ...]

    def tip_for(self, rule: str, language: str, *, fallback: bool = True) -> str:
        """The coaching tip answering `rule`, else (with fallback) the criterion's general tip."""
        for tip in self.tips:
            if rule in tip.rules:
                return tip.text.get(language)
        general = [t for t in self.tips if not t.rules]
        return general[0].text.get(language) if fallback and general else ""

    def band(self, score: float) -> Band | None:
        return next((b for b in self.scale if score >= b.min), None)


@dataclass(frozen=True, slots=True)
class RubricSpec:
    """A rubric file as loaded: frozen and validated (the database rows are app.scoring.models.Rubric and
    RubricVersion)."""

    id: str
    version: int
    title: Text
    language: str
    call_type: str
    threshold: float
    sections: tuple[Section, ...]
    criteria: tuple[Criterion, ...]
    lexicons: Mapping[str, Lexicon]
    source: str

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)


# ---------------------------------------------------------------- parsing helpers


class _Reader:
    """Field access that raises RubricError with the file and the field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, reason: str) -> RubricError:
        return RubricError(self.source, field, reason)

    def mapping(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "expected a mapping")
        return value

    def known(self, data: dict[str, Any], field: str, allowed: set[str]) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            prefix = f"{field}." if field else ""
            raise self.fail(f"{prefix}{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected a non-empty text")
        return value.strip()

    def ident(self, value: Any, field: str) -> str:
        text = self.text(value, field)
        if not text.replace("_", "").replace("-", "").isalnum():
            raise self.fail(field, f"{text!r} is not a valid id (letters, digits, _ and -)")
        return text

    def number(self, value: Any, field: str, *, low: float = -math.inf, high: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(field, f"expected a number, got {value!r}")
        if not low <= value <= high:
            raise self.fail(field, f"{value} is outside {low:g}..{high:g}")
        return float(value)

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, f"expected true or false, got {value!r}")
        return value

    def translated(self, value: Any, field: str) -> Text:
        data = self.mapping(value, field)
        self.known(data, field, set(LANGUAGES))
        for lang in LANGUAGES:
            if not isinstance(data.get(lang), str) or not data[lang].strip():
                raise self.fail(f"{field}.{lang}", "missing translation")
        return Text(fr=data["fr"].strip(), en=data["en"].strip())

    def items(self, value: Any, field: str, *, required: bool = True) -> list[Any]:
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.fail(field, "expected a non-empty list")
        return value


def _unique(reader: _Reader, ids: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise reader.fail(f"{field}[{i}].id", f"duplicate {what} id {item!r}")
        seen.add(item)


# ---------------------------------------------------------------- sections of the document


def _scale(reader: _Reader, value: Any, field: str) -> tuple[Band, ...]:
    bands = []
    for i, raw in enumerate(reader.items(value, field)):
        where = f"{field}[{i}]"
        data = reader.mapping(raw, where)
        reader.known(data, where, {"min", "label"})
        bands.append(
            Band(
                reader.number(data.get("min"), f"{where}.min", low=0, high=100),
                reader.translated(data.get("label"), f"{where}.label"),
            )
        )
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or mins[-1] != 0:
        raise reader.fail(field, "bands must go from the highest min down to a last band with min 0")
    return tuple(bands)


DEFAULT_SCALE = (
    Band(80, Text("Maîtrisé", "Strong")),
    Band(50, Text("À consolider", "Developing")),
    Band(0, Text("À travailler", "Needs work")),
)


def _params(reader: _Reader, raw: Any, field: str, defaults: Mapping[str, Any]) -> Mapping[str, Any]:
    data = {} if raw is None else reader.mapping(raw, field)
    params = dict(defaults)
    for key, value in data.items():
        if key not in defaults:
            allowed = ", ".join(sorted(defaults)) or "none"
            raise reader.fail(f"{field}.{key}", f"unknown parameter (allowed: {allowed})")
        expected = defaults[key]
        numeric = isinstance(expected, (int, float)) and not isinstance(expected, bool)
        ok = (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            if numeric
            else isinstance(value, type(expected))
        )
        if not ok:
            raise reader.fail(f"{field}.{key}", f"expected {type(expected).__name__}, got {value!r}")
        params[key] = float(value) if isinstance(expected, float) else value
    return MappingProxyType(params)


def _detector(reader: _Reader, raw: Any, field: str) -> tuple[DetectorSpec, tuple[str, ...], tuple[str, ...]]:
    from app.scoring.detectors.registry import registry

    data = reader.mapping(raw, field)
    reader.known(data, field, {"name", "weight", "params"})
    name = reader.text(data.get("name"), f"{field}.name")
    info = registry().get(name)
    if info is None:
        raise reader.fail(f"{field}.name", f"unknown detector {name!r} (known: {', '.join(sorted(registry()))})")
    weight = reader.number(data.get("weight", 1), f"{field}.weight", low=0.0001)
    params = _params(reader, data.get("params"), f"{field}.params", info.params)
    return DetectorSpec(name, weight, params), info.lexicons, info.rules


def _tips(reader: _Reader, value: Any, field: str, rules: set[str]) -> tuple[Tip, ...]:
    tips = []
    for i, raw in enumerate(reader.items(value, field)):
        where = f"{field}[{i}]"
        data = reader.mapping(raw, where)
        reader.known(data, where, {"id", "for", "fr", "en"})
        for_rules = data.get("for") or []
        if isinstance(for_rules, str):
            for_rules = [for_rules]
        for rule in for_rules:
            if rule not in rules:
                raise reader.fail(
                    f"{where}.for", f"unknown rule {rule!r} (rules of these detectors: {', '.join(sorted(rules))})"
                )
        text = reader.translated({k: data.get(k) for k in LANGUAGES}, where)
        tips.append(Tip(reader.ident(data.get("id", f"tip{i + 1}"), f"{where}.id"), tuple(for_rules), text))
    _unique(reader, [t.id for t in tips], field, "tip")
    return tuple(tips)


def _na(reader: _Reader, value: Any, field: str) -> NARule:
    if value is None:
        return NARule()
    data = reader.mapping(value, field)
    reader.known(data, field, {"allowed", "min_agent_words", "min_duration_s", "min_customer_words"})
    return NARule(
        allowed=reader.boolean(data.get("allowed", True), f"{field}.allowed"),
        min_agent_words=int(reader.number(data.get("min_agent_words", 0), f"{field}.min_agent_words", low=0)),
        min_duration_s=reader.number(data.get("min_duration_s", 0), f"{field}.min_duration_s", low=0),
        min_customer_words=int(reader.number(data.get("min_customer_words", 0), f"{field}.min_customer_words", low=0)),
    )


CRITERION_FIELDS = {"id", "section", "title", "weight", "detectors", "auto_fail", "fail_below", "na", "tips", "scale"}


def _criterion(
    reader: _Reader, raw: Any, field: str, sections: set[str], scale: tuple[Band, ...], roles: set[str]
) -> Criterion:
    data = reader.mapping(raw, field)
    reader.known(data, field, CRITERION_FIELDS)
    section = reader.ident(data.get("section"), f"{field}.section")
    if section not in sections:
        raise reader.fail(f"{field}.section", f"unknown section {section!r}")
    specs, rules = [], set()
    for j, raw_spec in enumerate(reader.items(data.get("detectors"), f"{field}.detectors")):
        spec, needs, spec_rules = _detector(reader, raw_spec, f"{field}.detectors[{j}]")
        missing = [r for r in needs if r not in roles]
        if missing:
            raise reader.fail(
                f"{field}.detectors[{j}].name",
                f"detector {spec.name!r} needs lexicon {missing[0]!r}, which the rubric does not provide",
            )
        specs.append(spec)
        rules.update(spec_rules)
    return Criterion(
        id=reader.ident(data.get("id"), f"{field}.id"),
        section=section,
        title=reader.translated(data.get("title"), f"{field}.title"),
        weight=reader.number(data.get("weight"), f"{field}.weight", low=0.0001, high=WEIGHT_TOTAL),
        detectors=tuple(specs),
        auto_fail=reader.boolean(data.get("auto_fail", False), f"{field}.auto_fail"),
        fail_below=reader.number(data.get("fail_below", 50), f"{field}.fail_below", low=0, high=100),
        na=_na(reader, data.get("na"), f"{field}.na"),
        tips=_tips(reader, data.get("tips"), f"{field}.tips", rules),
        scale=_scale(reader, data["scale"], f"{field}.scale") if "scale" in data else scale,
    )


def _lexicons(reader: _Reader, value: Any, language: str, lexicon_dir: Path) -> dict[str, Lexicon]:
    """Roles → merged lexicons: the rubric's `lexicons` mapping plus every `<language>/<role>` default file."""
    loaded: dict[str, Lexicon] = {}
    if lexicon_dir.is_dir():
        for path in sorted((lexicon_dir / language).glob("*.yaml")):
            loaded[path.stem] = _load_ref(reader, f"{language}/{path.stem}", "lexicons", lexicon_dir)
    declared = {} if value is None else reader.mapping(value, "lexicons")
    for role, refs in declared.items():
        refs = [refs] if isinstance(refs, str) else refs
        items = reader.items(refs, f"lexicons.{role}")
        loaded[role] = merge(
            role, [_load_ref(reader, ref, f"lexicons.{role}[{i}]", lexicon_dir) for i, ref in enumerate(items)]
        )
    return loaded


def _load_ref(reader: _Reader, ref: Any, field: str, lexicon_dir: Path) -> Lexicon:
    if not isinstance(ref, str) or not ref:
        raise reader.fail(field, f"expected a lexicon reference such as 'fr/empathy', got {ref!r}")
    try:
        return load_lexicon(ref, lexicon_dir)
    except FileNotFoundError:
        raise reader.fail(field, f"no lexicon file {ref!r} under {lexicon_dir}") from None


TOP_FIELDS = {
    "id",
    "version",
    "title",
    "language",
    "call_type",
    "threshold",
    "scale",
    "sections",
    "criteria",
    "lexicons",
    "description",
}


MAX_VERSION = 1_000_000  # stored as a 32-bit integer; no rubric gets anywhere near


def parse_rubric(data: Any, source: str, lexicon_dir: Path = LEXICON_DIR) -> RubricSpec:
    """Validate a parsed rubric document and return a RubricSpec, or raise RubricError."""
    reader = _Reader(source)
    data = reader.mapping(data, "")
    reader.known(data, "", TOP_FIELDS)
    language = data.get("language")
    if language not in LANGUAGES:
        raise reader.fail("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise reader.fail("version", f"expected a whole number from 1 to {MAX_VERSION:,}, got {version!r}")
    sections = _sections(reader, data.get("sections"))
    lexicons = _lexicons(reader, data.get("lexicons"), language, lexicon_dir)
    scale = _scale(reader, data["scale"], "scale") if "scale" in data else DEFAULT_SCALE
    raw_criteria = reader.items(data.get("criteria"), "criteria")
    criteria = tuple(
        _criterion(reader, raw, f"criteria[{i}]", {s.id for s in sections}, scale, set(lexicons))
        for i, raw in enumerate(raw_criteria)
    )
    _unique(reader, [c.id for c in criteria], "criteria", "criterion")
    _check_weights(reader, criteria)
    return RubricSpec(
        id=reader.ident(data.get("id"), "id"),
        version=version,
        title=reader.translated(data.get("title"), "title"),
        language=language,
        call_type=reader.ident(data.get("call_type", "general"), "call_type"),
        threshold=reader.number(data.get("threshold", 70), "threshold", low=0, high=100),
        sections=sections,
        criteria=criteria,
        lexicons=MappingProxyType(lexicons),
        source=source,
    )


def _sections(reader: _Reader, value: Any) -> tuple[Section, ...]:
    sections = []
    for i, raw in enumerate(reader.items(value, "sections")):
        data = reader.mapping(raw, f"sections[{i}]")
        reader.known(data, f"sections[{i}]", {"id", "title"})
        sections.append(
            Section(
                reader.ident(data.get("id"), f"sections[{i}].id"),
                reader.translated(data.get("title"), f"sections[{i}].title"),
            )
        )
    _unique(reader, [s.id for s in sections], "sections", "section")
    return tuple(sections)


def _check_weights(reader: _Reader, criteria: tuple[Criterion, ...]) -> None:
    total = sum(c.weight for c in criteria)
    if abs(total - WEIGHT_TOTAL) > 0.01:
        detail = " + ".join(f"{c.id} {c.weight:g}" for c in criteria)
        raise reader.fail("criteria[*].weight", f"weights add up to {total:g}, not {WEIGHT_TOTAL:g} ({detail})")


# ---------------------------------------------------------------- public loading functions


def load_rubric_text(text: str, source_name: str = "<text>", lexicon_dir: Path = LEXICON_DIR) -> RubricSpec:
    """Parse and validate rubric YAML text; errors name `source_name`."""
    import yaml

    from app.safe_yaml import YamlLimitError, load

    try:
        data = load(text)
    except YamlLimitError as exc:
        raise RubricError(source_name, f"line {exc.line}" if exc.line else "", exc.reason) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        field = f"line {mark.line + 1}" if mark is not None else ""
        raise RubricError(source_name, field, f"YAML syntax error: {getattr(exc, 'problem', None) or exc}") from None
    return parse_rubric(data, source_name, lexicon_dir)


def load_rubric(path: str | Path) -> RubricSpec:
    """Load one rubric file; its lexicons come from the `lexicons/` folder beside it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(str(path), "", f"cannot read the file: {exc}") from None
    lexicon_dir = path.resolve().parent / "lexicons"
    return load_rubric_text(text, str(path), lexicon_dir if lexicon_dir.is_dir() else LEXICON_DIR)


def bundled_rubric_files() -> list[Path]:
    """The rubric files shipped in `qa_rubrics/`."""
    return sorted(BUNDLED_DIR.glob("*.yaml"))


@functools.cache
def bundled_rubrics() -> Mapping[str, RubricSpec]:
    """Every bundled rubric by id, loaded once per process."""
    rubrics = {}
    for path in bundled_rubric_files():
        rubric = load_rubric(path)
        rubrics[rubric.id] = rubric
    logger.info("loaded %d bundled rubrics", len(rubrics))
    return MappingProxyType(rubrics)


def rubric_for_language(language: str, call_type: str = "hotline") -> RubricSpec:
    """The bundled rubric for a language (and call type, falling back to any of that language)."""
    candidates = [r for r in bundled_rubrics().values() if r.language == (language or "")[:2].lower()]
    if not candidates:
        raise LookupError(f"no bundled rubric for language {language!r}")
    exact = [r for r in candidates if r.call_type == call_type]
    return min(exact or candidates, key=lambda r: r.id)


@functools.lru_cache(maxsize=4)
def criterion_titles(language: str) -> Mapping[str, str]:
    """Criterion titles of the bundled rubrics in a language (the first rubric naming a criterion wins)."""
    titles: dict[str, str] = {}
    for rubric in bundled_rubrics().values():
        for criterion in rubric.criteria:
            titles.setdefault(criterion.id, criterion.title.get(language))
    return MappingProxyType(titles)


def criterion_title(key: str, language: str) -> str:
    """The criterion's title from the bundled rubrics in a language; the key, made readable, otherwise."""
    return criterion_titles(language).get(key) or key.replace("_", " ").capitalize()
