"""Greeting and identification, hold etiquette (announced holds, dead air) and closing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.scoring.context import DetectorContext, span_confidence
from app.scoring.detectors._common import clamp, next_agent
from app.scoring.detectors.registry import detector
from app.scoring.types import NO_AGENT, DetectorResult, Evidence, not_applicable
from app.transcription.metrics import spoken_span
from app.transcription.tolerant import find_any

NO_HOLD = not_applicable("Pas de mise en attente dans cet appel", "No hold in this call")


@dataclass(frozen=True, slots=True)
class _Span:
    start_char: int
    end_char: int


def _first_hit(
    ctx: DetectorContext, roles: tuple[str, ...], indexes: list[int], last: bool = False
) -> tuple[int, Any] | None:
    """The first match of any of `roles` in the segments `indexes`, or with `last` the last one said."""
    for i in reversed(indexes) if last else indexes:
        for role in roles:
            hits = ctx.find(role, i)
            if hits:
                return i, hits[-1] if last else hits[0]
    return None


@detector(
    "greeting",
    params={"greet": 40.0, "identify": 40.0, "offer": 20.0, "opening_s": 30.0, "tolerant_min_key": 12},
    lexicons=("greeting", "identification", "help_offer"),
    rules=("greets", "no_greeting", "identifies", "no_identification", "offers_help"),
)
def greeting(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """The agent's opening greets, gives a name or service, and offers help.

    Identification and offers of help the engine misheard but that still sound like the lexicon's ("que plus
    c'est pour vous" for "que puis-je faire pour vous") count too: the longer phrases are also looked for
    tolerantly (sound keys, a few edits; shorter ones matched everyday speech in French dialogues). Where no
    greeting is found and the engine was unsure of the words it would be in (`_greeting_unheard`), the greeting is
    not judged: the score counts the other parts only, and the sheet does not coach a greeting the recording may
    hold.
    """
    agent = ctx.indexes("agent")
    if not agent:
        return NO_AGENT
    first_start = ctx.segments[agent[0]].start
    opening = [i for i in agent if ctx.segments[i].start <= first_start + params["opening_s"]][:2]
    evidence, score = [], 0.0
    parts = (
        (
            ("greeting",),
            "greet",
            "greets",
            "no_greeting",
            ("Salue le client.", "Greets the customer."),
            ("Pas de salutation en ouverture.", "No greeting at the start."),
        ),
        (
            ("identification",),
            "identify",
            "identifies",
            "no_identification",
            ("Se présente (nom ou service).", "Introduces themselves (name or service)."),
            ("Ne se présente pas.", "Does not introduce themselves."),
        ),
        (("help_offer",), "offer", "offers_help", "", ("Propose son aide.", "Offers help."), None),
    )
    hits = {}
    for roles, weight, *_ in parts:
        hits[weight] = _first_hit(ctx, roles, opening) or (_named(ctx, opening) if weight == "identify" else None)
        # Only identification and offers of help are looked for tolerantly: "bonjour" is never missed, and what
        # sounds near a greeting ("bonne journée") is everyday speech.
        if hits[weight] is None and weight != "greet":
            hits[weight] = _heard(ctx, roles[0], opening, int(params["tolerant_min_key"]))
    judged = 0.0
    for _, weight, good, bad, yes, no in parts:
        hit = hits[weight]
        if hit is None and weight == "greet" and _greeting_unheard(ctx, opening[0], hits.values()):
            continue
        judged += params[weight]
        if hit is not None:
            i, m = hit
            score += params[weight]
            evidence.append(ctx.evidence(i, (m.start_char, m.end_char), good, +1, *yes))
        elif no is not None:
            evidence.append(ctx.evidence(opening[0], ctx.whole(opening[0]), bad, -1, *no))
    total = sum(params[weight] for _, weight, *_ in parts)
    return DetectorResult(clamp(score * total / judged), tuple(evidence), len(opening))


# The engine's mean word probability under which the words that open the call are taken as misheard: on a real
# call "Thank you for calling..., this is ... speaking" may well be what came out as "I've got to say, I'll share it
# speaking" (its first seven words 0.10-0.73, 0.51 on average).
GREETING_HEARD_FROM = 0.6


def _greeting_unheard(ctx: DetectorContext, first: int, hits: Iterable[tuple[int, Any] | None]) -> bool:
    """The words of the agent's first segment before its first identification or offer of help (all of them
    without one) are words the engine was unsure of, on average."""
    end = min((m.start_char for i, m in filter(None, hits) if i == first), default=len(ctx.segments[first].text))
    confidence = span_confidence(ctx.segments[first], (0, end), mean=True) if end else None
    return confidence is not None and confidence < GREETING_HEARD_FROM


def _heard(ctx: DetectorContext, role: str, indexes: list[int], min_key: int) -> tuple[int, _Span] | None:
    lexicon = ctx.lexicons.get(role)
    if lexicon is None:
        return None
    phrases = [e.term for e in lexicon.entries]
    for i in indexes:
        hit = find_any(phrases, ctx.segments[i].text, min_key=min_key)
        if hit is not None:
            return i, _Span(hit.start_char, hit.end_char)
    return None


def _named(ctx: DetectorContext, indexes: list[int]) -> tuple[int, Any] | None:
    for i in indexes:
        for start, end in ctx.names(i):
            return i, _Span(start, end)
    return None


@detector(
    "hold_etiquette",
    params={"dead_air_s": 10.0, "unannounced": 40.0, "no_thanks": 15.0},
    lexicons=("hold_announce", "hold_thanks"),
    rules=("announced_hold", "thanked_after_hold", "dead_air", "no_thanks_after_hold"),
)
def hold_etiquette(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Silences longer than `dead_air_s` must be announced, and the customer thanked afterwards.

    A silence is a stretch where neither party says a word (word times, not segment spans), so a customer
    answering a question is never dead air, however the engine grouped their words.
    """
    evidence: list[Evidence] = []
    score = 100.0
    gaps = [g for g in ctx.metrics.silences if g.seconds >= params["dead_air_s"]]
    for gap in gaps:
        announced = _announcement(ctx, gap.start)
        if announced is None:
            score -= params["unannounced"]
            pinned = _last_agent_before(ctx, gap.start)
            pinned = gap.before if pinned is None else pinned
            evidence.append(
                ctx.evidence(
                    pinned,
                    ctx.whole(pinned),
                    "dead_air",
                    -1,
                    f"Silence de {gap.seconds:.0f} s sans annonce.",
                    f"{gap.seconds:.0f}-second silence with no hold announced.",
                )
            )
            continue
        i, m = announced
        evidence.append(
            ctx.evidence(
                i,
                (m.start_char, m.end_char),
                "announced_hold",
                +1,
                "Annonce la mise en attente.",
                "Announces the hold.",
            )
        )
        evidence.extend(_thanks(ctx, gap.after, params, gap.seconds))
    score -= params["no_thanks"] * sum(1 for e in evidence if e.rule == "no_thanks_after_hold")
    if not gaps:
        return NO_HOLD  # no silence long enough to be a hold: nothing to judge
    return DetectorResult(clamp(score), tuple(evidence), len(gaps))


