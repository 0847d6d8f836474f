"""Meaning-level matches between content lemmas: the same lemma, a synonym from the `synonyms` lexicon, or close
word vectors (when the pipeline ships vectors, e.g. `fr_core_news_md`). Used to recognise a customer's words
played back in the agent's own words ("internet coupe le soir" ~ "votre accès au web décroche en soirée")."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

    from app.qa_data.lexicons import Lexicon

# Cosine similarity of static vectors above which two content lemmas count as the same idea. Measured on
# fr_core_news_md: internet~web 0.74, soir~soirée 0.64, télétravailler~travail 0.67; unrelated call words
# (client~temps 0.29, internet~numéro 0.22) stay well below.
VECTOR_THRESHOLD = 0.6


SUFFIXES = {
    "fr": ("antes", "ante", "ants", "ant", "ées", "ée", "és", "é", "ions", "iez", "ez", "ent", "er", "es", "e", "s"),
    "en": ("ingly", "ing", "edly", "ed", "ies", "es", "s", "e"),
}


def stem(word: str, language: str = "fr") -> str:
    """A crude stem so inflections a lemmatiser misses still meet ("complique", "compliqué" -> "compliqu")."""
    word = word.lower()
    for suffix in SUFFIXES.get(language, ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    return word


def word_forms(nlp: Language, terms: list[str]) -> list[set[str]]:
    """For each one-word lexicon term: the word, its lemma and their crude stems, the forms a token may meet it in."""
    forms_of = []
    for term, doc in zip(terms, nlp.pipe((t.lower() for t in terms), disable=["parser", "ner"]), strict=True):
        forms = {term.lower(), doc[0].lemma_.lower() if len(doc) == 1 else ""} - {""}
        forms_of.append(forms | {stem(f, nlp.lang) for f in forms})
    return forms_of


def related(
    nlp: Language, synonyms: Lexicon | None, theirs: Iterable[str], ours: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """For each of `theirs` (lemmas) echoed by one of `ours`: {their lemma: (our lemma, how)} with how in
    'same', 'synonym', 'vector'. Numbers only match themselves."""
    ours = set(ours)
    language = nlp.lang
    stems = {stem(w, language): w for w in ours if not w.isdigit()}
    groups = _groups(nlp, synonyms) if synonyms is not None else {}
    our_groups: dict[str, str] = {}
    for word in ours:
        for group in groups.get(word, groups.get(stem(word, language), ())):
            our_groups.setdefault(group, word)
    found: dict[str, tuple[str, str]] = {}
    rest = []
    for word in set(theirs):
        if word in ours:
            found[word] = (word, "same")
            continue
        if not word.isdigit() and stem(word, language) in stems:
            found[word] = (stems[stem(word, language)], "same")
            continue
        mine = groups.get(word, groups.get(stem(word, language), ()))
        group = next((g for g in mine if g in our_groups), None)
        if group is not None:
            found[word] = (our_groups[group], "synonym")
        elif not word.isdigit():
            rest.append(word)
    if rest and _has_vectors(nlp):
        candidates = [w for w in ours if not w.isdigit() and w not in found.values()]
        for word in rest:
            best = max(candidates, key=lambda w: _similarity(nlp, word, w), default=None)
            if best is not None and _similarity(nlp, word, best) >= VECTOR_THRESHOLD:
                found[word] = (best, "vector")
    return found


def _has_vectors(nlp: Language) -> bool:
    return nlp.vocab.vectors.shape[0] > 0


@functools.lru_cache(maxsize=65536)
def _pair(nlp_id: int, a: str, b: str) -> float:  # keyed by id: pipelines live for the whole process
    nlp = _PIPELINES[nlp_id]
    x, y = nlp.vocab[a], nlp.vocab[b]
    if not (x.has_vector and y.has_vector):
        return 0.0
    return float(x.similarity(y))


_PIPELINES: dict[int, Language] = {}


def _similarity(nlp: Language, a: str, b: str) -> float:
    _PIPELINES.setdefault(id(nlp), nlp)
    return _pair(id(nlp), *sorted((a, b)))


_GROUPS: dict[tuple[int, int], tuple[Lexicon, dict[str, tuple[str, ...]]]] = {}


def _groups(nlp: Language, synonyms: Lexicon) -> dict[str, tuple[str, ...]]:
    """Word (as written and as lemmatised) -> the synonym groups (entry tags) it belongs to."""
    key = (id(nlp), id(synonyms))
    if key not in _GROUPS:
        index: dict[str, set[str]] = {}
        words = [e for e in synonyms.entries if " " not in e.term.strip()]
        for entry, forms in zip(words, word_forms(nlp, [e.term for e in words]), strict=True):
            for form in forms:
                index.setdefault(form, set()).add(entry.tag or entry.term.lower())
        _GROUPS[key] = (synonyms, {w: tuple(sorted(g)) for w, g in index.items()})
    return _GROUPS[key][1]
