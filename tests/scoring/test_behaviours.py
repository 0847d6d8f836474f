"""Behaviours, not stock phrases: the audit's probes (hollow 'je comprends', paraphrase, rare jargon, empathy
in the agent's own words) as sentences a QA manager would agree with."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import criterion

pytestmark = pytest.mark.slow  # the real behaviour models and spaCy pipelines, sentence by sentence

A, C = "agent", "customer"
OPEN_FR = (A, "Bonjour, service client Netéo, Karim à l'appareil, je vous écoute.")
OPEN_EN = (A, "Hello, Netéo support, Karim speaking, how can I help?")
HARDSHIP_FR = (
    C,
    "Bonjour, euh, ça fait trois jours que j'ai plus internet, je télétravaille, j'ai dû aller bosser au café. "
    "J'en peux plus.",
)
HARDSHIP_EN = (
    C,
    "Hi, um, I've had no internet for three days now, I work from home, I had to go and work from a café. I'm fed up.",
)


FOLLOW_UP = {
    "fr": [(C, "C'est le 5 5 8 2 1 0 4."), (A, "Merci, je vois une coupure sur votre ligne depuis lundi soir.")],
    "en": [(C, "It's 5 5 8 2 1 0 4."), (A, "Thanks, there's a fault showing on your line since Monday night.")],
}


def _empathy(score, language, reply):
    opening, hardship = (OPEN_FR, HARDSHIP_FR) if language == "fr" else (OPEN_EN, HARDSHIP_EN)
    return criterion(score(language, [opening, hardship, (A, reply), *FOLLOW_UP[language]]), "empathy")


def _signs(crit):
    return {(e.rule, e.sign) for e in crit.evidence}


WARM = {
    "fr": "Trois jours sans internet en télétravail, ça doit être épuisant. Je m'en occupe tout de suite.",
    "en": "Three days without internet while working from home, that must be exhausting. I'm on it right now.",
}


def _colder_than_warm(score, language, crit, margin=20):
    """Well below what a warm reply to the same customer scores."""
    return crit.score < _empathy(score, language, WARM[language]).score - margin


def test_je_comprends_followed_by_most_customers_manage_alone_is_not_empathy(score):
    hollow = _empathy(
        score,
        "fr",
        "Je comprends tout à fait votre frustration. Cela dit, la plupart des clients règlent ça tout seuls "
        "en redémarrant la box.",
    )
    real = _empathy(score, "fr", "Trois jours sans internet en télétravail, ça doit être épuisant. Je m'en occupe.")
    assert hollow.score < real.score - 20
    assert {("hollow_empathy", -1), ("minimising", -1), ("dismissal", -1)} & _signs(hollow)


def test_je_comprends_then_apres_cest_votre_choix_is_flagged_as_a_put_down(score):
    hollow = _empathy(score, "fr", "Je comprends. Après, le télétravail c'est votre choix, hein, pas le nôtre.")
    assert _colder_than_warm(score, "fr", hollow)
    assert {("blame", -1), ("dismissal", -1), ("hollow_empathy", -1)} & _signs(hollow)


def test_a_counterfactual_reproach_is_blame_in_french(score):
    hollow = _empathy(
        score,
        "fr",
        "Je comprends votre frustration. Si vous aviez lu le mail qu'on vous a envoyé, vous auriez su qu'il y "
        "avait des travaux.",
    )
    assert _colder_than_warm(score, "fr", hollow)
    assert ("blame", -1) in _signs(hollow)


def test_a_counterfactual_reproach_is_blame_in_english(score):
    hollow = _empathy(
        score,
        "en",
        "I understand your frustration. If you had read the email we sent you would have known about the works.",
    )
    assert _colder_than_warm(score, "en", hollow)
    assert ("blame", -1) in _signs(hollow)


def test_a_plain_if_clause_about_the_future_is_not_blame(score):
    helpful = _empathy(
        score,
        "fr",
        "Trois jours sans connexion, c'est vraiment pénible. Si vous redémarrez la box ce soir, je vous rappelle "
        "demain pour vérifier.",
    )
    assert ("blame", -1) not in _signs(helpful)


def test_restating_the_hardship_in_the_agents_own_words_is_empathy_in_french(score):
    crit = _empathy(
        score, "fr", "Trois jours sans internet alors que vous télétravaillez, ça vous complique sacrément la vie."
    )
    assert ("no_empathy", -1) not in _signs(crit)
    assert crit.score > 60


def test_restating_the_hardship_in_the_agents_own_words_is_empathy_in_english(score):
    crit = _empathy(
        score, "en", "Three days with no connection while you're working from home, no wonder you've had enough."
    )
    assert ("no_empathy", -1) not in _signs(crit)
    assert crit.score > 60


def test_moving_straight_to_business_still_ignores_the_feelings(score):
    crit = _empathy(score, "fr", "D'accord. Votre numéro client ?")
    assert ("no_empathy", -1) in _signs(crit)
    assert _colder_than_warm(score, "fr", crit)


def _reformulation(score, language, customer, reply):
    opening = OPEN_FR if language == "fr" else OPEN_EN
    turns = [opening, (C, customer), (A, reply), (C, "Oui." if language == "fr" else "Yes.")]
    result = score(language, turns)
    return [e for e in criterion(result, "active_listening").evidence if e.rule == "reflection"]


def test_a_paraphrase_in_other_words_counts_as_reformulation_in_french(score):
    customer = "Bah en fait internet coupe tout le temps depuis lundi, surtout le soir, c'est pénible."
    paraphrase = (
        "Si je résume, votre accès au web décroche régulièrement depuis le début de la semaine, en particulier "
        "en soirée."
    )
    assert _reformulation(score, "fr", customer, paraphrase)
    assert not _reformulation(score, "fr", customer, "D'accord. Votre numéro ?")


def test_a_paraphrase_in_other_words_counts_as_reformulation_in_english(score):
    customer = "Well the internet keeps cutting out since Monday, mostly in the evening, it's a pain."
    paraphrase = (
        "So if I've got this right, your connection drops regularly since the start of the week, especially at night."
    )
    assert _reformulation(score, "en", customer, paraphrase)
    assert not _reformulation(score, "en", customer, "Okay. What's your account number?")


def test_an_unrelated_question_is_not_a_reformulation(score):
    customer = "Bah en fait internet coupe tout le temps depuis lundi, surtout le soir, c'est pénible."
    assert not _reformulation(score, "fr", customer, "Alors, vous êtes client depuis combien de temps chez nous ?")


def _jargon(score, language, reply, customer=None):
    opening = OPEN_FR if language == "fr" else OPEN_EN
    said = customer or (
        "Bonjour, j'ai plus internet depuis ce matin." if language == "fr" else "Hi, my internet is down."
    )
    return criterion(score(language, [opening, (C, said), (A, reply)]), "jargon")


def test_rare_technical_words_outside_the_lexicons_count_as_jargon(score):
    crit = _jargon(
        score,
        "fr",
        "Alors il faut réinitialiser la désynchronisation du transpondeur et relancer l'authentification radius.",
    )
    flagged = {e.text.lower() for e in crit.evidence if e.rule == "unexplained_term"}
    assert "transpondeur" in flagged
    assert crit.score < 70


def test_rare_technical_words_count_as_jargon_in_english(score):
    crit = _jargon(score, "en", "Right, I'll need to reprovision the transponder and flush the multicast subnet.")
    assert crit.score < 70


def test_a_rare_word_explained_right_after_counts_for_the_agent(score):
    crit = _jargon(
        score,
        "fr",
        "Je vais relancer le transpondeur, c'est-à-dire le petit boîtier qui reçoit le signal chez vous.",
    )
    assert {e.rule for e in crit.evidence} >= {"explained_term"}
    assert not [e for e in crit.evidence if e.sign < 0 and e.rule != "long_sentences"]


def test_everyday_words_and_names_are_not_jargon(score):
    crit = _jargon(
        score,
        "fr",
        "D'accord monsieur Lefebvre, je vais regarder votre ligne à Villeurbanne et je vous rappelle jeudi.",
    )
    assert not [e for e in crit.evidence if e.sign < 0]
    jargon = _jargon(score, "fr", "Je relance la désynchronisation du transpondeur et l'authentification radius.")
    assert crit.score > jargon.score


def test_a_rare_word_the_customer_used_first_is_not_jargon(score):
    crit = _jargon(
        score,
        "fr",
        "D'accord, le transpondeur clignote, je vais le relancer à distance.",
        customer="Bonjour, mon transpondeur clignote depuis ce matin.",
    )
    assert not [e for e in crit.evidence if e.sign < 0]


def test_saying_it_is_not_the_customers_fault_is_not_blame(score):
    crit = _empathy(score, "fr", "Trois jours, c'est vraiment pénible, et ce n'est pas votre faute, on s'en occupe.")
    assert ("blame", -1) not in _signs(crit)


def test_i_understand_but_i_will_fix_it_is_not_a_mechanical_understanding(score):
    crit = _empathy(score, "en", "I understand, but I'll get an engineer out to you tomorrow morning myself.")
    assert ("hollow_empathy", -1) not in _signs(crit)


def test_every_piece_of_evidence_comes_with_a_tip_to_show(score):
    result = score(
        "fr", [OPEN_FR, HARDSHIP_FR, (A, "Trois jours sans internet, c'est vraiment pénible."), *FOLLOW_UP["fr"]]
    )
    positive = [e for c in result.criteria for e in c.evidence if e.sign > 0]
    assert positive and all(e.tip for e in positive)


def test_a_missing_step_does_not_quote_the_words_credited_as_a_strength(score):
    result = score("en", [OPEN_EN, HARDSHIP_EN, (A, "Right, I've logged it. Anything else I can help with?")])
    closing = criterion(result, "closing").evidence
    strengths = {(e.segment, e.text) for e in closing if e.sign > 0}
    assert strengths
    for e in closing:
        if e.sign < 0 and e.text:
            assert not any(seg == e.segment and text in e.text for seg, text in strengths)


def test_telling_the_customer_what_they_should_have_received_is_not_blame(score):
    crit = _empathy(score, "en", "Three days, that's awful. You should have received a text from us about the works.")
    assert ("blame", -1) not in _signs(crit)


def test_saying_the_customer_should_not_have_had_to_do_it_is_not_blame(score):
    crit = _empathy(score, "en", "Let me do that for you now, you shouldn't have had to hunt for it. That's cancelled.")
    assert ("blame", -1) not in _signs(crit)


def test_you_should_have_called_us_is_blame(score):
    crit = _empathy(score, "en", "Well, you should have called us on the first day, honestly.")
    assert ("blame", -1) in _signs(crit)


def test_vous_auriez_du_verifier_is_blame_but_a_choice_offered_is_not(score):
    blamed = _empathy(score, "fr", "Ben, vous auriez dû vérifier les branchements avant d'appeler.")
    offered = _empathy(
        score, "fr", "C'est pénible, trois jours. Technicien ou box de prêt, c'est votre choix, je peux faire les deux."
    )
    assert ("blame", -1) in _signs(blamed)
    assert ("blame", -1) not in _signs(offered)


def test_a_suggestion_in_the_conditional_is_not_read_as_what_the_customer_should_have_done(score):
    crit = _empathy(
        score,
        "fr",
        "Trois jours, c'est vraiment pénible. Vous pourriez trouver du soutien sur le forum des télétravailleurs.",
    )
    assert ("blame", -1) not in _signs(crit)


def test_what_could_have_happened_to_the_customer_is_not_a_reproach(score):
    crit = _empathy(
        score, "en", "Three days without heating in this cold, you could have died. I'm sending an engineer today."
    )
    assert ("blame", -1) not in _signs(crit)


def test_a_term_followed_by_an_everyday_noun_phrase_is_explained(score):
    crit = _jargon(score, "fr", "Je redémarre le transpondeur, petit boîtier noir près de la télé, depuis ici.")
    assert "explained_term" in {e.rule for e in crit.evidence}
    assert not [e for e in crit.evidence if e.sign < 0]


def test_a_term_followed_by_more_jargon_is_not_explained(score):
    crit = _jargon(score, "fr", "Je redémarre le transpondeur, désynchronisation multicast oblige, depuis ici.")
    assert "unexplained_term" in {e.rule for e in crit.evidence}


@pytest.mark.xfail(reason="known limit of the linear behaviour heads (MODEL_CARD.md, Limits)", strict=True)
def test_a_reflection_of_the_customers_shock_is_not_read_as_blame(score):
    result = score(
        "en",
        [
            ("agent", "Alcohol advice line, this is Sam."),
            ("customer", "I filled in the diary like you said and, honestly, I didn't realise it was that much."),
            ("agent", "You were pretty shocked at what you learned about your drinking."),
        ],
    )
    assert ("blame", -1) not in _signs(criterion(result, "empathy"))


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        # The issue's own example: the heads learned "but" as the mark of hollow empathy ("I understand, but that's
        # the policy") and read it at 1.00; the two sides of the "but" are read apart where it leads to encouragement.
        (
            "en",
            "My boss yelled at me in front of everyone today and I just froze.",
            "Ouch, that sounds really hurtful, but I know you are doing your best.",
        ),
        (
            "fr",
            "Mon chef m'a crié dessus devant tout le monde aujourd'hui et je me suis figé.",
            "Aïe, ça a l'air vraiment blessant, mais je sais que vous faites de votre mieux.",
        ),
    ],
)
def test_a_but_that_goes_on_to_encourage_is_not_hollow_empathy(score, language, customer, reply):
    empathy = criterion(score(language, [("customer", customer), ("agent", reply)]), "empathy")
    assert not {rule for rule, sign in _signs(empathy) if sign < 0} & {"hollow_empathy", "dismissal", "blame"}
    assert empathy.score >= 70


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        # The example: the heads read it as an apology (0.82), and "sorry" is a word of apology.
        ("en", "I waited three weeks for my refund.", "My neighbour lost her job too, I felt sorry for them."),
        (
            "fr",
            "J'ai perdu mon travail et je ne peux pas payer la facture.",
            "Ma voisine a perdu son travail aussi, j'étais désolé pour eux. Voyons ce qu'on peut faire.",
        ),
    ],
)
def test_feeling_sorry_for_someone_else_is_not_quoted_as_an_apology(score, language, customer, reply):
    empathy = criterion(score(language, [("customer", customer), ("agent", reply)]), "empathy")
    assert ("apology", 1) not in _signs(empathy)


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I'm really sorry about that, I'll chase it myself now."),
        ("fr", "Je suis vraiment désolé pour vous, je relance le dossier moi-même."),
    ],
)
def test_sorry_for_the_customer_or_the_wait_is_still_an_apology(score, language, reply):
    customer = {"en": "I waited three weeks for my refund.", "fr": "J'attends mon remboursement depuis trois semaines."}
    empathy = criterion(score(language, [("customer", customer[language]), ("agent", reply)]), "empathy")
    assert ("apology", 1) in _signs(empathy)


@pytest.mark.parametrize(
    "reply",
    [
        "I understand, but good luck with that.",
        "I understand, but that's the policy and there's nothing I can do.",
    ],
)
def test_a_but_that_wishes_luck_or_refuses_is_still_hollow_empathy(score, reply):
    customer = "I've called four times this week and nobody calls back, I'm at my wits' end."
    empathy = criterion(score("en", [("customer", customer), ("agent", reply)]), "empathy")
    assert ("hollow_empathy", -1) in _signs(empathy)
