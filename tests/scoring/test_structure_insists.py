"""Telling the customer what they must do, read from word order: a main-clause statement, not a question, nor a
reported, relative or conditional clause, nor a suggestion that leaves the choice. And what the customer should
have done, from its grammar, apart from what they were put through."""

from __future__ import annotations

import pytest

from app.scoring import structure
from app.scoring.context import SKIPPED_COMPONENTS
from app.scoring.nlp import get_nlp, parse_texts

pytestmark = pytest.mark.slow  # the real spaCy pipelines


def _insists(language: str, text: str) -> bool:
    (doc,) = parse_texts(get_nlp(language), [text], SKIPPED_COMPONENTS[language])
    return any(structure.insists(sent, language) for sent in doc.sents)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "You need to quit."),
        ("en", "Well, you just have to put the time in."),
        ("en", "You've got to stop, it's really important."),
        ("en", "I think you just have to see it differently."),
        ("en", "You'll have to wait for it to clear."),
        ("en", "You're gonna have to cut back."),
        ("en", "You'd better quit now."),
        ("fr", "Vous allez devoir arrêter."),
        ("fr", "Il va falloir que vous arrêtiez."),
        ("fr", "Vous feriez mieux d'arrêter."),
        ("fr", "Vous devez arrêter de fumer."),
        ("fr", "Bon, il faut que vous alliez à la salle."),
        ("fr", "Je pense que vous devez arrêter."),
        ("fr", "Tu dois juste t'organiser."),
    ],
)
def test_a_directive_the_customer_must_follow_insists(language, text):
    assert _insists(language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Do you need to call them back?"),
        ("en", "Do you need to call them back"),
        ("en", "That's pretty shocking to be told that you have to give up your dog."),
        ("en", "It's not really something you need to worry about."),
        ("en", "If you need anything, call us."),
        ("en", "You could try restarting it."),
        ("en", "You don't have to do that."),
        ("en", "You should have called us."),
        ("en", "You must have been scared."),
        ("fr", "Vous avez dû avoir peur."),
        ("fr", "Est-ce que vous devez partir ?"),
        ("fr", "Si vous devez rappeler, appelez-nous."),
        ("fr", "Vous pourriez essayer de marcher."),
        ("fr", "Vous n'avez pas à vous inquiéter."),
        ("fr", "Le papier que vous devez signer est là."),
    ],
)
def test_a_question_a_report_a_condition_or_a_suggestion_does_not_insist(language, text):
    assert not _insists(language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", 'And here I am, the next doctor who\'s saying, "You need to quit smoking, David."'),
        ("fr", "Et moi je suis le prochain médecin qui vous dit : « Vous devez arrêter de fumer »."),
    ],
)
def test_someone_elses_words_in_quotation_marks_do_not_insist(language, text):
    assert not _insists(language, text)


def test_a_directive_after_a_closing_quotation_mark_still_insists():
    assert _insists("en", 'They all say "it\'s fine", but you need to quit.')


def _should_have(language: str, text: str) -> bool:
    (doc,) = parse_texts(get_nlp(language), [text], SKIPPED_COMPONENTS[language])
    return any(structure.should_have(sent, language) for sent in doc.sents)


@pytest.mark.parametrize(
    ("language", "text", "reproach"),
    [
        ("en", "Well, you should have had it serviced last year.", True),
        ("en", "You should have called us on the first day.", True),
        ("en", "You shouldn't have had to hunt for it.", False),
        ("en", "You should have received a text from us.", False),
        ("fr", "Vous auriez dû vérifier les branchements.", True),
        ("fr", "Vous auriez dû pouvoir compter dessus.", False),
    ],
)
def test_what_the_customer_should_have_done_is_a_reproach_what_they_were_put_through_is_not(language, text, reproach):
    assert _should_have(language, text) is reproach


@pytest.mark.parametrize(
    ("language", "text", "due"),
    [
        ("en", "The appointment was moved by the contractor, you should have received a text.", True),
        ("en", "You should have got a letter last week.", True),
        ("en", "You're right, you should have had a call back and you didn't.", True),
        ("en", "You should have had the boiler checked.", False),
        ("fr", "Le rendez-vous a été déplacé, vous auriez dû recevoir un SMS.", True),
        ("fr", "Vous auriez dû être prévenu.", True),
        ("en", "You should have called us on the first day.", False),
        ("fr", "Vous auriez dû vérifier les branchements.", False),
    ],
)
def test_what_the_customer_should_have_received_is_told_apart_from_what_they_should_have_done(language, text, due):
    (doc,) = parse_texts(get_nlp(language), [text], SKIPPED_COMPONENTS[language])
    assert any(structure.due_to_receive(sent, language) for sent in doc.sents) is due


@pytest.mark.parametrize(
    ("language", "text", "hindsight"),
    [
        ("en", "Did you check the size guide before ordering?", True),
        ("en", "Did you read the terms before you signed up?", True),
        ("fr", "Vous avez consulté le guide des tailles avant de commander ?", True),
        ("fr", "Avez-vous lu les conditions avant de signer ?", True),
        # what is there now, what happened to them, or not a question: no hindsight
        ("en", "Did you check your junk folder?", False),
        ("en", "Did you save your work before it crashed?", False),
        ("en", "Did it work before the update?", False),
        ("en", "You checked the size guide before ordering.", False),
        ("fr", "Vous avez vérifié dans vos spams ?", False),
        ("fr", "Est-ce que vous aviez sauvegardé avant que ça plante ?", False),
    ],
)
def test_asking_whether_the_customer_did_something_before_they_acted_is_hindsight(language, text, hindsight):
    (doc,) = parse_texts(get_nlp(language), [text], SKIPPED_COMPONENTS[language])
    assert any(structure.hindsight(sent, language) for sent in doc.sents) is hindsight
