"""Greeting, hold etiquette, closing, forbidden phrases and the recording disclaimer."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import build, criterion

A, C = "agent", "customer"


def _rules(result, criterion_id):
    return [(e.rule, e.sign) for e in criterion(result, criterion_id).evidence]


def test_a_full_greeting_scores_full_marks(score):
    result = score("en", [(A, "Good morning, Skyline Broadband, my name is Dev, how can I help?"), (C, "Hi there.")])
    assert criterion(result, "greeting").score == 100


def test_an_unannounced_long_silence_is_dead_air(score):
    result = score(
        "fr",
        [
            (A, "Bonjour, service client, Paul à l'appareil."),
            (C, "Bonjour, ma facture a doublé ce mois-ci."),
            (A, "Alors, votre facture a doublé à cause d'une régularisation.", 40.0),
        ],
    )
    assert ("dead_air", -1) in _rules(result, "hold_etiquette")
    assert criterion(result, "hold_etiquette").score < 70


def test_an_announced_hold_with_thanks_is_good_etiquette(score):
    result = score(
        "fr",
        [
            (A, "Bonjour, service client, Paul à l'appareil."),
            (C, "Bonjour, ma facture a doublé ce mois-ci."),
            (A, "Je vous mets en attente une minute le temps de vérifier, ne quittez pas."),
            (A, "Merci d'avoir patienté. Votre facture a doublé à cause d'une régularisation.", 40.0),
        ],
    )
    rules = _rules(result, "hold_etiquette")
    assert ("announced_hold", 1) in rules and ("thanked_after_hold", 1) in rules
    assert criterion(result, "hold_etiquette").score == 100


def test_a_call_without_any_hold_marks_hold_etiquette_not_applicable(score):
    result = score(
        "en",
        [
            (A, "Hello, this is Ben from support, how can I help?"),
            (C, "Hi, what time do you open?"),
            (A, "We open at nine every morning, including Saturdays. Anything else? Have a good day."),
        ],
    )
    assert criterion(result, "hold_etiquette").na


def test_closing_with_next_steps_anything_else_and_goodbye(score):
    result = score(
        "en",
        [
            (A, "Hello, this is Ben from support, how can I help?"),
            (C, "My parcel hasn't arrived."),
            (
                A,
                "I've reordered it, you'll get a text with the tracking link tomorrow. "
                "Is there anything else I can help with? Have a great day.",
            ),
        ],
    )
    rules = _rules(result, "closing")
    assert {("next_steps", 1), ("anything_else", 1), ("farewell", 1)} <= set(rules)


def test_the_goodbye_quoted_is_the_last_one_said(score):
    # "No problem, I'll email it today." had been quoted as the farewell before "have a good day".
    result = score(
        "en",
        [
            (A, "Hello, this is Ben from support, how can I help?"),
            (C, "Could you send me a letter for my bank?"),
            (A, "No problem, I'll email it today. Is there anything else I can help with?"),
            (C, "No, that's it, thanks."),
            (A, "Thanks for calling, have a good day."),
        ],
    )
    quoted = [e.text for e in criterion(result, "closing").evidence if e.rule == "farewell"]
    assert quoted == ["have a good day"]


def test_a_forbidden_phrase_costs_points(score):
    result = score(
        "en",
        [
            (A, "Hello, support, Ben speaking."),
            (C, "Why is my bill so high?"),
            (A, "No idea, mate, that's how the system works, nothing else I can tell you about it."),
        ],
    )
    assert ("forbidden_phrase", -1) in _rules(result, "forbidden_phrases")
    assert criterion(result, "forbidden_phrases").score < 100


@pytest.mark.parametrize(
    "reply",
    [
        "Could I check with you which was the mate and model of this one?",  # "make and model", misheard
        "Whatever works best for you, we're open till six.",
        "Cheers for holding, we'll have it ready by noon.",
    ],
)
def test_words_with_an_innocent_sense_are_not_forbidden_phrases(score, reply):
    result = score("en", [(A, "Hello, support, Ben speaking."), (C, "My car's making a noise."), (A, reply)])
    assert criterion(result, "forbidden_phrases").score == 100


def test_mate_as_a_form_of_address_is_still_a_forbidden_phrase(score):
    result = score("en", [(A, "Hello, support, Ben speaking."), (C, "Is it fixed?"), (A, "Yeah, cheers mate, bye.")])
    assert ("forbidden_phrase", -1) in _rules(result, "forbidden_phrases")


def test_the_recording_disclaimer_in_the_first_seconds_is_found(score):
    result = score(
        "fr",
        [
            (A, "Bonjour, service client, cet appel est susceptible d'être enregistré, Paul à l'appareil."),
            (C, "Bonjour."),
        ],
    )
    assert criterion(result, "recording_disclaimer").score == 100


def test_a_misheard_but_recognisable_disclaimer_still_counts(score):
    # Whisper base on the synthesised French demo call ("Cet appel peut être enregistré. Que puis-je faire...").
    result = score(
        "fr",
        [
            (
                A,
                "Bonjour, c'est une liste d'enfants plus, je lis à la parée, c'est appel peut-être enregistré "
                "que plus c'est pour vous.",
            ),
            (C, "Bonjour. Ma box ne marche plus depuis trois jours."),
        ],
    )
    disclaimer = criterion(result, "recording_disclaimer")
    assert disclaimer.score == 100
    assert [e.text for e in disclaimer.evidence] == ["c'est appel peut-être enregistré"]
    assert ("offers_help", 1) in _rules(result, "greeting")


def test_a_call_without_any_disclaimer_is_still_missing_one(score):
    result = score(
        "fr",
        [
            (A, "Bonjour, service client, Paul à l'appareil, votre appel a bien été transféré, que puis-je faire ?"),
            (C, "Bonjour, je voudrais enregistrer une réclamation."),
        ],
    )
    assert criterion(result, "recording_disclaimer").score == 0


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "en",
            [
                (A, "Thanks for calling Platinum Motors, Michelle speaking, how can I help?"),
                (C, "My brake light keeps coming on."),
                (A, "So I have an 8 a.m. appointment for you in the system two days from now. Anything else? Bye."),
            ],
        ),
        (
            "fr",
            [
                (A, "Garage Central bonjour, Michel à l'appareil, que puis-je pour vous ?"),
                (C, "Mon voyant de frein reste allumé."),
                (A, "Je vous ai réservé un rendez-vous après-demain à huit heures. Autre chose ? Au revoir."),
            ],
        ),
    ],
)
def test_a_booked_appointment_is_the_next_step_of_the_closing(score, language, turns):
    assert ("next_steps", 1) in _rules(score(language, turns), "closing")


def _opening_heard_at(confidence: float, rubric_en):
    """A call whose agent opens with what a real recording came out as, "I've got to say, I'll share it speaking, how
    can I help you?", the words before "speaking" heard at `confidence` and the rest at 0.97."""
    from app.scoring.engine import score_transcript

    turns = [
        (A, "I've got to say, I'll share it speaking, how can I help you?"),
        (C, "Yeah, hi, I literally just left your shop."),
    ]
    heard = build("en", turns, heard=lambda turn, word: confidence if turn == 0 and word < 7 else 0.97)
    return score_transcript(heard, rubric_en)


def test_a_greeting_the_recogniser_may_have_misheard_is_not_coached_as_missing(rubric_en):
    misheard = _opening_heard_at(0.5, rubric_en)
    assert ("no_greeting", -1) not in _rules(misheard, "greeting")
    assert criterion(misheard, "greeting").score == 100  # named and offered help: all that could be judged
    heard = _opening_heard_at(0.95, rubric_en)
    assert ("no_greeting", -1) in _rules(heard, "greeting")
    assert criterion(heard, "greeting").score == 60
