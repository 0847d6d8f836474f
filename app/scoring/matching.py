"""Phrase search over spaCy docs with lexicons: case-insensitive, except for acronyms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.qa_data.lexicons import Lexicon, LexiconEntry
from app.scoring.semantics import stem, word_forms

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # token indexes in the doc
    end: int
    start_char: int
    end_char: int
    entry: LexiconEntry


def is_case_sensitive(term: str) -> bool:
    """Acronyms and mixed-case terms (ONT, N2, kWh, Cat S) match on exact case; phrases ignore case."""
    uppers = sum(c.isupper() for c in term)
    return uppers >= 2 or (uppers == 1 and not term[0].isupper()) or (uppers >= 1 and any(c.isdigit() for c in term))


@dataclass(frozen=True)
class _Matchers:
    lower: PhraseMatcher
    orth: PhraseMatcher
    lemma: dict[str, str]
    entries: dict[str, LexiconEntry]


_BUILT: dict[tuple[int, int], tuple[Language, Lexicon, _Matchers]] = {}


def _matchers(nlp: Language, lexicon: Lexicon) -> _Matchers:
    """Matchers for one lexicon and pipeline, built once (keyed by identity: lexicons are loaded once)."""
    key = (id(nlp), id(lexicon))
    built = _BUILT.get(key)
    if built is None:
        built = _BUILT[key] = (nlp, lexicon, _build(nlp, lexicon))  # keep both alive so ids stay unique
    return built[2]


def _build(nlp: Language, lexicon: Lexicon) -> _Matchers:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    lower, orth = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    entries: dict[str, LexiconEntry] = {}
    for i, entry in enumerate(lexicon.entries):
        key = f"{lexicon.ref}#{i}"
        entries[key] = entry
        pattern = nlp.make_doc(entry.term.replace("\u2019", "'"))
        if entry.term.endswith(("'", "\u2019")) and " " not in entry.term:
            # An elided word ("j'", "m'", "t'") is one token before the next word ("j'écoute") but two alone, so
            # the pattern made of it alone never matched: French self-references were counted without "j'".
            pattern = Doc(nlp.vocab, words=[entry.term])
        (orth if is_case_sensitive(entry.term) else lower).add(key, [pattern])
    return _Matchers(lower, orth, _lemma_index(nlp, lexicon) if lexicon.by_lemma else {}, entries)


def _lemma_index(nlp: Language, lexicon: Lexicon) -> dict[str, str]:
    """Lemma -> entry key for one-word entries, so a listed verb or adjective matches every inflection of it."""
    single = [(f"{lexicon.ref}#{i}", e.term) for i, e in enumerate(lexicon.entries) if " " not in e.term.strip()]
    index: dict[str, str] = {}
    for (key, _), forms in zip(single, word_forms(nlp, [t for _, t in single]), strict=True):
        for form in forms:  # an earlier entry keeps a form both share
            index.setdefault(form, key)
    return index


def _lemma_key(index: dict[str, str], tok) -> str | None:
    """The entry a token matches by lemma or by stem (taggers mislabel spoken verbs: 'complique' as ADJ)."""
    for form in (tok.lemma_.lower(), tok.lower_):
        if form in index:
            return index[form]
        if stem(form, tok.lang_) in index:
            return index[stem(form, tok.lang_)]
    return None


def _across_commas(m: _Matchers, doc: Doc) -> list[tuple[int, int, LexiconEntry]]:
    """Phrase matches that a comma splits ("So, you're saying", "alors, si je comprends bien"), in the doc's token
    indexes. In a transcript the commas are the recogniser's guess at a pause, not the speaker's grammar; a full stop,
    a question mark or a dash still ends a phrase."""
    from spacy.tokens import Doc

    kept = [t for t in doc if t.text != ","]
    if len(kept) == len(doc) or not kept:
        return []
    words = Doc(doc.vocab, words=[t.text for t in kept])
    found = [(kept[s].i, kept[e - 1].i + 1, k) for k, s, e in m.lower(words) + m.orth(words)]
    return [(s, e, m.entries[doc.vocab.strings[k]]) for s, e, k in found if e - s > 1 and "," in doc[s:e].text]


def find(nlp: Language, lexicon: Lexicon | None, doc: Doc) -> list[Match]:
    """Non-overlapping matches of a lexicon's phrases in a doc, longest first, in text order."""
    if lexicon is None or not len(doc):
        return []
    m = _matchers(nlp, lexicon)
    raw = [(s, e, m.entries[nlp.vocab.strings[k]]) for k, s, e in m.lower(doc) + m.orth(doc)]
    raw += _across_commas(m, doc)
    if m.lemma:
        keys = [(t.i, _lemma_key(m.lemma, t)) for t in doc if t.is_alpha]
        raw += [(i, i + 1, m.entries[k]) for i, k in keys if k is not None]
    raw.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    taken: set[int] = set()
    found = []
    for start, end, entry in raw:
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            found.append(Match(start, end, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), entry))
    return sorted(found, key=lambda x: x.start)
