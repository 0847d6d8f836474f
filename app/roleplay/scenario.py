"""A scenario's content as plain data (pure: no Flask, no database).

A version stores one `ScenarioDraft` as JSON; editing makes a new version from a new draft, so a
pack printed last month can always be printed again exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app.roleplay.excerpts import Excerpt
from app.scoring.rubrics import RubricSpec

LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class Line:
    """A customer line; escalation lines are played only when the trainee handles the situation badly."""

    text: str
    escalation: bool = False


@dataclass(frozen=True, slots=True)
class ExcerptTurn:
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class ExcerptBlock:
    """An anonymised excerpt copied into the scenario (never re-read from the call afterwards)."""

    moment_id: int
    criterion: str
    turns: tuple[ExcerptTurn, ...]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    title: str
    counts: str


@dataclass(frozen=True, slots=True)
class ScenarioDraft:
    title: str
    language: str
    rubric_key: str
    objective: str = ""
    criteria: tuple[str, ...] = ()
    situation: str = ""
    mood: str = ""
    knows: str = ""
    brief: str = ""
    customer_lines: tuple[Line, ...] = ()
    observed_response: str = ""
    model_responses: tuple[str, ...] = ()
    debrief: tuple[str, ...] = ()
    excerpts: tuple[ExcerptBlock, ...] = ()
    checklist: tuple[ChecklistItem, ...] = field(default_factory=tuple)


class ScenarioInvalid(ValueError):
    """A draft that cannot be saved; `errors` maps field names to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def validate(draft: ScenarioDraft, rubric: RubricSpec) -> None:
    known = {c.id for c in rubric.criteria}
    errors = {}
    if not draft.title.strip():
        errors["title"] = "a title is required"
    if draft.language not in LANGUAGES:
        errors["language"] = "French or English"
    if not draft.criteria:
        errors["criteria"] = "choose at least one criterion"
    elif set(draft.criteria) - known:
        errors["criteria"] = f"unknown criteria: {', '.join(sorted(set(draft.criteria) - known))}"
    if errors:
        raise ScenarioInvalid(errors)


def checklist(rubric: RubricSpec, keys: Iterable[str], language: str) -> tuple[ChecklistItem, ...]:
    """What the observer ticks: each chosen criterion's title and what counts (its top band and tip)."""
    wanted = list(dict.fromkeys(keys))
    items = []
    for criterion in sorted((c for c in rubric.criteria if c.id in wanted), key=lambda c: wanted.index(c.id)):
        general = next((t for t in criterion.tips if not t.rules), criterion.tips[0] if criterion.tips else None)
        counts = general.text.get(language) if general else ""
        items.append(ChecklistItem(criterion.id, criterion.title.get(language), counts))
    return tuple(items)


def finalise(draft: ScenarioDraft, rubric: RubricSpec) -> ScenarioDraft:
    """A valid draft with its checklist generated from the rubric, in the scenario's language."""
    validate(draft, rubric)
    return replace(draft, checklist=checklist(rubric, draft.criteria, draft.language))


def excerpt_block(moment_id: int, criterion: str, excerpt: Excerpt) -> ExcerptBlock:
    return ExcerptBlock(moment_id, criterion, tuple(ExcerptTurn(t.speaker, t.text) for t in excerpt.turns))


def from_excerpt(draft: ScenarioDraft, block: ExcerptBlock) -> ScenarioDraft:
    """Add an excerpt; its customer turns become lines and its agent turns the observed response."""
    lines = tuple(Line(t.text) for t in block.turns if t.speaker == "customer")
    observed = "\n".join(t.text for t in block.turns if t.speaker == "agent")
    return replace(
        draft,
        excerpts=(*draft.excerpts, block),
        customer_lines=(*draft.customer_lines, *lines),
        observed_response="\n".join(x for x in (draft.observed_response, observed) if x),
        criteria=tuple(dict.fromkeys((*draft.criteria, block.criterion))),
    )


def to_content(draft: ScenarioDraft) -> dict[str, Any]:
    """What a version row stores (everything but the columns: title, language, rubric)."""
    data = asdict(draft)
    for key in ("title", "language", "rubric_key"):
        data.pop(key)
    return data


def from_content(title: str, language: str, rubric_key: str, content: dict[str, Any]) -> ScenarioDraft:
    c = dict(content)
    return ScenarioDraft(
        title=title,
        language=language,
        rubric_key=rubric_key,
        objective=c.get("objective", ""),
        criteria=tuple(c.get("criteria", ())),
        situation=c.get("situation", ""),
        mood=c.get("mood", ""),
        knows=c.get("knows", ""),
        brief=c.get("brief", ""),
        customer_lines=tuple(Line(**line) for line in c.get("customer_lines", ())),
        observed_response=c.get("observed_response", ""),
        model_responses=tuple(c.get("model_responses", ())),
        debrief=tuple(c.get("debrief", ())),
        excerpts=tuple(
            ExcerptBlock(e["moment_id"], e["criterion"], tuple(ExcerptTurn(**t) for t in e["turns"]))
            for e in c.get("excerpts", ())
        ),
        checklist=tuple(ChecklistItem(**i) for i in c.get("checklist", ())),
    )


def lines_of(text: str) -> tuple[str, ...]:
    """One item per non-empty line of a text box."""
    return tuple(line.strip(" -•*\t") for line in (text or "").splitlines() if line.strip(" -•*\t"))


def customer_lines(regular: str, escalation: str) -> tuple[Line, ...]:
    return (*(Line(t) for t in lines_of(regular)), *(Line(t, True) for t in lines_of(escalation)))


def split_lines(lines: Sequence[Line]) -> tuple[str, str]:
    """The text boxes' content back from the lines: (regular, escalation)."""
    return (
        "\n".join(line.text for line in lines if not line.escalation),
        "\n".join(line.text for line in lines if line.escalation),
    )
