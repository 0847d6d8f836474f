"""Empathy: acknowledging the customer's situation and feelings, apologising, owning the problem, reacting
to frustration; against: blaming or dismissive phrases and a mechanical 'I understand' followed by a 'but'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.scoring import structure
from app.scoring.context import DetectorContext
from app.scoring.detectors._common import clamp, next_agent, previous_customer
from app.scoring.detectors.registry import detector
from app.scoring.types import NOT_APPLICABLE, DetectorResult, Evidence

UNDERSTAND = {
    "fr": (
        "je comprends",
        "je vous comprends",
        "je comprends bien",
        "j'entends bien",
        "je vous entends",
        "je vois bien",
    ),
    "en": (
        "i understand",
        "i do understand",
        "i totally understand",
        "i completely understand",
        "understood",
        "i get it",
        "i get that",
        "i hear you",
        "i hear what you're saying",
        "i appreciate that",
    ),
}
SECOND_PERSON = {"fr": {"vous", "votre", "vos", "vôtre"}, "en": {"you", "your", "you're", "yours", "yourself"}}
FIRST_PERSON = {"fr": {"je", "j'", "j"}, "en": {"i"}}


def _sentences(ctx: DetectorContext, a: int) -> list[Any]:
    return list(ctx.docs[a].sents)


def _mechanical(ctx: DetectorContext, a: int, sent: Any, window: int) -> tuple[tuple[int, int], bool] | None:
    """'Je comprends' / 'I understand' (or any empathy phrase) cancelled by a 'but', a page-turning connector
    ('Cela dit, ...', 'Still, ...') or a reproach in the same turn; or a bare 'I understand.' that goes straight
    on to business. Returns (span, cancelled)."""
    for start, end in _understanding_phrases(ctx, a, sent):
        tail_end = _tail_end(ctx, a, end, window)
        turn = _turn_page(ctx, a, end, tail_end)
        if _reproaches(ctx, a) or (turn is not None and not _reassures(ctx, a, turn)):
            return (start, tail_end), True
        if ctx.segments[a].text[start:end].lower() not in UNDERSTAND.get(ctx.language, ()):
            continue
        rest = sent.text[end - sent.start_char :].strip(" ,.!;:").split()
        bare = [w for w in rest if w.lower().strip(",.") not in ("madame", "monsieur", "sir", "madam", "ma'am")]
        if len(bare) <= 1 or ctx.find_in("slot_requests", a, end, tail_end):
            return (start, end), False  # "I understand." / "I understand, your number?" then straight to business
    return None


def _turn_page(ctx: DetectorContext, a: int, start: int, end: int) -> int | None:
    """Where a 'but' or a clause-opening contrast connector ('Après, ...', 'Anyway, ...') starts, if any."""
    for m in ctx.find_in("contradiction", a, start, end):
        return m.start_char
    doc = ctx.docs[a]
    for m in ctx.find_in("contrast_openers", a, start, end):
        if structure.opens_clause(doc[m.start]):
            return m.start_char
    return None


def _reassures(ctx: DetectorContext, a: int, at: int) -> bool:
    """'Je comprends, mais je vais ...': what follows the connector is a personal commitment or an apology."""
    doc = ctx.docs[a]
    sent = next((s for s in doc.sents if s.start_char <= at < s.end_char), None)
    if sent is None:
        return False
    after = doc.char_span(at, sent.end_char, alignment_mode="expand")
    return after is not None and (_commits(ctx, after) or bool(ctx.find_in("apology", a, at, sent.end_char)))


# Reproaches about what the customer should have done, by their grammar, each with its `_BLAME_TEXT` kind: listed
# among a turn's reproaches (`_reproaches`) and raising the behaviour layer's blame reading (`grammatical_reproaches`).
SHOULD_HAVE_DONE = (
    ("counterfactual", structure.counterfactual_blame),
    ("should_have", structure.should_have),
    ("hindsight", structure.hindsight),
)


def _reproaches(ctx: DetectorContext, a: int) -> list[tuple[tuple[int, int], str, str]]:
    """Blame in an agent turn: listed phrases, and reproaches recognised by their grammar (cached)."""
    key = ("reproaches", a)
    if key in ctx._cache:
        return ctx._cache[key]
    found = [((m.start_char, m.end_char), *_BLAME_TEXT["phrase"]) for m in ctx.find("blaming", a)]
    nouns = _responsibility_nouns(ctx)
    for sent in ctx.docs[a].sents:
        if any(sent.start_char <= s < sent.end_char for (s, _), *_ in found):
            continue
        for kind, span in (
            *((kind, check(sent, ctx.language)) for kind, check in SHOULD_HAVE_DONE),
            ("responsibility", structure.responsibility_shift(sent, ctx.language, nouns)),
            ("comparison", _dismissive_comparison(ctx, a, sent)),
        ):
            if span is not None:
                found.append((span, *_BLAME_TEXT[kind]))
                break
    ctx._cache[key] = found
    return found


def grammatical_reproaches(ctx: DetectorContext, a: int) -> list[tuple[int, int]]:
    """Reproaches about what the customer should have done, recognised by their grammar alone: "si vous aviez lu
    le mail, vous auriez su", "you should have called us", "did you check the size guide before ordering?". No
    lexicon phrase and no "your choice": those depend on the call ("it's up to you" is a refusal on a service line
    and respect for autonomy in counselling)."""
    found = []
    for sent in ctx.docs[a].sents:
        span = next((s for _, check in SHOULD_HAVE_DONE if (s := check(sent, ctx.language)) is not None), None)
        if span is not None:
            found.append(span)
    return found


def dismissive_comparisons(ctx: DetectorContext, a: int) -> list[tuple[int, int]]:
    """Sentences that belittle the problem by comparing the customer with others ("la plupart des clients règlent ça
    tout seuls", "nobody else has complained"), from the `dismissive_comparison` lexicon."""
    return [span for sent in ctx.docs[a].sents if (span := _dismissive_comparison(ctx, a, sent)) is not None]


_BLAME_TEXT = {
    "phrase": (
        "Formule de reproche ou de rejet envers le client.",
        "Blaming or dismissive phrase towards the customer.",
    ),
    "counterfactual": (
        "Reproche au client ce qu'il aurait dû faire (« si vous aviez…, vous auriez… »).",
        "Blames the customer for what they should have done ('if you had..., you would have...').",
    ),
    "should_have": (
        "Reproche au client ce qu'il aurait dû faire.",
        "Tells the customer what they should have done.",
    ),
    "hindsight": (
        "Demande après coup au client s'il a fait ce qu'il aurait dû faire (« vous avez vérifié… avant de… ? »).",
        "Asks the customer, in hindsight, whether they did what they should have ('did you check... before...?').",
    ),
    "responsibility": (
        "Renvoie la responsabilité du problème au client.",
        "Pushes the responsibility for the problem onto the customer.",
    ),
    "comparison": (
        "Minimise le problème en le comparant aux autres clients.",
        "Belittles the problem by comparing the customer with others.",
    ),
}


def _responsibility_nouns(ctx: DetectorContext) -> set[str]:
    lexicon = ctx.lexicons.get("responsibility")
    return {e.term.lower() for e in lexicon.entries} if lexicon is not None else set()


def _dismissive_comparison(ctx: DetectorContext, a: int, sent: Any) -> tuple[int, int] | None:
    """'La plupart des clients règlent ça tout seuls', 'nobody else has complained' (not as a question)."""
    if sent.text.strip().endswith("?"):
        return None
    hits = ctx.find_in("dismissive_comparison", a, sent.start_char, sent.end_char)
    tags = {m.entry.tag for m in hits}
    if "none" in tags or {"group", "alone"} <= tags:
        return hits[0].start_char, hits[-1].end_char
    return None


def _understanding_phrases(ctx: DetectorContext, a: int, sent: Any) -> list[tuple[int, int]]:
    text, found = sent.text.lower(), []
    for phrase in UNDERSTAND.get(ctx.language, ()):
        pos = text.find(phrase)
        if pos >= 0 and not (pos and text[pos - 1].isalpha()):
            found.append((sent.start_char + pos, sent.start_char + pos + len(phrase)))
    for role in ("empathy", "apology"):  # "I'm sorry, but that's how it is" is as hollow as "I understand, but"
        found += [(m.start_char, m.end_char) for m in ctx.find_in(role, a, sent.start_char, sent.end_char)]
    return sorted(found)


def _tail_end(ctx: DetectorContext, a: int, end: int, window: int) -> int:
    """The character where the `window` tokens after position `end` stop."""
    doc = ctx.docs[a]
    after = [t for t in doc if t.idx >= end][:window]
    return after[-1].idx + len(after[-1]) if after else end


def _genuine(ctx: DetectorContext, a: int, sent: Any, recent: frozenset[str]) -> tuple[str, tuple[int, int]] | None:
    """An empathy/apology phrase, or the customer's situation restated (same or related words) with an
    evaluative word that is not negated ('ça vous complique la vie', 'no wonder you've had enough')."""
    span = (sent.start_char, sent.end_char)
    for role, rule in (("empathy", "empathy_statement"), ("apology", "apology")):
        hits = ctx.find_in(role, a, *span)
        if hits:
            return rule, (hits[0].start_char, sent.end_char)
    if _evaluative(ctx, a, sent) and not sent.text.strip().endswith("?"):
        shared = ctx.related(recent, ctx.content_of(sent))
        you = {t.lower_ for t in sent} & SECOND_PERSON.get(ctx.language, set())
        if len(shared) >= 2 or (shared and you):
            return "acknowledges_situation", span
    return None


def _evaluative(ctx: DetectorContext, a: int, sent: Any) -> bool:
    """An evaluative word in the sentence that no negation turns around ('ce n'est pas grave' is a brush-off)."""
    doc = ctx.docs[a]
    for m in ctx.find_in("evaluative", a, sent.start_char, sent.end_char):
        if structure.is_negated(doc[m.start : m.end]) or not structure.is_negated(
            doc[max(sent.start, m.start - 3) : m.start]
        ):
            return True
    return False


@detector(
    "empathy",
    params={
        "base": 50.0,
        "statement": 15.0,
        "response": 15.0,
        "no_response": 12.0,
        "ownership": 4.0,
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
    for span, fr, en in _reproaches(ctx, a):
        found.append((ctx.evidence(a, span, "blaming", -1, fr, en), -params["blame"]))
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
        restated = ctx.related(ctx.content(c), ctx.content(a))
        if (a in acknowledged or len(restated) >= 3) and not _reproaches(ctx, a):
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
