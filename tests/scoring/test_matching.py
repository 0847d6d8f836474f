"""Lexicon phrases are found in transcripts as the recogniser writes them: its commas are guesses at pauses."""

from __future__ import annotations

import pytest

from app.qa_data.lexicons import Lexicon, LexiconEntry
from app.scoring.matching import find
from app.scoring.nlp import get_nlp

pytestmark = pytest.mark.slow  # the real spaCy pipelines


def _found(language: str, terms: list[str], text: str) -> list[str]:
    nlp = get_nlp(language)
    lexicon = Lexicon(f"test/{language}", language, "test", tuple(LexiconEntry(t) for t in terms))
    doc = nlp.make_doc(text)
    return [doc[m.start : m.end].text for m in find(nlp, lexicon, doc)]


@pytest.mark.parametrize(
    ("language", "terms", "text", "expected"),
    [
        ("en", ["so you're"], "Okay, so, you're saying it dropped twice.", ["so, you're"]),
        ("en", ["is that right"], "It stopped on Monday, is that, right?", ["is that, right"]),
        ("fr", ["si je comprends bien"], "Alors si je comprends, bien, ça coupe le soir.", ["si je comprends, bien"]),
        ("en", ["ONT"], "Unplug the, ONT box.", ["ONT"]),
    ],
)
def test_a_phrase_split_by_a_comma_is_still_found_where_it_was_said(language, terms, text, expected):
    assert _found(language, terms, text) == expected


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        (["so you're"], "I did it so. You're next."),  # a full stop ends the phrase
        (["so you're"], "It was so-- you're right."),
        (["sounds like"], "That sounds, hmm, like a plan."),  # another word between
    ],
)
def test_a_phrase_is_not_found_across_a_sentence_end_or_another_word(terms, text):
    assert _found("en", terms, text) == []


def test_a_match_reports_its_place_in_the_original_text():
    nlp = get_nlp("en")
    lexicon = Lexicon("test/en", "en", "test", (LexiconEntry("so you"),))
    doc = nlp.make_doc("Right, so, you moved.")
    (match,) = find(nlp, lexicon, doc)
    assert doc.text[match.start_char : match.end_char] == "so, you"


@pytest.mark.parametrize(
    ("terms", "text", "expected"),
    [
        (
            ["j'", "m'"],
            "C'est horrible quand j'écoute une chanson qui m'a rendu heureux et j'ai oublié.",
            ["j'", "m'", "j'"],
        ),
        (["t'"], "Franchement t'as bien fait d'appeler.", ["t'"]),
    ],
)
def test_an_elided_french_word_in_a_lexicon_is_found_before_the_word_it_leans_on(terms, text, expected):
    # Alone, "j'" is two tokens ("j", "'"); in running text it is one ("j'", "écoute"): the phrase never matched.
    assert _found("fr", terms, text) == expected