def _agent_before(ctx: DetectorContext, time: float) -> list[int]:
    """Agent segments said before `time`, latest last (by their last word)."""
    ends = {i: spoken_span(ctx.segments[i])[1] for i in ctx.indexes("agent")}
    return sorted((i for i, end in ends.items() if end <= time + 1e-6), key=lambda i: ends[i])


def _last_agent_before(ctx: DetectorContext, time: float) -> int | None:
    before = _agent_before(ctx, time)
    return before[-1] if before else None


def _announcement(ctx: DetectorContext, time: float) -> tuple[int, Any] | None:
    """A hold announcement in the agent's last segment before the silence (or the one just before it)."""
    for i in reversed(_agent_before(ctx, time)[-2:]):
        hits = ctx.find("hold_announce", i)
        if hits:
            return i, hits[-1]
    return None


def _thanks(ctx: DetectorContext, after: int, params: Mapping[str, Any], seconds: float) -> list[Evidence]:
    candidates = [after] if ctx.segments[after].speaker == "agent" else next_agent(ctx, after)
    for i in candidates[:1]:
        hits = ctx.find("hold_thanks", i)
        if hits:
            return [
                ctx.evidence(
                    i,
                    (hits[0].start_char, hits[0].end_char),
                    "thanked_after_hold",
                    +1,
                    "Remercie le client d'avoir patienté.",
                    "Thanks the customer for holding.",
                )
            ]
    i = candidates[0] if candidates else after
    return [
        ctx.evidence(
            i,
            ctx.whole(i),
            "no_thanks_after_hold",
            -1,
            "Ne remercie pas après l'attente.",
            "Does not thank the customer after the hold.",
        )
    ]


@detector(
    "closing",
    params={"anything_else": 30.0, "next_steps": 25.0, "farewell": 25.0, "summary": 20.0, "tail": 0.25},
    lexicons=("anything_else", "next_steps", "farewell", "summary_markers"),
    rules=("anything_else", "next_steps", "farewell", "recap", "no_anything_else", "no_next_steps", "no_farewell"),
)
def closing(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """The end of the call: anything else?, next steps, a recap and a farewell."""
    agent = ctx.indexes("agent")
    if not agent:
        return NO_AGENT
    end = ctx.transcript.duration or ctx.segments[-1].end
    tail = [i for i in agent if ctx.segments[i].end >= end * (1 - params["tail"])] or agent[-3:]
    tail = sorted(set(tail) | set(agent[-3:]))
    evidence, score = [], 0.0
    parts = [(part, params[part[1] if part[1] != "recap" else "summary"]) for part in _CLOSING_PARTS]
    parts = [(part, points) for part, points in parts if points > 0]  # a part weighted 0 belongs elsewhere
    for (role, rule, fr, en), points in parts:
        # The goodbye is the last one said: "No problem, I'll email it today." had been quoted as the farewell
        # before "Thanks for calling, have a good day."
        hit = _first_hit(ctx, (role,), tail, last=rule == "farewell")
        if hit is not None:
            i, m = hit
            score += points
            evidence.append(ctx.evidence(i, (m.start_char, m.end_char), rule, +1, fr, en))
        elif rule != "recap":
            evidence.append(ctx.evidence(tail[-1], ctx.whole(tail[-1]), f"no_{rule}", -1, *_MISSING[rule]))
    total = sum(points for _, points in parts)
    return DetectorResult(clamp(100.0 * score / total) if total else 100.0, tuple(evidence), len(tail))


_CLOSING_PARTS = (
    ("anything_else", "anything_else", "Demande s'il y a autre chose.", "Asks whether there is anything else."),
    ("next_steps", "next_steps", "Annonce la suite.", "Explains the next steps."),
    ("summary_markers", "recap", "Récapitule.", "Recaps."),
    ("farewell", "farewell", "Prend congé poliment.", "Says goodbye politely."),
)
_MISSING = {
    "anything_else": ("Ne demande pas s'il y a autre chose.", "Does not ask whether there is anything else."),
    "next_steps": ("N'annonce pas la suite.", "Does not explain what happens next."),
    "farewell": ("Pas de formule de congé.", "No goodbye."),
}
