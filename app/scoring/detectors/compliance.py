"""Forbidden phrases and compliance items (recording disclaimer, identity check before account details)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.scoring.context import DetectorContext
from app.scoring.detectors._common import clamp
from app.scoring.detectors.registry import detector
from app.scoring.types import NO_AGENT, DetectorResult, not_applicable
from app.transcription.tolerant import find_any


@detector("forbidden_phrases", params={"penalty": 50.0}, lexicons=("forbidden",), rules=("forbidden_phrase",))
def forbidden_phrases(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Each forbidden phrase the agent says costs `penalty` points."""
    agent = ctx.indexes("agent")
    if not agent:
        return NO_AGENT
    evidence = []
    for a in agent:
        for m in ctx.find("forbidden", a):
            text = ctx.segments[a].text[m.start_char : m.end_char]
            evidence.append(
                ctx.evidence(
                    a,
                    (m.start_char, m.end_char),
                    "forbidden_phrase",
                    -1,
                    f"Formule interdite : « {text} ».",
                    f"Forbidden phrase: '{text}'.",
                )
            )
    return DetectorResult(clamp(100.0 - params["penalty"] * len(evidence)), tuple(evidence), len(agent))


@detector(
    "recording_disclaimer",
    params={"within_s": 30.0, "tolerant_min_key": 14},
    lexicons=("recording_disclaimer",),
    rules=("disclaimer_given", "disclaimer_missing"),
)
def recording_disclaimer(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """The agent says the call is recorded within the first `within_s` seconds of their speech.

    A disclaimer the engine misheard but that still sounds like one ("c'est appel peut-être enregistré")
    counts: the lexicon's longer phrases are also looked for tolerantly (sound keys, a few edits).
    """
    agent = ctx.indexes("agent")
    if not agent:
        return NO_AGENT
    limit = ctx.segments[agent[0]].start + params["within_s"]
    opening = [a for a in agent if ctx.segments[a].start <= limit]
    found = _exact_disclaimer(ctx, opening) or _heard_disclaimer(ctx, opening, int(params["tolerant_min_key"]))
    if found is not None:
        a, span, approx = found
        fr = f" (reconnu malgré la transcription : « {approx} »)" if approx else ""
        en = f" (recognised despite the transcription: '{approx}')" if approx else ""
        ev = ctx.evidence(
            a,
            span,
            "disclaimer_given",
            +1,
            f"Annonce que l'appel est enregistré{fr}.",
            f"States that the call is recorded{en}.",
        )
        return DetectorResult(100.0, (ev,), 1)
    ev = ctx.evidence(
        agent[0],
        ctx.whole(agent[0]),
        "disclaimer_missing",
        -1,
        f"Pas d'annonce d'enregistrement dans les {params['within_s']:.0f} premières secondes.",
        f"No recording disclaimer in the first {params['within_s']:.0f} seconds.",
    )
    return DetectorResult(0.0, (ev,), 1)


def _exact_disclaimer(ctx: DetectorContext, opening: list[int]) -> tuple[int, tuple[int, int], str] | None:
    for a in opening:
        hits = ctx.find("recording_disclaimer", a)
        if hits:
            return a, (hits[0].start_char, hits[0].end_char), ""
    return None


def _heard_disclaimer(
    ctx: DetectorContext, opening: list[int], min_key: int
) -> tuple[int, tuple[int, int], str] | None:
    """A disclaimer heard approximately in one of the opening segments, with the lexicon phrase it sounds like."""
    lexicon = ctx.lexicons.get("recording_disclaimer")
    if lexicon is None:
        return None
    phrases = [e.term for e in lexicon.entries]
    for a in opening:
        hit = find_any(phrases, ctx.segments[a].text, min_key=min_key)
        if hit is not None:
            return a, (hit.start_char, hit.end_char), hit.phrase
    return None


@detector(
    "identity_check",
    params={},
    lexicons=("identity_check", "account_details"),
    rules=("identity_checked", "details_before_identity"),
)
def identity_check(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Account details may only be disclosed after an identity check (N/A when none are disclosed)."""
    checked = None
    for a in ctx.indexes("agent"):
        check, details = ctx.find("identity_check", a), _disclosures(ctx, a)
        if check and (not details or check[0].start < details[0].start):
            checked = checked or (a, check[0])
        if details and checked is None:
            m = details[0]
            ev = ctx.evidence(
                a,
                (m.start_char, m.end_char),
                "details_before_identity",
                -1,
                "Donne des informations du compte avant d'avoir vérifié l'identité.",
                "Discloses account details before checking identity.",
            )
            return DetectorResult(0.0, (ev,), 1)
        if details:
            i, m = checked
            ev = ctx.evidence(
                i,
                (m.start_char, m.end_char),
                "identity_checked",
                +1,
                "Vérifie l'identité avant de donner des informations du compte.",
                "Checks identity before disclosing account details.",
            )
            return DetectorResult(100.0, (ev,), 1)
    return not_applicable(
        "Aucune information du compte n'est donnée dans cet appel", "No account details are disclosed in this call"
    )


def _disclosures(ctx: DetectorContext, a: int) -> list[Any]:
    """Account-detail phrases said as information: a question or a hypothetical without any figure ('si vous
    aviez gardé une marge sur votre compte', 'is it on your account?') discloses nothing."""
    found = []
    for m in ctx.find("account_details", a):
        sent = ctx.docs[a][m.start].sent
        words = {t.lower_ for t in sent}
        figure = any(t.like_num and t.lower_ not in ("un", "une", "one") for t in sent)
        if not figure and (sent.text.strip().endswith("?") or words & {"si", "s'", "if"}):
            continue
        found.append(m)
    return found
