"""A step the agent takes on, in French, read from the verb's ending: English says "I'll" and "I can", which a phrase
list holds, while French inflects every verb ("je vous rappellerai", "nous vous rembourserons"), says a step just
taken in any verb ("je viens de le lever") and puts its object pronouns before the verb ("je vous le renvoie")."""

from __future__ import annotations

import pytest

from app.qa_data.lexicons import load_lexicon
from app.scoring import structure
from app.scoring.context import SKIPPED_COMPONENTS
from app.scoring.nlp import get_nlp, parse_texts

pytestmark = pytest.mark.slow  # the real spaCy pipelines


def _found(language: str, text: str, find) -> list[str]:
    """The words of each step `find` (sentence -> character span or None) finds in `text`."""
    (doc,) = parse_texts(get_nlp(language), [text], SKIPPED_COMPONENTS[language])
    return [doc.text[a:b] for sent in doc.sents if (span := find(sent)) for a, b in [span]]


def _commits(text: str) -> list[str]:
    return _found("fr", text, lambda sent: structure.commits(sent, "fr"))


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


def _steps_said(text: str) -> list[str]:
    verbs = structure.step_verbs(get_nlp("fr").pipe(e.term for e in load_lexicon("fr/commitments").entries))
    return _found("fr", text, lambda sent: structure.just_did(sent, "fr") or structure.step_with_pronouns(sent, verbs))


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("Je vois un blocage, je viens de le lever.", "je viens de le lever"),
        ("On vient de vous rembourser les frais.", "On vient de vous rembourser"),
        ("Ne leur donnez rien, je le signale tout de suite à notre service fraude.", "je le signale"),
        ("Je vous le renvoie demain en express.", "Je vous le renvoie"),
        ("Je vous la débloque maintenant.", "Je vous la débloque"),
        ("Je l'ai débloquée ce matin.", "Je l'ai débloquée"),
        ("On vous le rembourse.", "On vous le rembourse"),
    ],
)
def test_a_step_just_taken_or_said_with_its_object_pronouns_is_a_step(text, step):
    # The phrase list holds "je signale", "j'ai débloqué": a reply that said "je le signale" took no step, and the
    # doorstep warning "ce n'était pas nous. Ne leur donnez rien, je le signale..." read as brushing the customer aside.
    assert _steps_said(text) == [step]


@pytest.mark.parametrize(
    "text",
    [
        "Je viens d'avoir votre collègue.",
        "Je viens de vous expliquer que ce n'est pas possible.",
        "Je viens de voir que la facture est partie.",
        "Je ne le signale pas.",
        "Je le sais bien.",
        "Je vous comprends.",
        "Je vous l'ai dit trois fois.",
        "On vous l'a déjà expliqué.",
        "Je l'ai vu.",
        "Je vous le répète.",
        "Je vous le renvoie ?",
        "Le taux, c'est autour de vingt pour cent, je vous le rappelle.",
        # what the company did before, recalled ("we sent you a formal notice"), is no step of this call
        "On vous a envoyé une mise en demeure le trois.",
        "C'était clairement expliqué dans le courrier que je vous ai envoyé.",
    ],
)
def test_what_the_agent_just_said_saw_or_knows_or_what_was_sent_before_is_no_step(text):
    assert _steps_said(text) == []


def _done_in_english(text: str) -> list[str]:
    return _found("en", text, lambda sent: structure.just_did(sent, "en"))


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("I can see the cancellation, yes. I've just started the refund.", "I've just started"),
        ("I've unlocked it, you can try again now.", "I've unlocked"),
        ("Okay. I've just reset your line remotely.", "I've just reset"),
        ("I've gone ahead and cancelled it.", "I've gone"),
    ],
)
def test_a_step_the_agent_has_just_taken_in_english_is_a_step_in_any_verb(text, step):
    assert _done_in_english(text) == [step]


@pytest.mark.parametrize(
    "text",
    [
        "I've seen the problem.",
        "I've just told you that.",
        "I haven't sent it yet.",
        "Have I sent it?",
        "I've just checked and it's fine.",
        "I've had a look.",
        "I've lost my own keys before.",
        "You've been charged twice.",
        "We've always done it this way.",
        "We've sent you four reminder emails.",
        "I've made a note of all this on your record.",
        "It was all in the letter that I've sent you.",
    ],
)
def test_what_the_agent_saw_said_or_lived_through_or_what_was_sent_before_is_no_step_taken(text):
    assert _done_in_english(text) == []


def _offered_in_english(text: str) -> list[str]:
    return _found("en", text, lambda sent: structure.commits(sent, "en"))


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("I'm very sorry. We can move the account into your name.", "We can move"),
        ("I can book you in for Thursday.", "I can book"),
        ("If it doesn't arrive, I can send you another one.", "I can send"),
    ],
)
def test_what_the_agent_can_do_for_the_customer_in_english_is_a_step_in_any_verb(text, step):
    # The phrase list holds "I can waive", "we can refund"; "we can move the account into your name" after a
    # bereavement read as empathy undone at once (0.80) where the French "on peut passer le compte à votre nom" did not.
    assert _offered_in_english(text) == [step]


@pytest.mark.parametrize(
    "text",
    [
        "I can see your payment.",
        "All I can do is apologise to you.",
        "There's not much I can offer you.",
        "I can only refund you half.",
        "We can't refund you.",
        "I can understand your frustration.",
        "I can help you with that.",
        "We can talk about it later.",
        "Can I send you a copy?",
    ],
)
def test_what_the_agent_perceives_a_limit_or_a_refusal_is_no_step_offered(text):
    assert _offered_in_english(text) == []
