"""Empathy: acknowledging the customer's situation and feelings, apologising, owning the problem, reacting
to frustration; against: blaming or dismissive phrases and a mechanical 'I understand' followed by a 'but'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.scoring.context import DetectorContext
from app.scoring.detectors._common import clamp, next_agent, previous_customer
from app.scoring.detectors.registry import detector
from app.scoring.types import NOT_APPLICABLE, DetectorResult, Evidence

UNDERSTAND = {
    "fr": ("je comprends", "je vous comprends", "je comprends bien"),
    "en": (
        "i understand",
        "i do understand",
        "i totally understand",
        "i completely understand",
        "understood",
        "i get it",
        "i get that",
    ),
}
SECOND_PERSON = {"fr": {"vous", "votre", "vos", "vôtre"}, "en": {"you", "your", "you're", "yours", "yourself"}}
FIRST_PERSON = {"fr": {"je", "j'", "j"}, "en": {"i"}}


def _sentences(ctx: DetectorContext, a: int) -> list[Any]:
    return list(ctx.docs[a].sents)


def _mechanical(ctx: DetectorContext, a: int, sent: Any, window: int) -> tuple[tuple[int, int], bool] | None:
    """'Je comprends' / 'I understand' (or any empathy phrase) cancelled by a 'but' or a reproach; or a bare
    'I understand.' that goes straight on to business. Returns (span, cancelled)."""
    for start, end in _understanding_phrases(ctx, a, sent):
        tail_end = _tail_end(ctx, a, end, window)
        if ctx.find_in("contradiction", a, end, tail_end) or ctx.find("blaming", a):
            return (start, tail_end), True
        if ctx.segments[a].text[start:end].lower() not in UNDERSTAND.get(ctx.language, ()):
            continue
        rest = sent.text[end - sent.start_char :].strip(" ,.!;:").split()
        bare = [w for w in rest if w.lower().strip(",.") not in ("madame", "monsieur", "sir", "madam", "ma'am")]
        if len(bare) <= 1 or ctx.find_in("slot_requests", a, end, tail_end):
            return (start, end), False  # "I understand." / "I understand, your number?" then straight to business
    return None


def _understanding_phrases(ctx: DetectorContext, a: int, sent: Any) -> list[tuple[int, int]]:
    text, found = sent.text.lower(), []
    for phrase in UNDERSTAND.get(ctx.language, ()):
        pos = text.find(phrase)
        if pos >= 0 and not (pos and text[pos - 1].isalpha()):
            found.append((sent.start_char + pos, sent.start_char + pos + len(phrase)))
    found += [(m.start_char, m.end_char) for m in ctx.find_in("empathy", a, sent.start_char, sent.end_char)]
    return sorted(found)


def _tail_end(ctx: DetectorContext, a: int, end: int, window: int) -> int:
    """The character where the `window` tokens after position `end` stop."""
    doc = ctx.docs[a]
    after = [t for t in doc if t.idx >= end][:window]
    return after[-1].idx + len(after[-1]) if after else end


def _genuine(ctx: DetectorContext, a: int, sent: Any, recent: frozenset[str]) -> tuple[str, tuple[int, int]] | None:
    """An empathy/apology phrase or an evaluative restatement of the customer's situation."""
    span = (sent.start_char, sent.end_char)
    for role, rule in (("empathy", "empathy_statement"), ("apology", "apology")):
        hits = ctx.find_in(role, a, *span)
        if hits:
            return rule, (hits[0].start_char, sent.end_char)
    evaluative = ctx.find_in("evaluative", a, *span)
    if evaluative:
        shared = recent & ctx.content_of(sent)
        you = {t.lower_ for t in sent} & SECOND_PERSON.get(ctx.language, set())
        if len(shared) >= 2 or (shared and you):
            return "acknowledges_situation", span
    return None


