"""Empathy: acknowledging the situation counts; 'je comprends, mais c'est votre faute' does not."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import criterion

A, C = "agent", "customer"
GREETING = {"fr": "Bonjour, service client Netéo, Karim à l'appareil.", "en": "Northwind support, this is Sam."}
OPEN = (A, "Bonjour, service client Netéo, Karim à l'appareil.")
HARDSHIP = (C, "Bonjour, ça fait trois jours que j'ai plus internet et je télétravaille, j'en ai vraiment marre.")


def _rules(result):
    return [(e.rule, e.sign) for e in criterion(result, "empathy").evidence]


def _reply(score, language: str, customer: str, reply: str):
    """The scored call: the greeting, the customer's words, the agent's reply."""
    return score(language, [(A, GREETING[language]), (C, customer), (A, reply)])


def _quoted_put_downs(result) -> set[str]:
    """The put-downs that undo or refuse (blame, dismissal, hollow empathy) quoted for the empathy criterion."""
    return {rule for rule, sign in _rules(result) if sign < 0} & {"blame", "dismissal", "hollow_empathy"}


def test_je_comprends_mais_cest_votre_faute_does_not_count_as_empathy(score):
    result = score("fr", [OPEN, HARDSHIP, (A, "Je comprends, mais c'est votre faute, vous avez débranché la box.")])
    rules = _rules(result)
    assert ("hollow_empathy", -1) in rules and ("blame", -1) in rules
    assert not [r for r in rules if r[1] > 0 and r[0] in ("feeling", "feeling")]
    assert criterion(result, "empathy").score < 30


def test_restating_the_hardship_with_an_evaluative_word_counts_without_stock_phrases(score):
    result = score(
        "fr",
        [
            OPEN,
            HARDSHIP,
            (
                A,
                (
                    "Trois jours sans internet alors que vous télétravaillez, c'est vraiment pénible. "
                    "Je vous envoie un technicien demain matin entre huit heures et midi."
                ),
            ),
        ],
    )
    rules = _rules(result)
    assert ("feeling", 1) in rules and ("feeling", 1) in rules
    assert ("reassurance", 1) in rules
    assert criterion(result, "empathy").score >= 70


def test_i_understand_but_thats_the_policy_is_a_mechanical_understanding(score):
    result = score(
        "en",
        [
            (A, "Hello, billing, this is Tom."),
            (C, "I've been charged twice and I'm really worried, I can't afford this."),
            (A, "I understand, but that's the policy, refunds take thirty days."),
        ],
    )
    assert ("hollow_empathy", -1) in _rules(result)
    assert criterion(result, "empathy").score < 40


def test_ignoring_a_frustrated_customer_counts_against(score):
    warm = score(
        "en",
        [
            (A, "Hello, billing, this is Tom."),
            (C, "This is the third time I'm calling, I'm so fed up with this."),
            (A, "Three calls for the same thing, that's really frustrating, I'm sorry. I'll fix it myself now."),
        ],
    )
    cold = score(
        "en",
        [
            (A, "Hello, billing, this is Tom."),
            (C, "This is the third time I'm calling, I'm so fed up with this."),
            (A, "Account number? I need the account number and the postcode before we go any further."),
        ],
    )
    assert ("no_empathy", -1) in _rules(cold)
    assert criterion(warm, "empathy").score > criterion(cold, "empathy").score


def test_an_empathy_phrase_cancelled_by_a_but_does_not_count(score):
    result = score(
        "en",
        [
            (A, "Hello, billing, this is Tom."),
            (C, "I've been charged twice and I'm really worried, I can't afford this."),
            (A, "I hear you, but refunds take thirty days, there's no way round it."),
        ],
    )
    rules = _rules(result)
    assert ("hollow_empathy", -1) in rules
    assert ("feeling", 1) not in rules


def test_je_comprends_followed_by_a_real_restatement_is_not_mechanical(score):
    result = score(
        "fr",
        [
            OPEN,
            HARDSHIP,
            (
                A,
                "Je comprends, trois jours sans internet en télétravail c'est vraiment pénible. "
                "Je vous envoie un technicien demain matin.",
            ),
        ],
    )
    rules = _rules(result)
    assert ("hollow_empathy", -1) not in rules
    assert ("feeling", 1) in rules


def test_je_comprends_then_straight_to_the_file_number_is_mechanical(score):
    result = score(
        "fr",
        [
            OPEN,
            (C, "Bonjour, c'est vraiment embêtant, ma box ne marche plus et je travaille de chez moi."),
            (A, "Je comprends, votre numéro de contrat s'il vous plaît, et l'adresse de la ligne ?"),
        ],
    )
    rules = _rules(result)
    assert {("hollow_empathy", -1), ("no_empathy", -1)} & set(rules)
    assert not [r for r in rules if r[1] > 0 and r[0] == "feeling"]


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "My laptop keeps losing the VPN and I have a client demo this afternoon.",
            "I'm sorry, let's get it sorted.",
        ),
        ("en", "It started after the update yesterday.", "So since yesterday's update the VPN drops, is that right?"),
        ("fr", "Ma box ne marche plus depuis trois jours.", "Ne vous inquiétez pas, on va arranger ça."),
    ],
)
def test_comfort_without_a_step_the_agent_owns_is_not_credited_as_reassurance(score, language, customer, reply):
    result = _reply(score, language, customer, reply)
    assert "reassurance" not in {e.rule for e in criterion(result, "empathy").evidence}


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        ("en", "My laptop keeps losing the VPN.", "Okay, I'll push the fixed profile to your laptop now."),
        (
            "fr",
            "Ma box ne marche plus depuis trois jours.",
            "D'accord. Je vais relancer votre ligne à distance, je m'en occupe tout de suite.",
        ),
        # French says a step in the future tense of any verb, where English says "I'll" (structure.commits).
        (
            "fr",
            "On m'a prélevé deux fois et je suis à découvert.",
            "Oh non, je suis désolée. Je rembourserai le deuxième prélèvement aujourd'hui.",
        ),
        (
            "fr",
            "J'attends mon remboursement depuis trois semaines et personne ne me rappelle.",
            "Je suis désolé. Je vous rappellerai jeudi avec la date du remboursement.",
        ),
    ],
)
def test_a_step_the_agent_owns_is_credited_as_reassurance(score, language, customer, reply):
    result = _reply(score, language, customer, reply)
    assert "reassurance" in {e.rule for e in criterion(result, "empathy").evidence}


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        ("fr", "Ma box ne marche plus depuis trois jours.", "D'accord, je vais relancer votre ligne à distance."),
        ("en", "My parcel never arrived.", "Okay, I'll send a replacement out today."),
        # promised on a condition: read as brushing the customer aside at 0.97 while the French future was not a step
        (
            "fr",
            "Le suivi dit livré mais il n'y a rien.",
            "Parfois le livreur le laisse chez un voisin. S'il n'y est pas demain, on ouvrira une réclamation.",
        ),
    ],
)
def test_taking_the_problem_on_is_not_a_dismissal(score, language, customer, reply):
    result = _reply(score, language, customer, reply)
    assert ("dismissal", -1) not in _rules(result)


@pytest.mark.parametrize(
    ("language", "threat", "step"),
    [
        (
            "en",
            "If you don't pay by Friday, we'll cut off your line.",
            "If you can't pay it all, we'll set up a payment plan.",
        ),
        (
            "fr",
            "Si vous ne payez pas avant vendredi, on coupera votre ligne.",
            "Si vous ne pouvez pas tout payer, on mettra en place un échéancier.",
        ),
    ],
)
def test_a_measure_against_the_customer_is_no_step_taken_for_them(score, language, threat, step):
    # "we'll cut off your line" is said like "we'll set up a payment plan", but it lowers no put-down reading: the
    # threat ignores what the customer said (dismissal) or turns it against them (blame); the plan takes it up.
    customer = {"en": "I can't pay it all this month.", "fr": "Je ne peux pas tout payer ce mois-ci."}[language]
    threatened = score(language, [(A, GREETING[language]), (C, customer), (A, threat)])
    offered = score(language, [(A, GREETING[language]), (C, customer), (A, step)])
    assert _quoted_put_downs(threatened) & {"blame", "dismissal"}
    assert not _quoted_put_downs(offered)


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "I want a refund for the whole year, the service has been terrible.",
            "I can't refund the whole year, but what I can do is credit the three months the line was down.",
        ),
        (
            "fr",
            "Je veux un remboursement pour toute l'année, le service est nul.",
            "Je ne peux pas tout rembourser, mais ce que je peux faire, c'est créditer les trois mois de coupure.",
        ),
    ],
)
def test_a_refusal_with_what_the_agent_can_do_instead_is_no_brush_off(score, language, customer, reply):
    # Read as brushing the customer aside (0.84-0.92) and as empathy undone (0.78-0.94): "what I can do is" offers
    # a step the agent owns.
    result = _reply(score, language, customer, reply)
    assert not _quoted_put_downs(result)


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "fr",
            "Quelqu'un est venu chez moi en disant qu'il venait de chez vous, il voulait mon RIB.",
            "Nous ne faisons jamais de démarchage à domicile, ce n'était pas nous. Ne leur donnez rien, je le signale "
            "tout de suite à notre service fraude.",
        ),
        (
            "fr",
            "Ma carte a été refusée au supermarché, j'avais tellement honte.",
            "Oh non, c'est gênant, je suis désolée. Je vois un blocage de notre contrôle anti-fraude, je viens de le "
            "lever, la carte marche tout de suite.",
        ),
        (
            "en",
            "I was charged even though I cancelled my order.",
            "I can see the cancellation, yes. I've just started the refund, it'll show in a few days.",
        ),
        (
            "en",
            "I'm calling because my husband died and the account is in his name.",
            "I'm very sorry. Take your time. We can move the account into your name, and there's nothing to pay "
            "for that.",
        ),
        (
            "en",
            "I'm not happy, nobody called me back like they promised.",
            "You're right, you should have had a call back and you didn't, I'm sorry. I'll make sure it's me who "
            "calls you this time, tomorrow before noon.",
        ),
    ],
)
def test_a_step_just_taken_or_said_with_its_pronouns_and_a_call_back_that_was_due_are_no_put_down(
    score, language, customer, reply
):
    # The French replies read as brushing the customer aside (0.83) and as empathy undone (0.92), where the same
    # replies in English read as none: "je le signale" and "je viens de le lever" are steps as "I'll report it" and
    # "I've lifted it" are, and so are "I've just started the refund" (read as empathy undone, 0.67) and "we can move
    # the account into your name" after a bereavement (0.80). "You should have had a call back" read as blame (0.80):
    # it owns the company's failure.
    result = _reply(score, language, customer, reply)
    assert not _quoted_put_downs(result)


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "Can you move my appointment?",
            "We can move it for you, but it's really not our job to chase your diary.",
        ),
        (
            "en",
            "Can you move my appointment?",
            "I'll move it for you, but it's really not our job to chase your diary.",
        ),
        (
            "fr",
            "Vous pouvez décaler mon rendez-vous ?",
            "Je vous le décale, mais c'est pas à nous de gérer votre agenda.",
        ),
        ("fr", "Vous pouvez me rembourser ?", "Je vous le rembourse, mais la prochaine fois lisez vos mails."),
    ],
)
def test_a_step_then_a_but_that_turns_the_page_still_puts_down(score, language, customer, reply):
    # A step the agent owns lowers the put-down readings, but not one it takes back at once: "I'll move it for you,
    # but it's really not our job" had read as no put-down at all.
    assert _quoted_put_downs(_reply(score, language, customer, reply))


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        ("en", "Do I have to pay for the new router?", "No, you don't have to pay anything, it's included."),
        ("fr", "Je dois payer la nouvelle box ?", "Non, vous n'avez rien à payer, c'est inclus."),
        ("en", "Is there a fee to cancel?", "No, there's no fee, you're out of contract since March."),
        ("fr", "Je vais payer le déplacement du technicien ?", "Non, vous ne serez pas facturé."),
        ("en", "Do I need to do anything for the switch?", "No, you don't need to do anything, it's on the fifth."),
        ("fr", "Je dois faire quelque chose pour le changement ?", "Non, vous n'avez rien à faire, c'est le cinq."),
        ("en", "Do I have to activate the new card?", "No, you don't have to do anything, it's active already."),
    ],
)
def test_good_news_for_the_customer_is_no_put_down(score, language, customer, reply):
    # Read as brushing the customer aside (0.78-0.99) and as blame (0.77-0.98): the "no" and the "you" of a short
    # answer, not what it says. A routine question with no put-down left gives no occasion for empathy.
    empathy = criterion(_reply(score, language, customer, reply), "empathy")
    assert not [e for e in empathy.evidence if e.sign < 0 and e.rule in ("blame", "dismissal", "minimising")]
    assert empathy.score is None


@pytest.mark.parametrize(
    ("language", "customer", "reply", "warm"),
    [
        ("en", "Did I do something wrong?", "Not at all, it's a fault on our side.", False),
        ("fr", "J'ai fait une bêtise ?", "Pas du tout, c'est un problème chez nous.", False),
        ("en", "Did I do something wrong?", "Not at all, it's not your fault, the update broke it.", True),
        ("fr", "J'ai fait une bêtise ?", "Pas du tout, ce n'est pas votre faute, c'est la mise à jour.", True),
    ],
)
def test_taking_the_blame_off_the_customer_is_no_put_down_and_telling_them_so_is_warm(
    score, language, customer, reply, warm
):
    # "Not at all, it's a fault on our side." read as brushing the customer aside (0.99) and playing the problem
    # down (0.90); "it's not your fault" reassures the person, as "you did the right thing" does.
    empathy = criterion(_reply(score, language, customer, reply), "empathy")
    assert not [e for e in empathy.evidence if e.sign < 0 and e.rule in ("blame", "dismissal", "minimising")]
    assert (empathy.score >= 70) is warm


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "No, you won't be charged, but you should have read the terms."),
        ("fr", "Non, vous ne serez pas facturé, mais vous auriez dû lire les conditions."),
        ("en", "There's no charge, but you'll have to call them yourself, it's not our problem."),
    ],
)
def test_good_news_that_goes_on_to_reproach_or_send_away_still_puts_down(score, language, reply):
    customer = {"en": "Will I be charged?", "fr": "Je vais être facturé ?"}[language]
    assert _quoted_put_downs(_reply(score, language, customer, reply))


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "Can you waive the late fee? I was in hospital.",
            "I'm sorry you were in hospital, I hope you're feeling better. I've taken the late fee off.",
        ),
    ],
)
def test_a_sure_reaction_to_the_customers_trouble_is_scored_where_the_occasion_reading_missed_it(
    score, language, customer, reply
):
    # The occasion head reads the request and the hospital together at 0.04 (the hospital alone at 0.99).
    empathy = criterion(_reply(score, language, customer, reply), "empathy")
    assert empathy.score is not None and empathy.score >= 70


def test_sending_the_customer_elsewhere_is_still_a_dismissal(score):
    reply = "That's not my department, you'll have to call billing yourself."
    result = score("en", [(A, GREETING["en"]), (C, "I was charged twice for the same repair."), (A, reply)])
    assert ("dismissal", -1) in _rules(result)


# Known limit (docs/scorer-history.md, 2026-12-05, sixth session): after the written direct answers in training, 20 of
# 210 English and 20 of 210 French answers of bench/data/eval/ecoute_answers_* are still quoted with a put-down.
STILL_READ_AS_A_BRUSH_OFF = pytest.mark.xfail(
    reason="known limit: the dismissal head still reads some short answers as brush-offs (here 0.64)", strict=True
)


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        pytest.param(
            "en",
            "Where do I find my statements? I've looked everywhere in the app.",
            "It's under Account, then Documents.",
            marks=STILL_READ_AS_A_BRUSH_OFF,
        ),
        (
            "en",
            "I'm going to Spain next week, do I need to turn on roaming?",
            "Yes, roaming's already on, there's nothing you need to do.",
        ),
        (
            "fr",
            "Où je trouve mes relevés ? J'ai cherché partout dans l'appli.",
            "C'est dans Mon compte, puis Documents.",
        ),
        ("en", "Do I have to be in when the engineer comes?", "No, the meter's outside, he doesn't need to come in."),
        ("fr", "Est-ce que je dois renvoyer l'ancien décodeur ?", "Non, pas besoin, vous pouvez le garder."),
    ],
)
def test_a_direct_answer_to_the_customers_question_is_no_brush_off(score, language, customer, reply):
    assert not _quoted_put_downs(_reply(score, language, customer, reply))


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        ("en", "I feel like nobody cares, I've been on my own since the funeral.", "I care. I'm here to listen."),
        (
            "fr",
            "Mon mari est décédé le mois dernier et je ne sais pas quoi faire de ses comptes.",
            "Vous n'êtes pas seule, je suis là pour vous aider.",
        ),
    ],
)
def test_support_offered_to_the_person_is_no_put_down(score, language, customer, reply):
    assert not _quoted_put_downs(_reply(score, language, customer, reply))


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "I've been on hold for an hour, this is ridiculous.",
            "You're not alone, everybody's ringing today, just be patient.",
        ),
        (
            "en",
            "I lost my job today.",
            "I'm here to listen if you want to talk. But there's nothing we can do about your bill.",
        ),
        (
            "fr",
            "Ça fait une heure que j'attends, c'est ridicule.",
            "Vous n'êtes pas seul, tout le monde appelle aujourd'hui, soyez patient.",
        ),
    ],
)
def test_support_followed_by_a_brush_off_still_puts_down(score, language, customer, reply):
    assert _quoted_put_downs(_reply(score, language, customer, reply))
