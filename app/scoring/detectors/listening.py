"""Active listening: reformulation, clarifying questions, references back, acknowledgements; against:
asking again for what the customer said, talking over them, monologues, a lopsided talk share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.scoring.context import DetectorContext
from app.scoring.detectors._common import (
    clamp,
    listing,
    next_agent,
    previous_customer,
    ratio_score,
    token_span,
)
from app.scoring.detectors.registry import detector
from app.scoring.types import NO_CUSTOMER, NOT_APPLICABLE, DetectorResult, Evidence


def _substantive_customer(ctx: DetectorContext, min_words: int) -> list[int]:
    return [i for i in ctx.indexes("customer") if ctx.words(i) >= min_words]


@detector(
    "reformulation",
    params={"min_overlap": 3, "window": 2, "target": 2, "min_customer_words": 8, "min_related": 2},
    lexicons=("reformulation_markers",),
    rules=("reformulation",),
)
def reformulation(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """The agent plays back what the customer said in one of the next agent turns: their own content words, or
    the same ideas in other words (synonyms, word vectors) when the agent signposts it or echoes enough."""
    evidence, used = [], set()
    customer = _substantive_customer(ctx, params["min_customer_words"])
    for c in customer:
        for a in next_agent(ctx, c, params["window"]):
            echoed = _played_back(ctx, c, a, params)
            if a not in used and echoed:
                used.add(a)
                ours = {mine for mine, _ in echoed.values()}
                evidence.append(
                    ctx.evidence(
                        a,
                        token_span(ctx, a, ours),
                        "reformulation",
                        +1,
                        f"Reformule ce que le client a dit ({_pairs(echoed)}).",
                        f"Plays back what the customer said ({_pairs(echoed)}).",
                    )
                )
                break
    if not customer:
        return NO_CUSTOMER
    target = min(params["target"], max(1, len(customer) // 2))
    return DetectorResult(ratio_score(len(evidence), target), tuple(evidence), len(customer))


def _played_back(ctx: DetectorContext, c: int, a: int, params: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Customer lemmas the agent's statements (not the form-filling questions) echo; {} when it is too thin. A
    signposted sentence ('si je résume, ...', 'so if I've got this right, ...') needs fewer echoes, in itself."""
    sents = [s for s in ctx.docs[a].sents if _plays_back(ctx, a, s)]
    echoed = _echoes(ctx, c, sents)
    same = sum(1 for _, how in echoed.values() if how == "same")
    if same >= params["min_overlap"] or (same >= 1 and len(echoed) >= params["min_overlap"] + 1):
        return echoed
    marked = [s for s in sents if ctx.find_in("reformulation_markers", a, s.start_char, s.end_char)]
    in_marked = _echoes(ctx, c, marked) if marked else {}
    return in_marked if len(in_marked) >= params["min_related"] else {}


def _echoes(ctx: DetectorContext, c: int, sents: list[Any]) -> dict[str, tuple[str, str]]:
    echoed = ctx.related(ctx.content(c), frozenset().union(*(ctx.content_of(s) for s in sents)))
    return {theirs: (mine, how) for theirs, (mine, how) in echoed.items() if _first_for(echoed, theirs, mine)}


def _plays_back(ctx: DetectorContext, a: int, sent: Any) -> bool:
    """A sentence that can play the problem back: not form-filling, and not an empathic restatement (naming how
    hard it is belongs to the empathy criterion, so one sentence does not earn points twice)."""
    span = (sent.start_char, sent.end_char)
    return not any(ctx.find_in(role, a, *span) for role in ("slot_requests", "evaluative", "empathy", "apology"))


def _first_for(echoed: dict[str, tuple[str, str]], theirs: str, mine: str) -> bool:
    """One agent word echoes one customer word ('parcel' and 'arrive' both ~ 'package' count once)."""
    rank = {"same": 0, "synonym": 1, "vector": 2}
    return theirs == min((t for t, (m, _) in echoed.items() if m == mine), key=lambda t: (rank[echoed[t][1]], t))


