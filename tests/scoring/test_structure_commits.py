"""A step the agent takes on, in French, read from the verb's ending: English says "I'll" and "I can", which a phrase
list holds, while French inflects every verb ("je vous rappellerai", "nous vous rembourserons")."""

from __future__ import annotations

import pytest

from app.scoring import structure
from app.scoring.context import SKIPPED_COMPONENTS
from app.scoring.nlp import get_nlp, parse_texts

pytestmark = pytest.mark.slow  # the real spaCy pipelines


def _commits(text: str) -> list[str]:
    (doc,) = parse_texts(get_nlp("fr"), [text], SKIPPED_COMPONENTS["fr"])
    return [doc.text[a:b] for sent in doc.sents if (span := structure.commits(sent, "fr")) for a, b in [span]]


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("Je vous rappellerai jeudi avec la date du remboursement.", "Je vous rappellerai"),
        ("Nous vous rembourserons la différence.", "Nous vous rembourserons"),
        ("Bon, je vous le renverrai demain en express.", "je vous le renverrai"),
        ("Alors on vous enverra un technicien lundi.", "on vous enverra"),
        ("Je peux vous faire un avoir sur la prochaine facture.", "Je peux vous faire"),
        # a step promised on a condition is still a step ("if it's not there by tomorrow, we'll open a claim")
        ("Parfois il est chez un voisin. S'il n'y est pas demain, on ouvrira une réclamation.", "on ouvrira"),
    ],
)
def test_a_first_person_future_or_what_the_agent_can_do_for_the_customer_is_a_step(text, step):
    assert _commits(text) == [step]


@pytest.mark.parametrize(
    "text",
    [
        "On verra.",
        "Je peux comprendre.",
        "On ne pourra rien faire.",
        "On pourra rien faire pour vous.",
        "Je ne vous rappellerai pas.",
        "Je vous rappellerai ?",
        "Je vous aurai prévenu.",
        "On peut apprendre à le combattre.",
        "Vous recevrez un mail demain.",
    ],
)
def test_a_wait_and_see_a_refusal_or_a_general_we_is_no_step(text):
    assert _commits(text) == []
