"""Jargon: unexplained terms and acronyms count against; a term explained right after it does not."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import build, criterion

A, C = "agent", "customer"


def _rules(result):
    return [(e.rule, e.sign, e.text) for e in criterion(result, "jargon").evidence]


def test_unexplained_acronyms_lower_the_plain_language_score(score):
    result = score(
        "fr",
        [
            (A, "Bonjour, assistance Fibrea, Thomas à l'appareil."),
            (C, "Bonjour, j'ai plus internet depuis ce matin."),
            (
                A,
                (
                    "Ok, je vois une désynchro sur le DSLAM, je vous ouvre un ticket N2 avec un SLA de "
                    "quarante-huit heures, ça part au back-office."
                ),
            ),
        ],
    )
    unexplained = [t for rule, sign, t in _rules(result) if rule == "unexplained_term"]
    assert {"DSLAM", "N2", "SLA"} <= set(unexplained)
    assert criterion(result, "jargon").score < 50


def test_a_term_explained_in_plain_words_counts_for_the_agent(score):
    explained = score(
        "fr",
        [
            (A, "Bonjour, assistance Fibrea, Thomas à l'appareil."),
            (C, "Bonjour, j'ai plus internet depuis ce matin."),
            (
                A,
                (
                    "Regardez l'ONT, c'est-à-dire le petit boîtier blanc où arrive la fibre, près de "
                    "la prise. Vous voyez un voyant rouge dessus ?"
                ),
            ),
        ],
    )
    bare = score(
        "fr",
        [
            (A, "Bonjour, assistance Fibrea, Thomas à l'appareil."),
            (C, "Bonjour, j'ai plus internet depuis ce matin."),
            (A, "Regardez l'ONT, près de la prise. Vous voyez un voyant rouge dessus ?"),
        ],
    )
    assert ("explained_term", 1, "ONT") in _rules(explained)
    assert ("unexplained_term", -1, "ONT") in _rules(bare)
    assert criterion(explained, "jargon").score > criterion(bare, "jargon").score


def test_an_apposition_counts_as_an_explanation_in_english(score):
    result = score(
        "en",
        [
            (A, "Hi, claims, this is Sam."),
            (C, "Hi, I need to claim for my car, someone hit me."),
            (A, "Your excess, the part of any claim you pay yourself, is two hundred pounds."),
        ],
    )
    assert ("explained_term", 1, "excess") in _rules(result)


def test_a_term_the_customer_used_first_is_not_jargon(score):
    result = score(
        "en",
        [
            (A, "Service desk, this is Amira."),
            (C, "Hi, my VPN won't connect from the hotel."),
            (A, "Okay, let's get the VPN working: open your browser first."),
        ],
    )
    assert not [r for r in _rules(result) if r[0] in ("unexplained_term", "jargon")]


def test_a_term_the_customer_used_first_is_not_jargon_in_french(score):
    result = score(
        "fr",
        [
            (A, "Assistance Fibrea, bonjour, Léa à l'appareil."),
            (C, "Bonjour, ma box affiche un voyant PON rouge depuis ce matin."),
            (A, "D'accord, le voyant PON rouge, je relance votre ligne à distance, ne débranchez rien."),
        ],
    )
    assert not [r for r in _rules(result) if r[0] in ("unexplained_term", "jargon")]


def test_the_agents_own_acronyms_still_count_when_the_customer_used_another(score):
    result = score(
        "en",
        [
            (A, "Service desk, this is Amira."),
            (C, "Hi, my VPN won't connect from the hotel."),
            (A, "Okay, the VPN drops because split tunnelling is off on your MDM profile and the NAT-T port is shut."),
        ],
    )
    assert {"MDM"} <= {t for rule, _, t in _rules(result) if rule == "unexplained_term"}
    assert "jargon" in {rule for rule, _, _ in _rules(result)}


def test_the_customer_not_understanding_counts_against(score):
    result = score(
        "en",
        [
            (A, "Hi, broadband support, this is Dev."),
            (C, "Hi, my internet is really slow."),
            (A, "Your SNR margin is low on the DSLAM port."),
            (C, "Sorry, what does that mean?"),
        ],
    )
    assert any(rule == "customer_confused" for rule, _, _ in _rules(result))


def _confused(score, language: str, agent: str, customer: str) -> bool:
    result = score(language, [(A, agent), (C, customer)])
    return any(rule == "customer_confused" for rule, _, _ in _rules(result))


TERMS_FR = "Vous avez le choix entre l'option Tempo et la base, avec un compteur Linky."


def test_a_customer_asking_what_a_term_means_did_not_follow(score):
    assert _confused(score, "fr", TERMS_FR, "C'est quoi Tempo ?")
    assert _confused(score, "fr", TERMS_FR, "Euh, c'est quoi la différence ?")
    assert _confused(score, "fr", TERMS_FR, "Comment ? Je comprends pas.")
    assert _confused(score, "en", "Your SNR margin is low on the DSLAM port.", "What's a DSLAM?")


def test_a_question_of_the_customers_own_is_not_confusion(score):
    assert not _confused(score, "fr", TERMS_FR, "Et c'est quoi le plus rentable pour moi ?")
    assert not _confused(score, "fr", TERMS_FR, "D'accord, et c'est versé comment ?")
    assert not _confused(score, "fr", TERMS_FR, "Je comprends pas, j'ai de l'argent sur le compte.")
    assert not _confused(
        score, "en", "Your SNR margin is low on the DSLAM port.", "I don't understand why it's slow now"
    )


def _heard_with(confidence: float):
    """A French call whose agent says "transpondeur", transcribed with that word at `confidence`."""
    turns = [(C, "J'ai plus la télé depuis hier."), (A, "Il faut changer le transpondeur chez vous.")]
    return build("fr", turns, heard=lambda turn, word: confidence if (turn, word) == (1, 4) else 0.97)


def test_a_rare_word_the_transcriber_was_unsure_of_is_not_coached_as_jargon(rubric_fr):
    # Whisper's slips ("mérimer", "soridate") are rare words at 0.45-0.56: a misheard word is no technical term.
    from app.scoring.engine import score_transcript

    def flagged(confidence: float) -> list[str]:
        result = score_transcript(_heard_with(confidence), rubric_fr)
        return [e.text for e in criterion(result, "jargon").evidence if e.rule == "unexplained_term"]

    assert flagged(0.95) == ["transpondeur"]
    assert flagged(0.35) == []


ONE_TERM = "Okay, I'm resetting your ONT now, give it a minute."


def _short_call(reply: str):
    return [(A, "Broadband support, Dev speaking."), (C, "Hi, my internet keeps dropping."), (A, reply)]


def test_one_term_in_a_very_short_call_is_not_read_as_a_wall_of_jargon(score):
    # Twelve agent words with one acronym is no evidence the agent talks in jargon: the density is
    # counted against a prior of fifty words, so the single term costs points without zeroing the criterion.
    result = score("en", _short_call(ONE_TERM))
    assert [t for rule, _, t in _rules(result) if rule == "unexplained_term"] == ["ONT"]
    assert 60 < criterion(result, "jargon").score < 100


def test_a_short_call_full_of_terms_still_scores_far_below_one_with_a_single_term(score):
    one = score("en", _short_call(ONE_TERM))
    many = score("en", _short_call("Your ONT shows LOS, the OLT port flaps and the SNR margin is low on the DSLAM."))
    assert sum(rule == "unexplained_term" for rule, _, _ in _rules(many)) >= 4
    assert criterion(many, "jargon").score < 60
    assert criterion(many, "jargon").score < criterion(one, "jargon").score - 20


def _unexplained(score, language: str, turns) -> set[str]:
    return {t for rule, _, t in _rules(score(language, turns)) if rule == "unexplained_term"}


@pytest.mark.parametrize(
    ("language", "word", "elsewhere", "in_the_trade"),
    [
        (
            "en",
            "certificate",
            [
                (C, "The pharmacy asked me to pay for my thyroid tablets, I thought they were free."),
                (A, "They are, and it covers all your prescriptions. It sounds like your certificate has run out."),
            ],
            [
                (C, "My laptop won't connect to the office network."),
                (A, "Your certificate has run out, so the VPN refuses you; I'll re-image the laptop."),
            ],
        ),
        (
            "fr",
            "relais",
            [
                (C, "J'ai deux chauffages, un électrique et un au fioul, comment ça marche l'hiver ?"),
                (A, "Quand il fait très froid, c'est l'autre chauffage qui prend le relais."),
            ],
            [
                (C, "Mon colis n'est jamais arrivé."),
                (A, "Il est en relais depuis mardi, le SAV a ouvert une réclamation sur le tracking."),
            ],
        ),
    ],
)
def test_an_everyday_word_with_a_trade_meaning_is_jargon_only_in_a_call_of_that_trade(
    score, language, word, elsewhere, in_the_trade
):
    assert word not in _unexplained(score, language, elsewhere)
    assert word in _unexplained(score, language, in_the_trade)


@pytest.mark.parametrize(
    ("language", "word", "turns"),
    [
        (
            "en",
            "overdraft",
            [
                (C, "I've been charged twice and I'm already overdrawn."),
                (A, "I can send you a letter for your bank, so they can waive any overdraft fee."),
            ],
        ),
        (
            "fr",
            "découvert",
            [
                (C, "On m'a prélevé deux fois et je suis déjà dans le rouge."),
                (A, "Je vous envoie une lettre pour votre banque, pour qu'elle annule les frais de découvert."),
            ],
        ),
    ],
)
def test_a_word_that_shows_the_trade_is_never_coached_as_jargon(score, language, word, turns):
    # A trade word ("overdraft", tag `trade`) is never jargon itself, yet the rare-word check had flagged it
    # ("Technical term 'overdraft' not explained").
    assert word not in _unexplained(score, language, turns)


def test_the_company_name_in_the_greeting_is_no_jargon(score):
    # "Northwind" opening the greeting had been coached as "Technical term 'Northwind' not explained".
    turns = [
        (A, "Northwind support, this is Sam."),
        (C, "Hi, my internet keeps dropping."),
        (A, "Sorry about that, I'll run a line test now."),
    ]
    assert "Northwind" not in _unexplained(score, "en", turns)