@detector(
    "empathy",
    params={
        "base": 50.0,
        "statement": 15.0,
        "response": 15.0,
        "no_response": 12.0,
        "ownership": 6.0,
        "blame": 25.0,
        "mechanical": 15.0,
        "window": 8,
        "max_ownership": 3,
    },
    lexicons=("empathy", "apology", "evaluative", "ownership", "distress", "blaming", "contradiction"),
    rules=(
        "empathy_statement",
        "apology",
        "acknowledges_situation",
        "responds_to_feelings",
        "ignores_feelings",
        "ownership",
        "blaming",
        "mechanical_understanding",
    ),
)
def empathy(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Points around a neutral base: genuine acknowledgements up, reproaches and hollow 'I understand' down."""
    if not ctx.indexes("agent") or not ctx.indexes("customer"):
        return NOT_APPLICABLE
    evidence: list[tuple[Evidence, float]] = []
    acknowledged: set[int] = set()
    for a in ctx.indexes("agent"):
        recent = frozenset().union(*(ctx.content(c) for c in previous_customer(ctx, a, 2)))
        found = _agent_turn(ctx, a, recent, params)
        evidence.extend(found)
        if any(ev.sign > 0 and ev.rule != "ownership" for ev, _ in found):
            acknowledged.add(a)
    evidence.extend(_ownership(ctx, params))
    distress = _distress_turns(ctx)
    evidence.extend(_responses(ctx, distress, acknowledged, params))
    score = clamp(params["base"] + sum(points for _, points in evidence))
    return DetectorResult(score, tuple(ev for ev, _ in evidence), len(distress) + len(ctx.indexes("agent")) // 3)


def _agent_turn(
    ctx: DetectorContext, a: int, recent: frozenset[str], params: Mapping[str, Any]
) -> list[tuple[Evidence, float]]:
    found = []
    for m in ctx.find("blaming", a):
        found.append(
            (
                ctx.evidence(
                    a,
                    (m.start_char, m.end_char),
                    "blaming",
                    -1,
                    "Formule de reproche ou de rejet envers le client.",
                    "Blaming or dismissive phrase towards the customer.",
                ),
                -params["blame"],
            )
        )
    sentences = _sentences(ctx, a)
    warm = any(_genuine(ctx, a, sent, recent) for sent in sentences)
    for sent in sentences:
        hollow = _mechanical(ctx, a, sent, params["window"])
        if hollow is not None and (hollow[1] or not warm):
            found.append(
                (
                    ctx.evidence(
                        a,
                        hollow[0],
                        "mechanical_understanding",
                        -1,
                        "« Je comprends » machinal, aussitôt suivi d'un rejet ou d'autre chose.",
                        "A mechanical 'I understand', straight away followed by a dismissal.",
                    ),
                    -params["mechanical"],
                )
            )
            continue
        genuine = _genuine(ctx, a, sent, recent)
        if genuine is not None:
            rule, span = genuine
            found.append((ctx.evidence(a, span, rule, +1, *_GENUINE_TEXT[rule]), params["statement"]))
    return found


_GENUINE_TEXT = {
    "empathy_statement": ("Reconnaît ce que vit le client.", "Acknowledges what the customer is going through."),
    "apology": ("S'excuse pour la gêne.", "Apologises for the trouble."),
    "acknowledges_situation": (
        "Reformule la situation du client en la qualifiant (empathie).",
        "Restates the customer's situation and names how hard it is.",
    ),
}


def _distress_turns(ctx: DetectorContext) -> list[int]:
    """Customer turns voicing a negative emotion or a hardship (cue phrases, hardship words, '!!')."""
    found = []
    for c in ctx.indexes("customer"):
        if ctx.find("distress", c) or ctx.segments[c].text.count("!") >= 2 or _hardship_word(ctx, c):
            found.append(c)
    return found


def _hardship_word(ctx: DetectorContext, c: int) -> bool:
    """An evaluative word ('pénible', 'frustrating') said by the customer outside a question."""
    questions = [(s.start_char, s.end_char) for s in ctx.questions(c)]
    return any(not any(q0 <= m.start_char < q1 for q0, q1 in questions) for m in ctx.find("evaluative", c))


def _responses(
    ctx: DetectorContext, distress: list[int], acknowledged: set[int], params: Mapping[str, Any]
) -> list[tuple[Evidence, float]]:
    found = []
    for c in distress:
        reply = next_agent(ctx, c)
        if not reply:
            continue
        a = reply[0]
        cue = ctx.find("distress", c) or ctx.find("evaluative", c)
        cue_text = ctx.segments[c].text[cue[0].start_char : cue[0].end_char] if cue else "!"
        restated = ctx.content(c) & ctx.content(a)
        if a in acknowledged or len(restated) >= 3:
            found.append(
                (
                    ctx.evidence(
                        a,
                        ctx.whole(a),
                        "responds_to_feelings",
                        +1,
                        f"Répond à la difficulté exprimée par le client (« {cue_text} »).",
                        f"Responds to the difficulty the customer voiced ('{cue_text}').",
                    ),
                    params["response"] if a not in acknowledged else params["response"] / 2,
                )
            )
        else:
            found.append(
                (
                    ctx.evidence(
                        a,
                        ctx.whole(a),
                        "ignores_feelings",
                        -1,
                        f"Passe à la suite sans réagir à « {cue_text} ».",
                        f"Moves on without reacting to '{cue_text}'.",
                    ),
                    -params["no_response"],
                )
            )
    return found


def _ownership(ctx: DetectorContext, params: Mapping[str, Any]) -> list[tuple[Evidence, float]]:
    found = []
    for a in ctx.indexes("agent"):
        for sent in _sentences(ctx, a):
            if _commits(ctx, sent) or ctx.find_in("ownership", a, sent.start_char, sent.end_char):
                found.append(
                    (
                        ctx.evidence(
                            a,
                            (sent.start_char, sent.end_char),
                            "ownership",
                            +1,
                            "Prend personnellement le problème en charge.",
                            "Takes personal ownership of the problem.",
                        ),
                        params["ownership"],
                    )
                )
                break
        if len(found) >= params["max_ownership"]:
            break
    return found


CLITICS = {"vous", "le", "la", "les", "lui", "leur", "en", "y", "me", "m'", "te", "ne", "n'", "l'", "m", "l", "n"}


def _commits(ctx: DetectorContext, sent: Any) -> bool:
    """A first-person commitment: 'je vais', 'je vous enverrai', future tense, 'I'll', 'I will', 'I'm going to'."""
    first = FIRST_PERSON.get(ctx.language, set())
    tokens = list(sent)
    for i, tok in enumerate(tokens):
        if tok.lower_ not in first:
            continue
        for nxt in tokens[i + 1 : i + 5]:
            if nxt.is_punct:
                break
            if nxt.lower_ in CLITICS:
                continue
            if (
                "Fut" in nxt.morph.get("Tense")
                or nxt.lemma_ == "aller"
                or nxt.lower_ in ("vais", "will", "'ll", "shall")
            ):
                return True
            if nxt.lower_ in ("'m", "am") and any(t.lower_ == "going" for t in tokens[i + 2 : i + 4]):
                return True
            if nxt.pos_ in ("VERB", "AUX"):
                break
    return False
