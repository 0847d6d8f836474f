"""Naming how hard the customer's situation is to live through ("that must be so stressful", "ça doit être
épuisant"), read from the clause around a `hardship` word: not negated, not a question, with the situation as
subject ("that", "ça"), and for "hard" / "difficult", only as a guess at what the customer lives through, not a fact
about a task or a thing."""

from __future__ import annotations

import pytest

from app.qa_data.lexicons import load_lexicon
from app.scoring import structure
from app.scoring.context import SKIPPED_COMPONENTS
from app.scoring.matching import find
from app.scoring.nlp import get_nlp, parse_texts

pytestmark = pytest.mark.slow  # the real spaCy pipelines


def _named(language: str, text: str) -> list[str]:
    """The words of each naming of the hardship found in `text`."""
    nlp = get_nlp(language)
    (doc,) = parse_texts(nlp, [text], SKIPPED_COMPONENTS[language])
    found = []
    for m in find(nlp, load_lexicon(f"{language}/hardship"), doc):
        word = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")[-1]
        if span := structure.names_the_hardship(word, m.entry.tag):
            found.append(doc.text[span[0] : span[1]])
    return found


@pytest.mark.parametrize(
    ("language", "text", "named"),
    [
        ("en", "I understand, that can be quite stressful.", "that can be quite stressful"),
        ("en", "That's so frustrating.", "That's so frustrating"),
        ("en", "That sounds really stressful.", "That sounds really stressful"),
        ("en", "That must have been awful for you.", "That must have been awful"),
        ("en", "It's a difficult time for you.", "It's a difficult time"),
        ("en", "What a stressful week you've had.", "What a stressful week"),
        (
            "en",
            "It must be so hard having to take another day off for nothing.",
            "It must be so hard having to take another day off for nothing",
        ),
        ("fr", "Je comprends, ça doit être vraiment difficile pour vous.", "ça doit être vraiment difficile"),
        ("fr", "C'est une situation très stressante.", "C'est une situation très stressante"),
        ("fr", "Ça a dû être terrible pour vous.", "Ça a dû être terrible"),
        ("fr", "Ça a l'air vraiment pénible.", "Ça a l'air vraiment pénible"),
        ("fr", "Je comprends, c'est pénible.", "c'est pénible"),
        # the stretch of time the customer lived through, named with what filled it
        ("en", "A week of slow internet is frustrating.", "A week of slow internet is frustrating"),
        # "not easy" says it is hard
        ("en", "I know it's not easy to call about this.", "it's not easy to call about this"),
        ("en", "That can't be easy.", "That can't be easy"),
        ("fr", "Je sais que ce n'est pas facile d'appeler pour ça.", "ce n'est pas facile d'appeler pour ça"),
        ("fr", "Ce n'est pas évident.", "Ce n'est pas évident"),
        # "C'est agaçant, ça" was named where "That sounds annoying" was not (empathy 86 in French, 3 in English)
        ("en", "That sounds annoying.", "That sounds annoying"),
        ("en", "That must be really disruptive when you're working.", "That must be really disruptive"),
        ("fr", "Oh non, c'est gênant.", "c'est gênant"),
        # "never nice" says it is unpleasant, as "not easy" says it is hard
        ("en", "I know it's never nice to see the bill go up.", "it's never nice to see the bill go up"),
        (
            "fr",
            "Je sais que c'est jamais agréable de voir la facture augmenter.",
            "c'est jamais agréable de voir la facture augmenter",
        ),
    ],
)
def test_saying_how_hard_it_is_to_live_through_names_the_hardship(language, text, named):
    assert _named(language, text) == [named]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "It's hard to say when it will arrive."),
        ("en", "It's difficult to get an engineer out this week."),
        ("en", "The password is hard to remember, so write it down."),
        ("en", "It's not that hard, you just press the button."),
        ("en", "You're being difficult."),
        ("en", "It's a tough one, I'll check with the team."),
        ("en", "Is that stressful for you?"),
        ("en", "Breastfeeding can be painful at first, often because of the latch."),
        ("en", "It's a difficult condition. Do you have a neurologist?"),
        ("fr", "C'est difficile de vous donner une date."),
        ("fr", "C'est pas si compliqué, il suffit d'appuyer."),
        ("fr", "Vous êtes difficile."),
        ("en", "The second option is better, even if it is much harder."),
        ("en", "Keeping up with all of it is too tiring."),
        ("fr", "Demander de l'aide, c'est effrayant."),
        ("en", "The first week of training is hard."),
        ("en", "It's not easy to say when it will arrive."),
        ("en", "It's easy, you just press the button."),
        ("fr", "C'est facile, il suffit d'appuyer."),
        ("en", "Yes, it's a nice phone, not too big."),
        ("fr", "C'est agréable à utiliser."),
    ],
)
def test_a_hard_task_a_denial_a_comparison_a_thing_in_general_or_a_question_names_no_hardship(language, text):
    assert _named(language, text) == []
