"""Jargon (higher = plainer): lexicon terms and detected acronyms per 100 agent words; a term the customer
used first, or one explained in plain words right after it, does not count against the agent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.qa_data.lexicons import LexiconEntry
from app.scoring.context import DetectorContext, span_confidence
from app.scoring.detectors._common import clamp
from app.scoring.detectors.registry import detector
from app.scoring.semantics import stem
from app.scoring.types import NO_AGENT, DetectorResult, Evidence

# All-caps tokens (DSLAM, ONT, LEDs) and letter-digit mixes (N2, J+0); not CamelCase brand names.
ACRONYM = re.compile(r"^(?:[A-Z]{2,}[0-9]*s?|[A-Z]+[0-9]+[A-Z0-9]*|[A-Z]\+[0-9]+)$")


@dataclass(frozen=True, slots=True)
class Term:
    segment: int
    start: int  # token indexes
    end: int
    text: str
    plain: str


def _terms(ctx: DetectorContext, a: int, detect_acronyms: bool, rare: Mapping[str, Any] | None = None) -> list[Term]:
    doc = ctx.docs[a]
    domains = _domains_of_call(ctx)
    found = ctx.find("jargon", a)
    terms = [
        Term(a, m.start, m.end, doc[m.start : m.end].text, m.entry.plain)
        for m in found
        if m.entry.tag != TRADE and (not _everyday(m.entry, ctx.language) or m.entry.source in domains)
    ]
    taken = {i for t in terms for i in range(t.start, t.end)}
    # A trade word is never jargon, nor a rare word either ("overdraft" had been coached as "not explained").
    trade = {i for m in found if m.entry.tag == TRADE for i in range(m.start, m.end)}
    plain = {m.start for m in ctx.find("plain_acronyms", a)}
    opening = a == next(iter(ctx.indexes("agent")), -1)
    if detect_acronyms:
        for tok in doc:
            if tok.i in taken or tok.i in plain or not ACRONYM.match(tok.text):
                continue
            if opening and tok.i < 6:  # the company's own name in the greeting
                continue
            terms.append(Term(a, tok.i, tok.i + 1, tok.text, ""))
            taken.add(tok.i)
    if rare:
        # nor is the company's name, capitalised at the start of a greeting where the agent introduces themselves or
        # the service ("Northwind support, this is Sam.": `identification`)
        named = opening and bool(ctx.find("identification", a))
        name = {t.i for t in doc[:6] if t.text[:1].isupper()} if named else set()
        terms += [Term(a, t.i, t.i + 1, t.text, "") for t in _rare_words(ctx, a, taken | plain | trade | name, rare)]
    return sorted(terms, key=lambda t: t.start)


# A lexicon term written in lower case that is this frequent in the call's language is an everyday word with a
# trade meaning ("certificate", "relais", "franchise", "débit", "ticket"): jargon only in a call of that trade.
EVERYDAY_TERM_ZIPF = 4.0
TRADE = "trade"  # the tag of a jargon file's words that show its trade and are never jargon themselves


def _everyday(entry: LexiconEntry, language: str) -> bool:
    """One lower-case word, frequent in the language (compounds such as "true-up" or "write-off" are trade words,
    whatever the frequency of their parts)."""
    zipf = _zipf()
    term = entry.term
    return zipf is not None and term.isalpha() and term == term.lower() and zipf(term, language) >= EVERYDAY_TERM_ZIPF


def _domains_of_call(ctx: DetectorContext) -> set[str]:
    """The jargon lexicons (trades) the call shows, said by anyone: one of their words tagged `trade` ("laptop",
    "claim", "colis") or a term of theirs that is no everyday word. An everyday word with a trade meaning counts as
    jargon only in a call of that trade: "It sounds like your certificate has run out" on a prescription line was
    coached as IT jargon ("the computer's digital ID")."""
    key = ("jargon_domains",)
    if key not in ctx._cache:
        ctx._cache[key] = {
            m.entry.source
            for i in range(len(ctx.segments))
            for m in ctx.find("jargon", i)
            if m.entry.tag == TRADE or not _everyday(m.entry, ctx.language)
        }
    return ctx._cache[key]


# Lexicons whose words are everyday language by definition (a rare word listed there is never jargon).
PLAIN_ROLES = ("plain_words", "synonyms", "evaluative", "empathy", "distress", "apology", "explanation_words")


def _rare_words(ctx: DetectorContext, a: int, taken: set[int], rare: Mapping[str, Any]) -> list[Any]:
    """Words outside the lexicons that are rare in the call's language (wordfreq Zipf frequency of the word and of
    its lemma below `rare_zipf`): technical vocabulary such as "transpondeur" or "multicast". Names (proper
    nouns, capitalised words inside a sentence), short words and numbers are left out."""
    zipf = _zipf()
    if zipf is None:
        return []
    found = []
    plain = _plain_vocabulary(ctx)
    for tok in ctx.docs[a]:
        if tok.i in taken or not tok.is_alpha or len(tok) < rare["min_length"] or tok.pos_ not in RARE_POS:
            continue
        if tok.text[:1].isupper() and not tok.is_sent_start or tok.is_upper:
            continue
        if _misheard(ctx, a, tok):
            continue
        forms = {tok.lower_, tok.lemma_.lower()}
        if forms & plain or {stem(f, ctx.language) for f in forms} & plain:
            continue
        if max(zipf(f, ctx.language) for f in forms) < rare["zipf"] and not _derived_from_common(
            zipf, forms, ctx.language
        ):
            found.append(tok)
    return found


# A rare word the transcriber was this unsure of is more likely a slip than a technical term (Whisper's "mérimer",
# "boitant", "soridate" on real and demo recordings: 0.45-0.56): it is neither flagged nor praised as explained.
MISHEARD_BELOW = 0.6


def _misheard(ctx: DetectorContext, a: int, tok: Any) -> bool:
    confidence = span_confidence(ctx.segments[a], (tok.idx, tok.idx + len(tok)))
    return confidence is not None and confidence < MISHEARD_BELOW


PREFIXES = {"fr": ("re", "ré", "r", "dé", "dés"), "en": ("re", "un", "dis", "de")}


def _derived_from_common(zipf, forms: set[str], language: str) -> bool:
    """'rebrancher' (brancher), 'unplug' (plug): a prefix on an everyday word keeps it plain."""
    for form in forms:
        for prefix in PREFIXES.get(language, ()):
            base = form[len(prefix) :]
            if form.startswith(prefix) and len(base) >= 4 and zipf(base, language) >= COMMON_ZIPF:
                return True
    return False


COMMON_ZIPF = 3.4


RARE_POS = {"NOUN", "VERB", "ADJ", "X"}


def _zipf():
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # optional: without wordfreq only lexicon terms and acronyms count
        return None
    return zipf_frequency


def _plain_vocabulary(ctx: DetectorContext) -> set[str]:
    """Words (and their stems) of the lexicons that list everyday language (cached per call)."""
    key = ("plain_vocabulary",)
    if key not in ctx._cache:
        words = set()
        for role in PLAIN_ROLES:
            lexicon = ctx.lexicons.get(role)
            for entry in lexicon.entries if lexicon is not None else ():
                words.update(entry.term.lower().split())
        ctx._cache[key] = words | {stem(w, ctx.language) for w in words}
    return ctx._cache[key]


def _explained(ctx: DetectorContext, term: Term, window: int) -> str:
    """How the term is explained nearby ('' if it is not)."""
    doc = ctx.docs[term.segment]
    lo, hi = max(0, term.start - 4), min(len(doc), term.end + window)
    start_char, end_char = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    if ctx.find_in("explanation_markers", term.segment, start_char, end_char):
        return "marker"
    if doc.has_annotation("DEP") and any(
        child.dep_ == "appos" for tok in doc[term.start : term.end] for child in tok.children
    ):
        return "apposition"
    after = doc[term.end : term.end + 2]
    if len(after) == 2 and after[0].text in (",", "(", ":", "-", "–", "—") and after[1].pos_ == "DET":
        return "apposition"
    if (
        len(after) == 2
        and after[0].text in (",", "(", ":", "-", "–", "—")
        and _plain_phrase(ctx, doc[term.end + 1 : hi])
    ):
        return "apposition"
    if term.plain:
        plain_words = {t.lower_ for t in ctx.nlp.make_doc(term.plain) if t.is_alpha and not t.is_stop and len(t) > 2}
        nearby = {t.lemma_.lower() for t in doc[term.end : hi]} | {t.lower_ for t in doc[term.end : hi]}
        if len(plain_words & nearby) >= min(2, len(plain_words)):
            return "plain words"
    return ""


def _heard(ctx: DetectorContext, term: str, heard: str) -> bool:
    """The customer said the term first (or an inflection of it: "clignote" / "clignoter")."""
    if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", heard):
        return True
    root = stem(term, ctx.language)
    return " " not in term and len(root) >= 5 and re.search(rf"(?<!\w){re.escape(root)}", heard) is not None


def _plain_phrase(ctx: DetectorContext, tokens: Any) -> bool:
    """A noun phrase in everyday words right after a term ('l'ONT, boîtier blanc de la fibre'): its first content
    words are nouns and adjectives common in the call's language (no parse needed, so English works too)."""
    zipf = _zipf()
    words = []
    for tok in tokens:
        if tok.is_punct:
            break
        if tok.pos_ in ("NOUN", "ADJ"):
            words.append(tok)
        elif tok.pos_ not in ("DET", "ADP"):
            break
    if zipf is None or not words or words[0].pos_ not in ("NOUN", "ADJ"):
        return False
    plain = _plain_vocabulary(ctx)
    return all(t.lower_ in plain or zipf(t.lower_, ctx.language) >= EVERYDAY_ZIPF for t in words[:3])


EVERYDAY_ZIPF = 3.0
# A rare word (technical vocabulary outside the lexicons): Zipf frequency below this, at least this long. The
# jargon detector's defaults, which a rubric may tune.
RARE = {"zipf": 2.6, "min_length": 7}  # well clear of the rare-word threshold: "boîtier" 3.4, "transpondeur" 2.6
# Words that may open a customer's "Quoi ?", "Comment ?", "Sorry?" without making it a question of their own.
OPENERS = {
    "euh",
    "hum",
    "hm",
    "ben",
    "bah",
    "et",
    "ok",
    "okay",
    "oui",
    "d'accord",
    "um",
    "uh",
    "er",
    "and",
    "yes",
    "yeah",
}
CONFUSION_TAIL = 2  # words after a confusion phrase that still read as not following ("c'est quoi la différence ?")


def _customer_vocabulary(ctx: DetectorContext, before: int) -> str:
    return " ".join(ctx.segments[i].text.lower() for i in ctx.indexes("customer") if i < before)


def technical_terms(ctx: DetectorContext, segment: int) -> list[Term]:
    """A segment's technical terms: `jargon` lexicon entries, acronyms, rare words (names aside), in order (cached
    per call: plain language asks for them several times over, segment by segment)."""
    key = ("technical_terms", segment)
    if key not in ctx._cache:
        ctx._cache[key] = _terms(ctx, segment, True, RARE)
    return ctx._cache[key]


def uses_terms(ctx: DetectorContext, segments: Iterable[int]) -> bool:
    """Whether these segments use a technical term: a `jargon` lexicon entry, an acronym or a rare word."""
    return any(technical_terms(ctx, a) for a in segments)


def echoes_customer_terms(ctx: DetectorContext, segments: tuple[int, ...]) -> bool:
    """The agent's segments use technical terms, and every one of them the customer said first ("my VPN won't
    connect" / "let's get the VPN working"): the customer's own word is not jargon to them."""
    terms = [term for a in segments for term in technical_terms(ctx, a)]
    if not terms:
        return False
    heard = _customer_vocabulary(ctx, segments[0])
    return all(_heard(ctx, term.text.lower(), heard) for term in terms)


@detector(
    "jargon",
    params={
        "penalty": 12.0,
        "prior_words": 50,
        "window": 14,
        "detect_acronyms": True,
        "detect_rare": True,
        "rare_zipf": RARE["zipf"],
        "rare_min_length": RARE["min_length"],
    },
    lexicons=("jargon", "plain_acronyms", "explanation_markers", "confusion"),
    rules=("unexplained_term", "explained_term", "customer_confused"),
)
def jargon(ctx: DetectorContext, params: Mapping[str, Any]) -> DetectorResult:
    """Unexplained technical terms per 100 agent words, plus the customer saying they did not follow.

    The density counts `prior_words` more words than the agent said: on a reply of twenty words one rare
    term is a noisy estimate of how the agent talks, not forty terms in a hundred words; on a call of
    hundreds of words the prior barely moves the figure."""
    agent = ctx.indexes("agent")
    words = ctx.agent_words()
    if not agent or not words:
        return NO_AGENT
    evidence: list[Evidence] = []
    explained_terms: set[str] = set()
    unexplained = 0
    rare = {"zipf": params["rare_zipf"], "min_length": params["rare_min_length"]} if params["detect_rare"] else None
    for a in agent:
        heard = _customer_vocabulary(ctx, a)
        found = _terms(ctx, a, params["detect_acronyms"], rare)
        for term in found:
            key = term.text.lower()
            if key in explained_terms or _heard(ctx, key, heard):
                continue
            ev, is_plain = _judge(ctx, term, params["window"])
            evidence.append(ev)
            if is_plain:
                explained_terms.add(key)
            else:
                unexplained += 1
        confused = _confusion_after(ctx, a, found) if found else None
        if confused is not None:
            evidence.append(confused)
            unexplained += 1
    density = 100.0 * unexplained / (words + params["prior_words"])
    return DetectorResult(
        clamp(100.0 - params["penalty"] * density),
        tuple(evidence),
        words // 10,
        {"unexplained_per_100_words": round(density, 2)},
    )


def _judge(ctx: DetectorContext, term: Term, window: int) -> tuple[Evidence, bool]:
    doc = ctx.docs[term.segment]
    span = (doc[term.start].idx, doc[term.end - 1].idx + len(doc[term.end - 1]))
    how = _explained(ctx, term, window)
    if how:
        return ctx.evidence(
            term.segment,
            span,
            "explained_term",
            +1,
            f"« {term.text} » est expliqué en mots simples.",
            f"'{term.text}' is explained in plain words.",
        ), True
    hint = f" (« {term.plain} »)" if term.plain and ctx.language == "fr" else f" ('{term.plain}')" if term.plain else ""
    return ctx.evidence(
        term.segment,
        span,
        "unexplained_term",
        -1,
        f"Terme technique « {term.text} » non expliqué{hint}.",
        f"Technical term '{term.text}' not explained{hint}.",
    ), False


def _confusion_after(ctx: DetectorContext, a: int, terms: list[Term]) -> Evidence | None:
    """The customer's next words say they did not follow: a `confusion` phrase ("mon quoi ?", "I don't follow")
    that ends their sentence within `CONFUSION_TAIL` words ("c'est quoi la différence ?") or asks about one of the
    agent's terms ("c'est quoi le NRO ?"); a bare "Comment ?", "Sorry?" only where it opens their sentence. A question
    of their own that opens or ends the same way is not confusion: "c'est quoi le plus rentable ?", "I don't
    understand why you charged me twice", "et c'est versé comment ?"."""
    c = a + 1
    if c >= len(ctx.segments) or ctx.segments[c].speaker != "customer":
        return None
    text = ctx.segments[c].text
    names = {t.text.lower() for t in terms}
    for m in ctx.find("confusion", c):
        head = re.split(r"[.?!…]", text[: m.start_char])[-1].lower()
        if text[: m.end_char].endswith("?") and set(re.findall(r"[\w']+", head)) - OPENERS:
            continue  # "comment ?" closing a question of their own: "et c'est versé comment ?"
        tail = re.split(r"[.?!…]", text[m.end_char :], maxsplit=1)[0].lower()
        words = re.findall(r"\w+", tail)
        if len(words) <= CONFUSION_TAIL or any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", tail) for n in names):
            return ctx.evidence(
                c,
                (m.start_char, m.end_char),
                "customer_confused",
                -1,
                "Le client ne comprend pas le terme employé.",
                "The customer did not understand the term.",
            )
    return None
