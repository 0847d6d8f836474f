"""Grammatical shapes of a reproach or a brush-off, read from the parse rather than from phrase lists:
counterfactual blame ("si vous aviez lu..., vous auriez su" / "if you had read..., you would have known"),
"you should have" reproaches, responsibility pushed onto the customer ("c'est votre choix", "that's your
problem", unless negated: "ce n'est pas votre faute"), negation, and sentence-opening contrast connectors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

YOU = {"fr": {"vous", "tu", "t'"}, "en": {"you"}}
POSSESSIVE_YOU = {"fr": {"votre", "vos", "ton", "ta", "tes"}, "en": {"your"}}
NEGATION = {"pas", "plus", "jamais", "not", "n't", "never", "nullement", "aucunement"}
IF = {"fr": {"si", "s'"}, "en": {"if"}}
# Inflections when the tagger's morphology misses them (the small and md French models often do).
FR_IMPERFECT_AUX = re.compile(r"^(?:av|ét)(?:ais|ait|ions|iez|aient)$")
FR_CONDITIONAL = re.compile(r"^\w+r(?:ais|ait|ions|iez|aient)$")
EN_PERFECT_MODAL = {"would", "could", "might", "'d", "should", "ought", "wouldn't", "couldn't"}
FR_MODAL_PARTICIPLE = {"dû", "du", "pu"}
EN_REPROACH_MODAL = {"should", "could", "ought", "shouldn't"}


def _text(tok: Token) -> str:
    return tok.lower_.replace("\u2019", "'")


def is_negated(tokens: list[Token] | Span) -> bool:
    """A negation word (or a `neg` dependency) among the tokens."""
    return any(_text(t) in NEGATION or t.dep_ == "neg" for t in tokens)


def counterfactual_blame(sent: Span, language: str) -> tuple[int, int] | None:
    """'Si vous aviez ... (vous) auriez ...' / 'If you had ... would have ...': character span, or None."""
    toks = list(sent)
    for i, tok in enumerate(toks):
        if _text(tok) not in IF.get(language, set()):
            continue
        clause = toks[i + 1 : i + 5]
        if not any(_text(t) in YOU.get(language, set()) for t in clause[:2]):
            continue
        if language == "fr" and not any(_fr_pluperfect(t, toks) for t in clause):
            continue
        if language == "en" and not any(_text(t) in ("had", "'d") for t in clause[:3]):
            continue
        rest = toks[i + 3 :]
        if any(_conditional_perfect(t, rest, language) for t in rest):
            return sent.start_char, sent.end_char
    return None


def _fr_pluperfect(tok: Token, toks: list[Token]) -> bool:
    imperfect = "Imp" in tok.morph.get("Tense") or FR_IMPERFECT_AUX.match(_text(tok))
    nxt = toks[tok.i - toks[0].i + 1 : tok.i - toks[0].i + 3]
    return bool(imperfect) and tok.lemma_ in ("avoir", "être") and any(_participle(t) for t in nxt)


def _participle(tok: Token) -> bool:
    return "Part" in tok.morph.get("VerbForm") or tok.tag_ == "VBN"


def _conditional_perfect(tok: Token, rest: list[Token], language: str) -> bool:
    pos = rest.index(tok)
    after = rest[pos + 1 : pos + 4]
    if language == "fr":
        conditional = "Cnd" in tok.morph.get("Mood") or FR_CONDITIONAL.match(_text(tok))
        return bool(conditional) and tok.lemma_ in ("avoir", "être") and any(_participle(t) for t in after)
    return _text(tok) in EN_PERFECT_MODAL and any(_text(t) == "have" for t in after[:2])


# "Vous auriez dû recevoir un SMS", "you should have received an email": information, not a reproach.
# What happened to the customer rather than what they did: "vous auriez dû recevoir", "a life you could have lived".
RECEIVING = {"recevoir", "avoir", "être", "obtenir", "voir", "vivre", "mourir"} | {
    "receive",
    "get",
    "be",
    "hear",
    "see",
    "live",
    "die",
}


def _conditional_avoir(tok: Token) -> bool:
    return tok.lemma_ == "avoir" and ("Cnd" in tok.morph.get("Mood") or bool(FR_CONDITIONAL.match(_text(tok))))


def should_have(sent: Span, language: str) -> tuple[int, int] | None:
    """'Vous auriez dû / pu vérifier', 'you should have called': a reproach about the customer's own action, said as
    a statement (not a question), and not about something they were due to receive."""
    if sent.text.strip().endswith("?"):
        return None
    toks = list(sent)
    you = YOU.get(language, set())
    for i, tok in enumerate(toks):
        if _text(tok) not in you:
            continue
        window = toks[i + 1 : i + 6]
        if language == "fr":
            # "vous auriez (très bien) dû / pu": the conditional of "avoir", then the participle within two words
            # (not "vous pourriez trouver du soutien", where "du" is an article)
            aux = next((j for j, t in enumerate(window[:2]) if _conditional_avoir(t)), None)
            conditional = aux is not None
            modal = next(
                (
                    j
                    for j, t in enumerate(window)
                    if _text(t) in FR_MODAL_PARTICIPLE and aux is not None and j <= aux + 3
                ),
                None,
            )
            action = window[modal + 1] if modal is not None and modal + 1 < len(window) else None
        else:
            conditional = bool(window) and _text(window[0]) in EN_REPROACH_MODAL
            perfect = [t for t in window[1:3] if _text(t) in ("have", "'ve")]
            rest = window[window.index(perfect[0]) + 1 :] if perfect else []
            action = next((t for t in rest if _participle(t)), None)
        if conditional and action is not None and action.lemma_.lower() not in RECEIVING:
            return toks[i].idx, action.idx + len(action)
    return None


def responsibility_shift(sent: Span, language: str, nouns: set[str]) -> tuple[int, int] | None:
    """'C'est votre choix / problème / responsabilité', 'that's your problem': a copula with the customer's
    possessive on a responsibility noun, not negated ('ce n'est pas votre faute' is the opposite)."""
    if sent.text.strip().endswith("?"):
        return None
    toks = list(sent)
    possessive = POSSESSIVE_YOU.get(language, set())
    for i, tok in enumerate(toks):
        if _text(tok) not in possessive:
            continue
        head = next((t for t in toks[i + 1 : i + 3] if t.pos_ in ("NOUN", "PROPN")), None)
        if head is None or head.lemma_.lower() not in nouns:
            continue
        before = toks[max(0, i - 5) : i]
        copula = any(t.lemma_ in ("être", "be", "relever", "rester") or _text(t) in ("c'", "'s") for t in before)
        if copula and not is_negated(before) and not _offers(toks):
            return tok.idx, head.idx + len(head)
    return None


FIRST_PERSON = {"je", "j'", "on", "nous", "i", "we"}


def _offers(toks: list[Token]) -> bool:
    """'C'est votre choix, on peut faire les deux' / 'your call, I can do either': a choice offered, not blame."""
    return any(
        _text(t) in FIRST_PERSON and any(n.lemma_ in ("pouvoir", "can", "could") for n in toks[k + 1 : k + 3])
        for k, t in enumerate(toks)
    )


def opens_clause(tok: Token) -> bool:
    """The token starts its sentence (fillers aside) or follows a comma, a dash or a colon."""
    sent = tok.sent if tok.doc.has_annotation("SENT_START") else None
    i = tok.i
    prev = [t for t in tok.doc[sent.start if sent is not None else 0 : i] if _text(t) not in ("euh", "um", "uh")]
    return not prev or prev[-1].text in (",", "-", "–", "—", ":", ";", ".", "!", "...", "…")