def _pairs(echoed: dict[str, tuple[str, str]]) -> str:
    return listing([theirs if mine == theirs else f"{theirs} → {mine}" for theirs, (mine, _) in echoed.items()])


def _topic(ctx: DetectorContext, before: int) -> frozenset[str]:
    words: frozenset[str] = frozenset()
    for i in ctx.indexes("customer"):
        if i < before:
            words |= ctx.content(i)
    return words


@detector(
    "clarifying_questions",
    params={"target": 2},
    lexicons=("slot_requests", "anything_else", "help_offer"),
    rules=("clarifying_question",),
)
def clarifying_questions(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Agent questions that build on what the customer said (not form-filling, not 'anything else')."""
    evidence, asked = [], 0
    for a in ctx.indexes("agent"):
        topic = _topic(ctx, a)
        for sent in ctx.questions(a):
            asked += 1
            span = (sent.start_char, sent.end_char)
            if any(ctx.find_in(role, a, *span) for role in ("slot_requests", "anything_else", "help_offer")):
                continue
            shared = set(topic & ctx.content_of(sent))
            if shared:
                evidence.append(
                    ctx.evidence(
                        a,
                        span,
                        "clarifying_question",
                        +1,
                        f"Question ciblée sur ce que le client a décrit ({listing(shared)}).",
                        f"Targeted question on what the customer described ({listing(shared)}).",
                    )
                )
    if not ctx.indexes("customer"):
        return NO_CUSTOMER
    return DetectorResult(ratio_score(len(evidence), params["target"]), tuple(evidence), asked)


@detector(
    "reference_back",
    params={"target": 3, "min_distance": 2},
    lexicons=("reference_markers",),
    rules=("reference_back",),
)
def reference_back(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Later in the call the agent reuses details (names, numbers, specifics) the customer gave earlier."""
    customer = ctx.indexes("customer")
    evidence, reused = [], set()
    for a in ctx.indexes("agent"):
        said_before = _agent_words_before(ctx, a)
        earlier = [c for c in customer if c < a and _customer_turns_between(customer, c, a) >= params["min_distance"]]
        details = set().union(*(ctx.content(c) for c in earlier)) if earlier else set()
        new = (ctx.content(a) & details) - reused - said_before
        marked = ctx.find("reference_markers", a)
        if new and (len(new) >= 2 or marked or any(w.isdigit() for w in new)):
            reused |= new
            evidence.append(
                ctx.evidence(
                    a,
                    token_span(ctx, a, new),
                    "reference_back",
                    +1,
                    f"Reprend des détails donnés plus tôt par le client ({listing(new)}).",
                    f"Refers back to details the customer gave earlier ({listing(new)}).",
                )
            )
    if len(customer) < 2:
        return NOT_APPLICABLE
    return DetectorResult(ratio_score(len(reused), params["target"] * 2), tuple(evidence), len(customer))


def _customer_turns_between(customer: list[int], c: int, a: int) -> int:
    return sum(1 for i in customer if c <= i < a)


def _agent_words_before(ctx: DetectorContext, index: int) -> frozenset[str]:
    first_customer = next(iter(ctx.indexes("customer")), index)
    words: frozenset[str] = frozenset()
    for i in ctx.indexes("agent"):
        if i < min(index, first_customer):
            words |= ctx.content(i)
    return words


@detector(
    "summary",
    params={"min_items": 4, "min_customer_turns": 3, "tail": 0.3},
    lexicons=("summary_markers", "advice_markers"),
    rules=("summary", "no_summary"),
)
def summary(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Near the end the agent recaps the call (signposted, or recalling several earlier details). Unsignposted
    advice ("you could try the nicotine lozenge...", "je vous conseille...") is no recap, however many of the
    customer's words it names: counselling sessions rated as poor by people, which end on advice that quotes the
    client, were credited with a summary (AnnoMI session quality: summary alone 0.53 -> 0.60, listening 0.74 ->
    0.77, bench/scoring_external.py)."""
    customer, agent = ctx.indexes("customer"), ctx.indexes("agent")
    if len(customer) < params["min_customer_turns"] or not agent:
        return NOT_APPLICABLE
    tail = agent[-max(2, round(len(agent) * params["tail"])) :]
    for a in reversed(tail):
        marked = ctx.find("summary_markers", a)
        if not marked and ctx.find("advice_markers", a):
            continue
        recalled = set().union(*(ctx.content(c) for c in customer if c < a)) & ctx.content(a)
        if marked and len(recalled) < 2:
            # A signposted recap may sum up what was done rather than what the customer said ("pour résumer,
            # votre ligne a été relancée"): the earlier agent turns count then.
            recalled |= set().union(*(ctx.content(g) for g in agent if g < a)) & ctx.content(a)
        if (marked and len(recalled) >= 2) or len(recalled) >= params["min_items"]:
            span = (marked[0].start_char, len(ctx.segments[a].text)) if marked else token_span(ctx, a, recalled)
            ev = ctx.evidence(
                a,
                span,
                "summary",
                +1,
                f"Récapitule avant de conclure ({listing(recalled)}).",
                f"Sums up before closing ({listing(recalled)}).",
            )
            return DetectorResult(100.0, (ev,), len(tail))
    last = agent[-1]
    ev = ctx.evidence(
        last, ctx.whole(last), "no_summary", -1, "Pas de récapitulatif avant de conclure.", "No summary before closing."
    )
    return DetectorResult(0.0, (ev,), len(tail))


@detector("acknowledgement", params={"target_share": 0.3}, lexicons=("acknowledgement",), rules=("acknowledgement",))
def acknowledgement(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Short listening tokens ('d'accord', 'je vois', 'I see') after the customer speaks."""
    replies = [a for a in ctx.indexes("agent") if previous_customer(ctx, a) and ctx.segments[a - 1].speaker != "agent"]
    evidence = []
    for a in replies:
        early = [m for m in ctx.find("acknowledgement", a) if m.start <= 2]
        if early:
            m = early[0]
            evidence.append(
                ctx.evidence(
                    a,
                    (m.start_char, m.end_char),
                    "acknowledgement",
                    +1,
                    "Montre qu'il écoute.",
                    "Shows they are listening.",
                )
            )
    if not replies:
        return NOT_APPLICABLE
    return DetectorResult(
        ratio_score(len(evidence), params["target_share"] * len(replies)), tuple(evidence), len(replies)
    )


@detector(
    "repeat_requests",
    params={"penalty": 35.0, "min_repeated": 2},
    lexicons=("slot_requests", "repeat_complaints"),
    rules=("asked_again", "customer_repeated"),
)
def repeat_requests(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Against: the agent asks for information the customer already gave, so the customer repeats it."""
    evidence: list[Evidence] = []
    flagged: set[int] = set()
    for a in ctx.indexes("agent"):
        for kind, match in _slot_asks(ctx, a):
            if _already_given(ctx, kind, a) and not _agent_states_value(ctx, a, kind):
                flagged.add(a)
                evidence.append(
                    ctx.evidence(
                        a,
                        (match.start_char, match.end_char),
                        "asked_again",
                        -1,
                        "Redemande une information que le client a déjà donnée.",
                        "Asks again for information the customer already gave.",
                    )
                )
                break
    for c in ctx.indexes("customer"):
        ev = _customer_repeat(ctx, c, params["min_repeated"])
        if ev is not None and not (flagged & set(range(c - 2, c))):
            evidence.append(ev)
    if not ctx.indexes("customer"):
        return NO_CUSTOMER
    return DetectorResult(clamp(100.0 - params["penalty"] * len(evidence)), tuple(evidence), len(ctx.indexes("agent")))


# A question about the problem that says this many words besides the request asks about a part of it ("Qu'est-ce qui
# se passe sur les voyants de la box quand ça coupe ?" is a targeted question, not "qu'est-ce qui se passe ?" again).
GENERAL_PROBLEM_EXTRA_WORDS = 3
# What a customer says when they have already tried something (a "have you tried restarting?" is only asked again then).
TRIED = re.compile(
    r"\b(tried|restart\w*|reboot\w*|reset|unplug\w*|plugged|switched (it )?off|turned (it )?off|already|"
    r"essay\w*|redémarr\w*|débranch\w*|rebranch\w*|éteint|rallum\w*|déjà)\b",
    re.IGNORECASE,
)


def _slot_asks(ctx: DetectorContext, a: int) -> list[tuple[str, Any]]:
    asks = []
    for sent in ctx.questions(a):
        for m in ctx.find_in("slot_requests", a, sent.start_char, sent.end_char):
            if m.entry.tag == "problem" and _extra_words(sent, m) > GENERAL_PROBLEM_EXTRA_WORDS:
                continue
            asks.append((m.entry.tag, m))
    return asks


def _extra_words(sent: Any, match: Any) -> int:
    text = sent.doc.text
    return len(
        re.findall(r"\w+", text[sent.start_char : match.start_char] + " " + text[match.end_char : sent.end_char])
    )


def _already_given(ctx: DetectorContext, kind: str, before: int) -> bool:
    customer = [c for c in ctx.indexes("customer") if c < before]
    return any(_gives(ctx, kind, c) for c in customer)


def _gives(ctx: DetectorContext, kind: str, c: int) -> bool:
    text = ctx.segments[c].text
    if kind == "name":
        return bool(ctx.names(c))
    if kind == "number":
        return any(len(n) >= 4 for n in ctx.numbers(c))
    if kind == "email":
        return "@" in text or "arobase" in text.lower() or " at " in text.lower() and " dot " in text.lower()
    if kind == "address":
        return bool(ctx.names(c)) and bool(ctx.numbers(c))
    if kind == "date":
        return ctx.has_date(c)
    if kind == "office":
        return bool(ctx.names(c))
    if kind == "tried":
        return bool(TRIED.search(text))
    # problem: the customer already described it at some length
    return ctx.words(c) >= 15


def _agent_states_value(ctx: DetectorContext, a: int, kind: str) -> bool:
    """A confirmation ('44712, c'est ça ?') is not a re-ask."""
    if kind == "number":
        return any(len(n) >= 4 for n in ctx.numbers(a))
    if kind == "name":
        return bool(ctx.names(a))
    return False


def _customer_repeat(ctx: DetectorContext, c: int, min_repeated: int) -> Evidence | None:
    complaint = ctx.find("repeat_complaints", c)
    if complaint:
        m = complaint[0]
        return ctx.evidence(
            c,
            (m.start_char, m.end_char),
            "customer_repeated",
            -1,
            "Le client signale qu'il l'a déjà dit.",
            "The customer points out they already said it.",
        )
    asked = previous_agent_text(ctx, c)
    # Without a complaint, a repeat only counts after the agent asked for a piece of information (name, number,
    # the problem...): a client who comes back to their own topic when asked how they feel about it is answering,
    # not repeating themselves.
    if asked is None or not _slot_asks(ctx, asked):
        return None
    earlier = set().union(*(ctx.content(i) for i in ctx.indexes("customer") if i < c - 1)) if c > 1 else set()
    said = set().union(*(ctx.content_of(s) for s in ctx.docs[c].sents if not s.text.strip().endswith("?")))
    repeated = (said & earlier) - ctx.content(asked)
    long_numbers = {w for w in repeated if w.isdigit() and len(w) >= 4}
    if (len(repeated) >= min_repeated and len(repeated) >= 0.5 * len(said)) or long_numbers:
        return ctx.evidence(
            c,
            token_span(ctx, c, repeated),
            "customer_repeated",
            -1,
            f"Le client doit répéter ce qu'il avait déjà dit ({listing(repeated)}).",
            f"The customer has to repeat what they already said ({listing(repeated)}).",
        )
    return None


def previous_agent_text(ctx: DetectorContext, c: int) -> int | None:
    return c - 1 if c > 0 and ctx.segments[c - 1].speaker == "agent" else None


@detector("interruptions", params={"min_overlap_s": 0.4, "penalty": 30.0}, rules=("talked_over",))
def interruptions(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Against: the agent starts inside the customer's phrase and talks on until the customer gives up."""
    evidence = []
    for event in ctx.metrics.interruptions:  # from word times: a segment's span never counts as speech
        if event.overlap < params["min_overlap_s"]:
            continue
        evidence.append(
            ctx.evidence(
                event.segment,
                ctx.whole(event.segment),
                "talked_over",
                -1,
                f"Coupe la parole au client ({event.overlap:.1f} s de chevauchement).",
                f"Talks over the customer ({event.overlap:.1f} s overlap).",
            )
        )
    if not ctx.indexes("customer"):
        return NO_CUSTOMER
    return DetectorResult(
        clamp(100.0 - params["penalty"] * len(evidence)), tuple(evidence), len(ctx.indexes("customer"))
    )


@detector("monologue", params={"max_s": 60.0, "penalty": 30.0, "floor_s": 3.0}, rules=("monologue",))
def monologue(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Against: agent turns that run on without letting the customer speak (first word to last word). A silence of
    `floor_s` seconds or more inside the turn gave the customer the floor: the talk on either side of it counts
    apart (a real call's "82-second monologue" held 9 s of silence while the agent looked something up; the agent
    then spoke for 64 s)."""
    evidence = []
    for turn in ctx.metrics.turns:
        if turn.speaker != "agent":
            continue
        start, opening = turn.start, turn.segments[0]
        runs = []
        for pause in ctx.metrics.silences:
            if turn.start < pause.start and pause.end < turn.end and pause.seconds >= params["floor_s"]:
                runs.append((start, pause.start, opening))
                start, opening = pause.end, pause.after
        runs.append((start, turn.end, opening))
        for begin, end, i in runs:
            if end - begin > params["max_s"]:
                evidence.append(
                    ctx.evidence(
                        i,
                        ctx.whole(i),
                        "monologue",
                        -1,
                        f"Monologue de {end - begin:.0f} s sans laisser parler le client.",
                        f"{end - begin:.0f}-second monologue without letting the customer in.",
                    )
                )
    agent_turns = sum(1 for t in ctx.metrics.turns if t.speaker == "agent")
    if not agent_turns:
        return NOT_APPLICABLE
    return DetectorResult(clamp(100.0 - params["penalty"] * len(evidence)), tuple(evidence), agent_turns)


@detector("talk_ratio", params={"low": 0.25, "high": 0.75}, rules=("talk_ratio",))
def talk_ratio(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """The agent's share of talk time (time spent saying words) should stay within the norm."""
    share = ctx.metrics.agent_share
    if share is None or not ctx.indexes("customer") or not ctx.indexes("agent"):
        return NOT_APPLICABLE
    low, high = params["low"], params["high"]
    if low <= share <= high:
        return DetectorResult(100.0, (), 1, {"agent_share": share})
    distance = (low - share) / low if share < low else (share - high) / (1 - high)
    first = ctx.indexes("agent")[0]
    ev = ctx.evidence(
        first,
        ctx.whole(first),
        "talk_ratio",
        -1,
        f"L'agent parle {share:.0%} du temps (norme {low:.0%}-{high:.0%}).",
        f"The agent talks {share:.0%} of the time (norm {low:.0%}-{high:.0%}).",
    )
    return DetectorResult(clamp(100.0 * (1 - distance)), (ev,), 1, {"agent_share": share})
