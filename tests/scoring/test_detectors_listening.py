"""Active listening detectors on hand-written mini-calls."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import criterion

A, C = "agent", "customer"
OPEN_FR = (A, "Bonjour, service client, Inès à l'appareil, je vous écoute.")
PROBLEM_FR = (
    C,
    (
        "Bonjour, euh, c'est monsieur Petit, mon lave-linge livré mardi fait un bruit énorme à l'essorage, "
        "et il fuit un peu par la porte, j'ai mis des serpillières."
    ),
)


def _rules(result, criterion_id):
    return [(e.rule, e.sign) for e in criterion(result, criterion_id).evidence]


def test_playing_back_the_customers_words_counts_as_reformulation(score):
    result = score(
        "fr",
        [
            OPEN_FR,
            PROBLEM_FR,
            (
                A,
                (
                    "D'accord, donc le lave-linge livré mardi fait un bruit énorme à l'essorage et fuit "
                    "par la porte. Le bruit, c'est plutôt un claquement ou un grondement ?"
                ),
            ),
            (C, "Un claquement, comme si quelque chose tapait."),
        ],
    )
    assert ("reflection", 1) in _rules(result, "active_listening")
    assert ("question", 1) in _rules(result, "active_listening")


def test_asking_again_for_a_name_already_given_counts_against_listening(score):
    good = score(
        "en",
        [
            (A, "Hi, this is Sam, how can I help?"),
            (C, "Hi Sam, it's Maria Lopez, my internet keeps dropping every evening since Monday."),
            (A, "Okay Maria, so it drops every evening since Monday. Does it come back by itself?"),
        ],
    )
    bad = score(
        "en",
        [
            (A, "Hi, this is Sam, how can I help?"),
            (C, "Hi Sam, it's Maria Lopez, my internet keeps dropping every evening since Monday."),
            (A, "Okay. Can I take your name please?"),
            (C, "Maria Lopez. I just told you."),
        ],
    )
    assert ("asked_again", -1) in _rules(bad, "active_listening")
    assert criterion(good, "active_listening").score > criterion(bad, "active_listening").score


def test_the_customer_having_to_repeat_themselves_counts_against_listening(score):
    result = score(
        "fr",
        [
            OPEN_FR,
            PROBLEM_FR,
            (A, "D'accord. Et c'est quoi le souci exactement ?"),
            (
                C,
                (
                    "Ben le lave-linge, il fait un bruit énorme à l'essorage et il fuit par la porte, "
                    "je viens de vous le dire."
                ),
            ),
        ],
    )
    rules = _rules(result, "active_listening")
    assert ("customer_repeated", -1) in rules or ("asked_again", -1) in rules


def test_a_client_coming_back_to_their_topic_when_asked_about_it_is_not_repeating_themselves(score):
    result = score(
        "en",
        [
            (A, "Hello, this is the helpline, Sam speaking."),
            (C, "Hi. I wanted to talk about my drinking, I think it's getting a bit much in the evenings."),
            (A, "What else, besides drinking, helps you unwind in the evenings?"),
            (C, "Well, I like a film or a bath, but to be honest I often drink in the bath too."),
            (A, "Okay, and how do you feel about the evenings now?"),
            (C, "Like I said, it's not that I get drunk, I just don't like how much I'm drinking."),
        ],
    )
    rules = _rules(result, "active_listening")
    assert ("customer_repeated", -1) not in rules
    assert ("asked_again", -1) not in rules


def test_a_customer_giving_their_number_again_after_being_asked_for_it_counts_against_listening(score):
    result = score(
        "en",
        [
            (A, "Hello, support, Kim speaking."),
            (C, "Hi, my account number is 48213377 and my card was blocked this morning at the shop."),
            (A, "Oh no. Can I take your account number please?"),
            (C, "It's 48213377."),
        ],
    )
    assert ("customer_repeated", -1) in _rules(result, "active_listening") or (
        "asked_again",
        -1,
    ) in _rules(result, "active_listening")


def test_talking_over_the_customer_is_evidence_against(score):
    result = score(
        "en",
        [
            (A, "Hello, support, how can I help?"),
            (C, "Hi, my order hasn't arrived and the tracking has said out for delivery for three days"),
            (A, "Yeah so you need to wait for the courier, there is nothing else we can do today.", -2.0),
        ],
    )
    assert ("talked_over", -1) in _rules(result, "active_listening")


def test_a_recap_before_closing_counts_as_a_summary(score):
    result = score(
        "en",
        [
            (A, "Hello, support, this is Kim, how can I help?"),
            (C, "My printer on the third floor jams every time I print double-sided."),
            (A, "Does it jam with single-sided too?"),
            (C, "No, only double-sided, and only with the thick paper."),
            (A, "Okay, try the normal paper tray."),
            (C, "That works."),
            (
                A,
                (
                    "So to recap: the third-floor printer jams on double-sided with thick paper, "
                    "and the normal paper works. Anything else?"
                ),
            ),
        ],
    )
    assert ("summary", 1) in _rules(result, "active_listening")


FIXED_LINE_FR = [
    (A, "Service client Fibre Plus, Julie à l'appareil, que puis-je faire pour vous ?"),
    (C, "Ma box ne marche plus depuis trois jours, et je télétravaille."),
    (A, "Je vais relancer votre ligne à distance, ne quittez pas."),
    (C, "Ah oui, le voyant est vert. Merci beaucoup."),
]


def test_a_signposted_recap_of_what_was_done_counts_as_a_summary(score):
    recap = (A, "Parfait. Pour résumer, votre ligne a été relancée et je vous envoie un SMS de confirmation.")
    result = score("fr", [*FIXED_LINE_FR, recap, (C, "Non, ce sera tout."), (A, "Bonne journée.")])
    assert ("summary", 1) in _rules(result, "active_listening")


def test_a_summary_signpost_with_nothing_summed_up_is_not_a_summary(score):
    empty = (A, "Bon, pour résumer, bonne journée à vous.")
    result = score("fr", [*FIXED_LINE_FR, empty, (C, "Non, ce sera tout."), (A, "Au revoir.")])
    assert ("no_summary", -1) in _rules(result, "active_listening")


PRINTER_EN = [
    (A, "Hello, support, this is Kim, how can I help?"),
    (C, "My printer on the third floor jams every time I print double-sided."),
    (A, "Does it jam with single-sided too?"),
    (C, "No, only double-sided, and only with the thick paper."),
    (A, "Is that the paper from the blue box?"),
    (C, "Yes, the blue box."),
]
WASHER_FR = [
    OPEN_FR,
    PROBLEM_FR,
    (A, "Le bruit vient de l'essorage seulement ?"),
    (C, "Oui, seulement à l'essorage."),
    (A, "Et la fuite, c'est à chaque lavage ?"),
    (C, "Oui, à chaque fois."),
]


@pytest.mark.parametrize(
    ("language", "call", "advice", "recap"),
    [
        (
            "en",
            PRINTER_EN,
            "You should print double-sided with the normal paper, and keep the thick paper for the third floor.",
            "So the third-floor printer jams on double-sided, and only with the thick paper.",
        ),
        (
            "fr",
            WASHER_FR,
            "Je vous conseille de ne plus lancer d'essorage tant que le lave-linge fuit par la porte.",
            "Donc le lave-linge livré mardi fuit par la porte et fait un bruit énorme à l'essorage.",
        ),
    ],
)
def test_advice_at_the_end_that_names_what_the_customer_said_is_not_a_summary(score, language, call, advice, recap):
    """Closing advice mentions the customer's words without summing up what they said (counselling sessions rated
    by people: low-quality ones end on advice that quotes the client, and were credited with a summary)."""
    assert ("no_summary", -1) in _rules(score(language, [*call, (A, advice)]), "active_listening")
    assert ("summary", 1) in _rules(score(language, [*call, (A, recap)]), "active_listening")


def test_a_playback_checked_with_is_that_right_is_credited_as_a_reflection(score):
    result = score(
        "en",
        [
            (A, "Northwind support, this is Sam, how can I help?"),
            (C, "My laptop keeps losing the office VPN every ten minutes. It started after the update yesterday."),
            (A, "So since yesterday's update, the VPN drops about every ten minutes, is that right?"),
        ],
    )
    assert ("reflection", 1) in _rules(result, "active_listening")


def test_an_offer_of_further_service_after_a_recap_earns_no_question_credit(score):
    result = score(
        "en",
        [
            (A, "Northwind support, this is Sam, how can I help?"),
            (C, "My laptop keeps losing the office VPN every ten minutes since the update."),
            (A, "I've pushed the fixed profile to your laptop."),
            (C, "Great, it's holding now."),
            (A, "To sum up, we updated your VPN profile and I'll follow up by email tomorrow."),
            (A, "Is there anything else I can help with?"),
        ],
    )
    quoted = [text for rule, sign, text in _rules_with_text(result) if rule == "question"]
    assert not [text for text in quoted if "anything else" in text]


def _rules_with_text(result):
    return [(e.rule, e.sign, e.text) for e in criterion(result, "active_listening").evidence]


NIGHT_SHIFT_EN = (
    C,
    "My internet keeps dropping every evening around seven, and I work nights so that's when I need it.",
)
NIGHT_SHIFT_FR = (
    C,
    "Mon internet coupe tous les soirs vers sept heures, et je travaille de nuit, c'est là que j'en ai besoin.",
)


@pytest.mark.parametrize(
    ("language", "problem", "question"),
    [
        ("fr", NIGHT_SHIFT_FR, "Qu'est-ce qui se passe sur les voyants de la box quand ça coupe ?"),
        ("en", NIGHT_SHIFT_EN, "What's happening with the lights on the router when it drops?"),
        ("en", NIGHT_SHIFT_EN, "Have you tried restarting the router?"),
    ],
)
def test_a_question_on_a_part_of_the_problem_not_yet_told_is_not_asking_again(score, language, problem, question):
    assert ("asked_again", -1) not in _rules(score(language, [problem, (A, question)]), "active_listening")


def test_asking_whether_they_tried_restarting_after_they_said_so_is_asking_again(score):
    said = (C, "My internet keeps dropping every evening, and I've already restarted the router twice tonight.")
    result = score("en", [said, (A, "Okay. Have you tried restarting the router?")])
    assert ("asked_again", -1) in _rules(result, "active_listening")
