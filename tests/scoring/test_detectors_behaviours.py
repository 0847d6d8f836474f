"""Criterion scores from the behaviour layer: evidence names the behaviour and its confidence, and N/A means the
call gave no occasion, not that the agent was brief."""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest

from app.scoring.detectors.behaviours import EMPATHY_NEGATIVE, PUT_DOWN_RULES
from app.scoring.engine import score_transcript
from app.scoring.rubrics import DetectorSpec, bundled_rubrics
from tests.scoring.conftest import build, criterion

pytestmark = pytest.mark.slow  # the real behaviour models and spaCy pipelines, sentence by sentence

A, C = "agent", "customer"
PROBLEM_EN = (C, "Since the move my bill has doubled and nobody explains why, I'm on a pension, I can't keep this up.")
PROBLEM_FR = (
    C,
    "Depuis le déménagement ma facture a doublé et personne m'explique, je suis à la retraite, je tiens plus.",
)


def test_a_reflection_earns_listening_evidence_that_names_it_with_its_confidence(score):
    result = score(
        "en", [PROBLEM_EN, (A, "Your bill doubled after the move, and on a pension that's not sustainable.")]
    )
    listening = criterion(result, "active_listening")
    reflections = [e for e in listening.evidence if e.rule == "reflection" and e.sign > 0]
    assert reflections
    assert re.fullmatch(r"reflects the customer's words \([01]\.\d\d\)", reflections[0].explanation)


@pytest.mark.parametrize(
    ("language", "offer"),
    [
        ("en", "Is there anything else I can help you with?"),
        ("fr", "Très bien. Je peux vous aider pour autre chose ?"),
        ("en", "I'll move you to the social tariff from next month. How does that sound?"),
        ("fr", "Je vous passe au tarif social dès le mois prochain. Ça vous va ?"),
        (
            "en",
            "Right, the new tariff starts on the first, and the credit shows up on your next bill. Do you have any "
            "questions for me?",
        ),
        (
            "fr",
            "Alors, le nouveau tarif démarre le premier du mois et l'avoir apparaîtra sur votre prochaine facture. "
            "Vous avez des questions ?",
        ),
        ("en", "Would you prefer a call back in the morning or the afternoon?"),
        ("fr", "Vous préférez qu'on vous rappelle le matin ou l'après-midi ?"),
        ("en", "Would you like to ship it regular or express?"),
        ("fr", "Vous voulez l'envoi normal ou express ?"),
        ("fr", "Vous souhaitez un remboursement ou un échange ?"),
        ("en", "No problem. Same time on Friday, or would you like a different one?"),
        ("fr", "Pas de souci. Même heure vendredi, ou vous voulez un autre créneau ?"),
        ("en", "Okay, should we just get you on an 8 a.m. then?"),
        ("fr", "Je vous mets mardi à huit heures ?"),
        ("en", "I've got a slot at the Riverside clinic on Wednesday, shall I pop you in for that?"),
        ("fr", "Oui, on peut étaler sur trois à dix mois. Je vous fais une proposition sur six mois ?"),
        ("en", "That's all set up for you. Anything else?"),
        ("fr", "C'est enregistré. Bon, autre chose ?"),
        ("en", "The new tariff starts on the first and the credit comes off your next bill. Does that make sense?"),
        (
            "fr",
            "Le nouveau tarif démarre le premier du mois et l'avoir passe sur la prochaine facture. C'est clair pour "
            "vous ?",
        ),
    ],
)
def test_offering_further_help_a_choice_of_slot_or_checking_the_plan_suits_is_not_asking_about_the_situation(
    score, language, offer
):
    problem = PROBLEM_EN if language == "en" else PROBLEM_FR
    result = score(language, [problem, (A, offer)])
    listening = criterion(result, "active_listening")
    assert not [e for e in listening.evidence if e.rule == "question" and e.sign > 0]


@pytest.mark.parametrize(
    ("language", "asking"),
    [
        ("en", "Okay. Could you spell your last name for me, please?"),
        ("en", "Right, what's your account number so I can look you up in the system?"),
        ("fr", "D'accord. Vous pouvez m'épeler votre nom de famille, s'il vous plaît ?"),
        ("fr", "Très bien, vous me donnez votre numéro de client pour que je retrouve votre dossier ?"),
        ("en", "Could I check with you which was the make and model of this one?"),
        ("en", "Do you happen to know the purchase date of the car?"),
        ("fr", "C'est quoi le modèle de la voiture ?"),
        ("en", "Can I take your baggage tag number and flight number, please?"),
        ("fr", "Vous pouvez me donner le numéro de l'étiquette bagage et le numéro de vol, s'il vous plaît ?"),
        ("fr", "Très bien, vous pouvez me rappeler le numéro de votre contrat de location ?"),
    ],
)
def test_asking_for_a_detail_of_the_form_is_not_asking_about_the_customers_situation(score, language, asking):
    problem = PROBLEM_EN if language == "en" else PROBLEM_FR
    listening = criterion(score(language, [problem, (A, asking)]), "active_listening")
    assert not [e for e in listening.evidence if e.rule == "question" and e.sign > 0]


@pytest.mark.parametrize(
    ("language", "invitation"),
    [
        ("en", "Would you like to tell me more about what happened?"),
        ("fr", "Vous voulez me dire ce qui s'est passé exactement ?"),
        ("fr", "Vous voulez savoir si c'est le bon calcul, ou s'il manque une partie ?"),
        ("en", "Do you want to tell me why, or would you rather not say?"),
        ("en", "Okay. And did you notice anything else, like a noise or a smell?"),
        ("fr", "D'accord. Vous avez remarqué autre chose, un bruit, une odeur ?"),
    ],
)
def test_inviting_the_customer_to_say_more_or_checking_what_they_mean_is_asking_about_their_situation(
    score, language, invitation
):
    problem = PROBLEM_EN if language == "en" else PROBLEM_FR
    listening = criterion(score(language, [problem, (A, invitation)]), "active_listening")
    assert [e for e in listening.evidence if e.rule == "question" and e.sign > 0]


def test_a_question_that_only_names_a_detail_of_the_form_still_asks_about_the_situation(score):
    reply = "Did your account details change recently, a new sort code, a new account name?"
    listening = criterion(score("en", [PROBLEM_EN, (A, reply)]), "active_listening")
    assert [e for e in listening.evidence if e.rule == "question" and e.sign > 0]


def test_a_question_about_the_customer_keeps_its_credit_next_to_a_request_for_their_details(score):
    reply = "Okay, could you spell your last name for me? And did the bill double from the first month after the move?"
    listening = criterion(score("en", [PROBLEM_EN, (A, reply)]), "active_listening")
    questions = [e for e in listening.evidence if e.rule == "question" and e.sign > 0]
    assert questions and "double" in questions[0].text


def test_a_question_about_the_customer_keeps_its_credit_next_to_an_offer_of_further_help(score):
    reply = "Right. Did the bill double from the first month after the move, or later? Anything else I can help with?"
    listening = criterion(score("en", [PROBLEM_EN, (A, reply)]), "active_listening")
    assert [e for e in listening.evidence if e.rule == "question" and e.sign > 0]


@pytest.mark.parametrize(
    ("language", "advice", "reflection"),
    [
        (
            "en",
            "Your bill doubled after the move, so you should switch to the monthly plan, and you need to send us "
            "the new meter reading.",
            "Your bill doubled after the move, and on a pension that's not sustainable.",
        ),
        (
            "fr",
            "Votre facture a doublé depuis le déménagement, donc vous devriez passer au prélèvement mensuel, et "
            "il faut que vous nous envoyiez le relevé du compteur.",
            "Votre facture a doublé depuis le déménagement, et avec la retraite ça coince.",
        ),
        (
            "en",
            "Your bill doubled after the move and you're on a pension, you just have to switch to the monthly plan.",
            "Your bill doubled after the move, and on a pension that's not sustainable.",
        ),
        (
            "fr",
            "Votre facture a doublé depuis le déménagement et vous êtes à la retraite, vous n'avez qu'à passer au "
            "prélèvement mensuel.",
            "Votre facture a doublé depuis le déménagement, et avec la retraite ça coince.",
        ),
        # The service desk's step-by-step instructions (on a real call, "you're going to go ahead and turn it on,
        # you'll see the light come on" was credited as a reflection).
        (
            "en",
            "Your bill doubled after the move and you're on a pension, you're going to want to switch to the "
            "monthly plan.",
            "Your bill doubled after the move, and on a pension that's not sustainable.",
        ),
        (
            "en",
            "Your bill doubled after the move and you're on a pension, go ahead and switch to the monthly plan.",
            "Your bill doubled after the move, and on a pension that's not sustainable.",
        ),
    ],
)
def test_advice_built_on_the_customers_details_is_not_credited_as_a_reflection(score, language, advice, reflection):
    problem = PROBLEM_EN if language == "en" else PROBLEM_FR
    advised = criterion(score(language, [problem, (A, advice)]), "active_listening")
    reflected = criterion(score(language, [problem, (A, reflection)]), "active_listening")
    assert not [e for e in advised.evidence if e.rule == "reflection" and e.sign > 0]
    assert advised.score < reflected.score


@pytest.mark.parametrize(
    ("language", "customer", "suggestion"),
    [
        (
            "en",
            "My internet keeps dropping every evening, it's driving me mad.",
            "Have you tried turning it off and on again?",
        ),
        ("en", "I'm not getting my emails since Monday.", "Have you thought about checking your spam folder?"),
        ("en", "The app keeps crashing when I open my statement.", "Did you try reinstalling the app?"),
        ("fr", "Je ne reçois plus mes mails depuis lundi.", "Avez-vous pensé à vérifier vos courriers indésirables ?"),
        # A check asked as a request or on what is there now: the models read these as blame at 0.91-0.98.
        (
            "en",
            "I never got the confirmation email for my booking.",
            "Could you check your junk folder? Sometimes it lands there.",
        ),
        (
            "en",
            "I never got the confirmation email for my booking.",
            "Have you checked your spam folder? Sometimes it ends up there.",
        ),
        ("fr", "Je n'ai jamais reçu l'e-mail de confirmation de ma réservation.", "Vous avez regardé dans vos spams ?"),
        ("en", "I never got the password reset email.", "Did you check your junk folder? Sometimes it lands there."),
        (
            "fr",
            "Ma connexion coupe tous les soirs depuis une semaine.",
            "Est-ce que vous pourriez vérifier les voyants de la box pendant que je suis en ligne ?",
        ),
    ],
)
def test_a_troubleshooting_question_is_a_question_not_a_playback_nor_a_reproach(score, language, customer, suggestion):
    result = score(language, [(C, customer), (A, suggestion)])
    listening = criterion(result, "active_listening")
    assert not [e for e in listening.evidence if e.rule == "reflection"]
    assert [e for e in listening.evidence if e.rule == "question" and e.sign > 0]
    assert not [e for e in criterion(result, "empathy").evidence if e.rule in EMPATHY_NEGATIVE]


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "Please check your junk folder, sometimes it ends up there."),
        ("fr", "Regardez dans vos spams, des fois il arrive là."),
        ("en", "Passwords are case sensitive, so make sure caps lock is off."),
        ("fr", "Le mot de passe tient compte des majuscules, alors assurez-vous que le verrouillage est désactivé."),
    ],
)
def test_telling_the_customer_where_to_look_is_no_reproach(score, language, reply):
    # Read as blame at 0.84-0.93; the same check asked as a question already read as none.
    customer = (
        "I never got the confirmation email." if language == "en" else "Je n'ai jamais reçu l'e-mail de confirmation."
    )
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert "blame" not in {e.rule for e in empathy.evidence}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "It's not easy to find, the button is at the back, next to the power socket."),
        ("fr", "C'est pas facile à trouver, le bouton est derrière, à côté de la prise."),
    ],
)
def test_saying_a_button_is_hard_to_find_is_no_reproach(score, language, reply):
    # The French reply read as blame (0.80) and as brushing the customer aside (0.83): it takes the blame off them.
    customer = {"en": "How do I reset the router?", "fr": "Comment je réinitialise la box ?"}[language]
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert not [e for e in empathy.evidence if e.sign < 0 and e.rule in EMPATHY_NEGATIVE]


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "The appointment was moved by the contractor, you should have received a text."),
        ("fr", "Le rendez-vous a été déplacé par le prestataire, vous auriez dû recevoir un SMS."),
    ],
)
def test_saying_what_the_customer_should_have_received_is_no_reproach(score, language, reply):
    # Read as blame at 0.85-0.92: it owns a failure on the company's side.
    customer = "The technician never came." if language == "en" else "Le technicien n'est jamais venu."
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert "blame" not in {e.rule for e in empathy.evidence}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "You should have checked your junk folder before calling, it's always there."),
        ("fr", "Vous auriez dû regarder dans vos spams avant d'appeler, c'est toujours là."),
    ],
)
def test_saying_where_the_customer_should_have_looked_still_blames(score, language, reply):
    customer = (
        "I never got the confirmation email." if language == "en" else "Je n'ai jamais reçu l'e-mail de confirmation."
    )
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert "blame" in {e.rule for e in empathy.evidence if e.sign < 0}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "Did you check the size guide before ordering?"),
        ("fr", "Vous avez consulté le guide des tailles avant de commander ?"),
        ("en", "Next time, make sure you check the size guide before you order."),
        ("fr", "La prochaine fois, assurez-vous de consulter le guide des tailles avant de commander."),
    ],
)
def test_asking_in_hindsight_or_giving_a_lesson_for_next_time_still_blames(score, language, reply):
    # "Did you check ...?" is troubleshooting when it asks what is there now, and "make sure" an instruction;
    # asked about what the customer did before they ordered, or said for next time, they reproach.
    customer = (
        "I ordered a medium and it's far too small."
        if language == "en"
        else "J'ai commandé un M et c'est beaucoup trop petit."
    )
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert "blame" in {e.rule for e in empathy.evidence if e.sign < 0}


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "I've been fined for not paying for parking but the machine was broken.",
            "So the machine wasn't working when you tried to pay, did you manage to take a photo of it?",
        ),
    ],
)
def test_asking_what_the_customer_managed_to_do_is_no_reproach(score, language, customer, reply):
    result = score(language, [(C, customer), (A, reply)])
    assert not [e for e in criterion(result, "empathy").evidence if e.rule in EMPATHY_NEGATIVE]
    assert "reflection" in {e.rule for e in criterion(result, "active_listening").evidence if e.sign > 0}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "Have you tried reinstalling it? You should have done that before calling."),
        ("fr", "Avez-vous pensé à regarder vos indésirables ? C'est de votre faute, c'était écrit dans le mail."),
    ],
)
def test_a_troubleshooting_question_next_to_a_reproach_still_blames(score, language, reply):
    customer = "The app keeps crashing." if language == "en" else "L'appli plante tout le temps."
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert "blame" in {e.rule for e in empathy.evidence if e.sign < 0}


def test_the_empathy_strengths_quoted_to_the_agent_are_ones_the_models_are_fairly_sure_of(score):
    # Courtesy on a booking call reached 0.65-0.76 as "acknowledges the customer's feelings" on real calls.
    result = score(
        "en",
        [
            (C, "I wanted to give you guys a call, the lights keep coming on and I'm a little baffled."),
            (A, "Of course. I'm so sorry for the inconvenience. What was your last name?"),
            (C, "It's Martin, M-A-R-T-I-N. I would say 2018 Tesla model."),
            (
                A,
                "Okay, wonderful. Thank you. Okay, so we would love to get that taken care of for you. Um, we have "
                "some options right now.",
            ),
            (C, "8 to 10, earlier the better. Yeah, let's do it."),
            (A, "Okay, wonderful. So I have an 8 a.m. appointment for you in the system for two days from now."),
        ],
    )
    strengths = [e for e in criterion(result, "empathy").evidence if e.sign > 0]
    confidences = [float(re.search(r"\(([01]\.\d\d)\)", e.explanation).group(1)) for e in strengths]
    assert strengths
    assert min(confidences) >= 0.8
    assert not [e for e in strengths if e.rule == "feeling" and e.text.startswith("Okay, wonderful.")]


def test_the_evidence_is_worded_in_the_calls_language(score):
    result = score(
        "fr", [PROBLEM_FR, (A, "Votre facture a doublé depuis le déménagement, et avec la retraite ça coince.")]
    )
    explanations = [e.explanation for e in criterion(result, "active_listening").evidence if e.rule == "reflection"]
    assert explanations and explanations[0].startswith("reformule les propos du client (")
    assert re.search(r"\(\d,\d\d\)$", explanations[0]), "a French confidence takes the decimal comma"


WITS_END = (
    C,
    "I've been on the phone with you people four times this week and nobody calls back, I'm at my wits' end.",
)
A_BOUT = (C, "Ça fait quatre fois que j'appelle cette semaine et personne me rappelle, je suis à bout.")


DISTRESS = {"en": WITS_END, "fr": A_BOUT}


def _empathy_after_distress(score, language: str, reply: str):
    """The empathy criterion of a reply to a customer at the end of their tether (WITS_END / A_BOUT)."""
    return criterion(score(language, [DISTRESS[language], (A, reply)]), "empathy")


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I'm sorry for the inconvenience."),
        ("en", "Of course. I'm so sorry for the inconvenience. What was your last name?"),
        ("fr", "Je suis désolé pour la gêne occasionnée."),
    ],
)
def test_a_stock_apology_counts_for_little_and_is_not_praised_as_a_reaction(score, language, reply):
    # "Sorry for any inconvenience" after a customer at the end of their tether had scored 66, quoted at once as an
    # apology (0.99) and as moving on without acknowledging anything.
    english = language == "en"
    empathy = _empathy_after_distress(score, language, reply)
    nothing = _empathy_after_distress(score, language, "What was your last name?" if english else "Votre nom ?")
    reaction = _empathy_after_distress(
        score, language, "I'm so sorry, that sounds exhausting." if english else "Je suis désolé, c'est épuisant."
    )
    assert not [e for e in empathy.evidence if e.sign > 0]
    assert [e.text for e in empathy.evidence if e.rule == "no_empathy"] == [reply]
    assert nothing.score < empathy.score <= 40 < reaction.score


def test_a_reaction_next_to_a_stock_apology_keeps_its_reading(score):
    reply = "I'm sorry for the inconvenience, I can hear how exhausting this has been for you."
    empathy = criterion(score("en", [WITS_END, (A, reply)]), "empathy")
    assert "feeling" in {e.rule for e in empathy.evidence if e.sign > 0}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I understand, that must be really stressful."),
        ("en", "I completely understand how frustrating that must be."),
        ("fr", "Je comprends tout à fait, ça doit être vraiment stressant."),
        ("fr", "Je vous entends, c'est vraiment pénible."),
    ],
)
def test_saying_i_understand_is_not_hollow_unless_the_rest_of_the_reply_undoes_it(score, language, reply):
    empathy = _empathy_after_distress(score, language, reply)
    assert not [e for e in empathy.evidence if e.sign < 0]
    assert "feeling" in {e.rule for e in empathy.evidence}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "You did the right thing calling us."),
        ("en", "I'm really sorry to hear that. Let me see what I can do."),
        ("en", "You're right, that shouldn't have happened."),
        ("fr", "Vous avez raison, ça n'aurait pas dû arriver."),
        ("fr", "C'est tout à fait normal d'être inquiet."),
        ("fr", "Non, vous n'avez pas à payer ça. J'ai retiré les frais."),
        ("en", "That's a really tough spot to be in. Let me see what I can do."),
        ("en", "Oh, that's not good at all. Let's find out what's happened."),
        ("fr", "C'est normal d'être stressée avec tout ça, prenez votre temps, on avance à votre rythme."),
        ("fr", "Ne vous excusez pas, ça arrive. Je reporte cette échéance à la fin de l'échéancier, sans frais."),
        (
            "fr",
            "Je suis désolée que ça n'ait pas été fait, vous auriez dû pouvoir compter dessus. Je fais la modification "
            "moi-même.",
        ),
    ],
)
def test_siding_with_the_customer_is_not_read_as_blaming_or_playing_down(score, language, reply):
    assert _put_downs(score, language, DISTRESS[language][1], reply) == []


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "Okay, don't panic, it's probably just a security check. I can clear it for you now."),
        ("fr", "D'accord, pas de panique, c'est sûrement un contrôle de sécurité. Je le débloque tout de suite."),
        ("fr", "Ça doit être vraiment angoissant. On va regarder ensemble les solutions possibles."),
        ("en", "Right, if you've got the reference, that's great, we can get that fee taken off."),
        ("fr", "D'accord, si vous avez la référence, pas de souci, on peut vous retirer les frais."),
        ("en", "I get why that's annoying. I can't give admin rights, but I can install it for you remotely now."),
        ("en", "It's on the back of your decision letter, but I can read it out if you've got a pen."),
        ("fr", "Ne quittez pas, je consulte le planning."),
        (
            "fr",
            "Je comprends que ce soit frustrant. Je peux pas vous donner les droits admin, par contre je peux vous "
            "l'installer à distance tout de suite.",
        ),
    ],
)
def test_taking_the_problem_on_at_once_is_no_put_down(score, language, reply):
    assert _put_downs(score, language, DISTRESS[language][1], reply) == []


@pytest.mark.parametrize(
    ("language", "reply", "cold"),
    [
        ("en", "You did the right thing calling us.", "Okay. What's the account number?"),
        ("en", "You're right, that shouldn't have happened.", "Okay. What's the account number?"),
        ("fr", "Vous avez bien fait d'appeler tout de suite.", "D'accord. C'est quoi le numéro de compte ?"),
        ("fr", "C'est tout à fait normal d'être inquiet.", "D'accord. C'est quoi le numéro de compte ?"),
        ("en", "That's not right at all. Let me look into it.", "Okay. What's the account number?"),
        ("en", "I know it's been a long wait, thanks for bearing with us.", "Okay. What's the account number?"),
        ("fr", "C'est pas normal, ça. On va regarder.", "D'accord. C'est quoi le numéro de compte ?"),
        (
            "en",
            "Thanks for telling us straight away, that's exactly the right thing to do.",
            "Okay. What's the account number?",
        ),
        ("fr", "Vous avez eu le bon réflexe en nous appelant.", "D'accord. C'est quoi le numéro de compte ?"),
        (
            "en",
            "That's a proper headache, the last thing you need. Is the light red?",
            "Okay. What's the account number?",
        ),
        ("fr", "Ah mince, c'est pas évident, ça. La box est rouge ?", "D'accord. C'est quoi le numéro de compte ?"),
        (
            "en",
            "That's frustrating, paying for something you've cancelled. Have you kept the email?",
            "Okay. What's the account number?",
        ),
        (
            "fr",
            "C'est agaçant de payer pour un service que vous avez résilié. Vous avez gardé le mail ?",
            "D'accord. C'est quoi le numéro de compte ?",
        ),
        # the time the customer lived through, named with what filled it; "not easy" says it is hard
        (
            "en",
            "A week of calls is frustrating. I'm running a line test now.",
            "Okay. What's the account number?",
        ),
        ("en", "Four calls in a week, that can't be easy.", "Okay. What's the account number?"),
        (
            "fr",
            "Merci de nous le dire, je sais que ce n'est pas facile d'appeler pour ça.",
            "D'accord. C'est quoi le numéro de compte ?",
        ),
        # the company's fault, in the present ("ça ne devrait pas arriver" had read as cold as a plain question)
        ("en", "That shouldn't happen. Let me look into it.", "Okay. What's the account number?"),
        ("fr", "Ça ne devrait pas arriver. Je regarde ça.", "D'accord. C'est quoi le numéro de compte ?"),
    ],
)
def test_affirming_the_customer_counts_as_warmth(score, language, reply, cold):
    warm = _empathy_after_distress(score, language, reply).score
    assert warm >= 70 > _empathy_after_distress(score, language, cold).score


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I understand, that can be really stressful."),
        ("en", "I get it, it's a really tough situation."),
        ("en", "It must be hard to keep chasing us on top of everything else."),
        ("en", "I feel for you, honestly."),
        ("fr", "C'est une situation très stressante, je compatis."),
        ("fr", "Ça a l'air vraiment pénible, toutes ces relances."),
    ],
)
def test_naming_how_hard_the_situation_is_counts_as_warmth_and_puts_nobody_down(score, language, reply):
    empathy = _empathy_after_distress(score, language, reply)
    assert empathy.score >= 70
    assert _put_downs(score, language, DISTRESS[language][1], reply) == []


@pytest.mark.parametrize(
    ("language", "complaint", "reply"),
    [
        (
            "en",
            "I've restarted it twice already and it still won't connect.",
            "So you have tried restarting it twice already?",
        ),
        (
            "en",
            "Teams keeps showing me as offline but my email and everything else works.",
            "So everything else online works, it's just Teams showing you as offline?",
        ),
    ],
)
def test_checking_back_what_the_customer_said_puts_nobody_down(score, language, complaint, reply):
    assert _put_downs(score, language, complaint, reply) == []


def test_checking_back_with_an_again_is_still_a_put_down(score):
    complaint = "Je suis en retard parce que le bus n'est pas passé."
    assert _put_downs(score, "fr", complaint, "Le bus, encore. C'est toujours le bus, hein ?")


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I understand, but there's nothing I can do."),
        ("en", "I understand your frustration. Rules are rules."),
        ("fr", "Je vous entends, mais fallait lire le contrat."),
        ("en", "That's stressful, but rules are rules."),
        ("fr", "C'est pénible, mais fallait lire le contrat."),
    ],
)
def test_understanding_undone_at_once_is_still_hollow(score, language, reply):
    empathy = _empathy_after_distress(score, language, reply)
    assert "hollow_empathy" in {e.rule for e in empathy.evidence if e.sign < 0}
    assert empathy.score < 30


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I completely understand. That said, most customers sort this out themselves in the app."),
        ("fr", "Je comprends tout à fait. Cela dit, la plupart des clients règlent ça tout seuls sur l'appli."),
        ("en", "Tell me about it, mine cost me three grand last year, so you're doing better than me."),
        ("fr", "Estimez-vous heureux, moi l'hiver passé j'en ai pas eu pendant deux semaines."),
    ],
)
def test_comparing_the_customer_with_others_who_cope_alone_plays_the_problem_down(score, language, reply):
    empathy = _empathy_after_distress(score, language, reply)
    assert {e.rule for e in empathy.evidence if e.sign < 0} & {"minimising", "dismissal", "hollow_empathy"}


def test_a_short_reply_is_scored_not_marked_not_applicable(score):
    result = score("en", [PROBLEM_EN, (A, "Doubled? Since the move?")])
    assert not criterion(result, "active_listening").na
    assert not criterion(result, "empathy").na


def test_a_call_where_the_customer_never_speaks_gives_listening_and_empathy_no_occasion(score):
    result = score(
        "en", [(A, "Hello, this is a courtesy call to confirm your engineer visit tomorrow between 8 and 12.")]
    )
    assert criterion(result, "active_listening").na
    assert criterion(result, "empathy").na
    assert not criterion(result, "jargon").na
    assert dict(criterion(result, "empathy").na_reason) == {
        "fr": "Le client ne parle pas dans cet appel",
        "en": "The customer does not speak in this call",
    }


ORDER_EN = [
    (C, "Hi, I'd like to buy a Chromecast and I was wondering whether you could help me with that."),
    (A, "Certainly, which colour would you like? We have blue, black and red."),
    (C, "Let's get the black one."),
    (A, "Okay, great. Would you like to ship it regular or express?"),
    (C, "Express please."),
]
BOOKING_FR = [
    (C, "Bonjour, je voudrais prendre rendez-vous pour l'entretien de ma voiture, la révision des trente mille."),
    (A, "Bien sûr. Quel jour vous arrangerait ?"),
    (C, "Mardi matin si possible."),
    (A, "Mardi à neuf heures, c'est noté. Vous laissez le véhicule à l'accueil."),
]

# A call that opens with the customer's name and a reference: the occasion head had read "it's David Brown here,
# calling about my order" at 0.19, and the whole call was coached for moving on.
CHANGE_EN = [
    (A, "Good morning, Northwind Shop, Sam speaking, how can I help?"),
    (C, "Hi there, it's David Brown here, calling about my order."),
    (A, "Hi David, can I take the order number please?"),
    (C, "Yes, it's 4 4 8 2 1."),
    (A, "Thank you. What would you like to do with it?"),
    (C, "I'd like to change the delivery address to my office."),
    (A, "No problem, what's the new address?"),
    (C, "12 Market Street, Leeds."),
    (A, "Done, it'll go to 12 Market Street. Anything else?"),
]
CHANGE_FR = [
    (A, "Bonjour, Boutique Nordis, Sam à votre écoute."),
    (C, "Oui bonjour, c'est Julien Moreau, j'appelle pour ma commande."),
    (A, "Bonjour monsieur Moreau, vous avez le numéro de commande ?"),
    (C, "Oui, c'est le 4 4 8 2 1."),
    (A, "Merci. Qu'est-ce que je peux faire pour vous ?"),
    (C, "Je voudrais la faire livrer à mon bureau plutôt."),
    (A, "Pas de souci, quelle est la nouvelle adresse ?"),
    (C, "12 rue du Marché, à Lille."),
    (A, "C'est fait, elle partira au 12 rue du Marché. Autre chose ?"),
]


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        # A real order call scored empathy 0, "moves on without acknowledging what the customer is going through".
        ("en", [*ORDER_EN, (A, "Terrific. It's on the way. Thank you very much.")]),
        ("fr", BOOKING_FR),
        # Known miss: the occasion head still reads the English opening at 0.11-0.13, over `occasion_from` (0.27
        # before the openings of `occasions/*/openings*.jsonl`); the French one reads 0.00.
        pytest.param("en", CHANGE_EN, marks=pytest.mark.xfail(strict=True, reason="opening read at 0.13")),
        ("fr", CHANGE_FR),
    ],
)
def test_a_routine_order_or_booking_gives_empathy_no_occasion(score, language, turns):
    result = score(language, turns)
    assert criterion(result, "empathy").na
    assert not criterion(result, "active_listening").na
    # The reviewer and the agent see why, in their own language.
    assert dict(criterion(result, "empathy").na_reason)["en"] == (
        "The customer voices no difficulty, worry or feeling (a routine call)"
    )
    assert "ni difficulté" in dict(criterion(result, "empathy").na_reason)["fr"]
    assert criterion(result, "empathy").to_dict()["na_reason"]["en"].startswith("The customer voices no")
    assert criterion(result, "active_listening").to_dict()["na_reason"] is None


@pytest.mark.parametrize(
    ("language", "routine", "worried", "answer"),
    [
        (
            "en",
            "do I have to pay the whole bill at once, or can it go on direct debit",
            "do I have to pay the whole bill at once, I honestly don't know how I'm going to manage it",
            "You can spread it over three months, I'll set that up now.",
        ),
        (
            "fr",
            "le détartrage c'est remboursé par la mutuelle ou pas du tout ?",
            "le détartrage c'est remboursé par la mutuelle ? j'ai une rage de dents depuis trois jours et plus un sou",
            "Oui, à soixante-dix pour cent par la Sécu, le reste par votre mutuelle.",
        ),
    ],
)
def test_a_plain_answer_to_a_routine_question_gives_empathy_no_occasion_until_a_worry_comes_with_it(
    score, language, routine, worried, answer
):
    # The occasion head had read routine questions at 0.05-0.15 ("do I have to pay the whole bill at once, or can
    # it go on direct debit" 0.13, "le détartrage c'est remboursé par la mutuelle ou pas du tout ?" 0.16), so a
    # plain answer scored 0 on empathy and was coached for moving on.
    assert criterion(score(language, [(C, routine), (A, answer)]), "empathy").na
    assert not criterion(score(language, [(C, worried), (A, answer)]), "empathy").na


@pytest.mark.parametrize(
    ("language", "customer", "voiced"),
    [
        ("en", "do I need to tell you about a speeding ticket? I'm worried it'll put my premium up", True),
        ("en", "can I pay it in two parts? I can't afford it all this month", True),
        ("en", "do I need to tell you about a speeding ticket? I'm not worried, I'm just asking", False),
        ("en", "I'm afraid I haven't got the reference to hand, is the postcode enough?", False),
        ("fr", "je dois vous prévenir pour une amende ? ça m'angoisse un peu pour la cotisation", True),
        ("fr", "je peux payer en deux fois ? je vois pas comment je vais faire ce mois-ci", True),
        ("fr", "je dois vous prévenir pour une amende ? je m'inquiète pas, c'est juste pour savoir", False),
    ],
)
def test_a_customer_who_says_they_are_worried_gives_empathy_an_occasion_whatever_the_head_reads(
    score, monkeypatch, language, customer, voiced
):
    # The occasion head reads a worry said beside a question low ("I'm worried it'll make my premium go through the
    # roof" after the question: 0.01); the customer said it, so the call is not N/A for voicing no worry.
    _models_read(monkeypatch, [{}], occasion=0.01)
    result = score(language, [(C, customer), (A, "Yes, at your renewal.")])
    assert criterion(result, "empathy").na is not voiced


def test_the_same_order_gives_occasion_once_the_customer_voices_a_difficulty(score):
    late = (C, "Express please, the last one you sent never arrived and I've been waiting two weeks for it.")
    result = score("en", [*ORDER_EN[:-1], late, (A, "Okay, express it is. It's on the way.")])
    empathy = criterion(result, "empathy")
    assert not empathy.na
    assert any(e.rule == "no_empathy" for e in empathy.evidence)


def test_a_put_down_on_a_routine_call_is_still_scored_and_quoted(score):
    rude = (A, "Honestly, if you'd bothered to read the website you wouldn't be wasting my time with this.")
    result = score("en", [*ORDER_EN[:1], rude])
    empathy = criterion(result, "empathy")
    assert not empathy.na
    assert any(e.sign < 0 and e.rule in EMPATHY_NEGATIVE for e in empathy.evidence)


def test_a_routine_call_scored_for_a_put_down_is_not_coached_for_moving_on(score, monkeypatch):
    # A real sales call, where the customer voiced nothing the agent could have acknowledged, was told "moves on
    # without acknowledging what the customer is going through" beside the put-down it was scored for.
    _models_read(monkeypatch, [{"dismissal": 0.8}], occasion=0.01)
    asked = (C, "I was wondering if there is a service where you can look at my application and tune it?")
    result = score("en", [asked, (A, "We do have a support team, that's our engineering team on the back end.")])
    empathy = criterion(result, "empathy")
    assert [e.rule for e in empathy.evidence] == ["dismissal"]
    # Once the customer voices a difficulty, the same reply moves on from it.
    _models_read(monkeypatch, [{"dismissal": 0.8}], occasion=0.9)
    result = score("en", [asked, (A, "We do have a support team, that's our engineering team on the back end.")])
    assert [e.rule for e in criterion(result, "empathy").evidence] == ["dismissal", "no_empathy"]


def test_nothing_is_played_down_where_the_customer_voiced_no_difficulty(score):
    # A real call: the agent's relief as the warning light went off was quoted as playing down the problem (0.80).
    guided = score(
        "en",
        [
            (C, "You're on the inside of the outside of the car. Okay."),
            (A, "When you like, oh, it did, okay, great."),
        ],
    )
    belittled = score(
        "en",
        [
            (C, "You've charged me twice this month and now I'm overdrawn."),
            (A, "Oh come on, it's only forty quid, it's hardly the end of the world."),
        ],
    )
    assert not [e for e in criterion(guided, "empathy").evidence if e.rule == "minimising"]
    assert [e for e in criterion(belittled, "empathy").evidence if e.rule == "minimising"]


def test_moving_on_is_pinned_to_the_reply_after_the_difficulty_not_after_the_longest_turn(score):
    details = (
        C,
        "Yes, so it's Jane Miller, M-I-L-L-E-R, 14 Orchard Close, postcode BS3 4QT, and the account number is 55 "
        "210 934, and my date of birth is the third of May 1961.",
    )
    result = score(
        "en",
        [
            details,
            (A, "Thank you, that's all confirmed."),
            (C, "The heating's been off since Friday and I've got a newborn at home."),
            (A, "Okay. What's the boiler model?"),
        ],
    )
    moved_on = [e for e in criterion(result, "empathy").evidence if e.rule == "no_empathy"]
    assert [e.text for e in moved_on] == ["Okay. What's the boiler model?"]


PLAYBACK = {"en": "So the bill doubled after the move.", "fr": "Donc la facture a doublé après le déménagement."}
STEP = {
    "en": "I'll change your tariff to the pensioner plan, it starts next month.",
    "fr": "Je vous passe au tarif retraité, ça démarre le mois prochain.",
}


@pytest.mark.parametrize(
    ("reading", "replies", "language", "words"),
    [
        (
            {"reflection": 0.95},
            PLAYBACK,
            "en",
            "Plays the facts back without acknowledging what the customer is going through",
        ),
        ({"reflection": 0.95}, PLAYBACK, "fr", "Reprend les faits sans réagir à ce que vit le client"),
        (
            {"reassurance": 0.95},
            STEP,
            "en",
            "Goes straight to the fix without acknowledging what the customer is going through",
        ),
        ({"reassurance": 0.95}, STEP, "fr", "Passe directement à la solution sans réagir à ce que vit le client"),
        ({}, PLAYBACK, "en", "Moves on without acknowledging what the customer is going through"),
    ],
)
def test_the_missing_reaction_says_what_the_agent_did_instead(score, monkeypatch, reading, replies, language, words):
    # A playback or a next step is quoted as such, and the same reply is not also said to "move on" as if it did
    # nothing: the coaching names what was missing, the customer's situation acknowledged.
    _models_read(monkeypatch, [reading])
    problem = PROBLEM_EN if language == "en" else PROBLEM_FR
    empathy = criterion(score(language, [problem, (A, replies[language])]), "empathy")
    assert [e.explanation for e in empathy.evidence if e.rule == "no_empathy"] == [words]


def test_listening_rises_when_the_agent_plays_the_problem_back_before_fixing_it(score):
    fix = "I'll change your tariff to the pensioner plan, it starts next month."
    listened = score("en", [PROBLEM_EN, (A, "So the bill doubled after the move and you can't keep up. " + fix)])
    straight = score("en", [PROBLEM_EN, (A, fix)])
    assert criterion(listened, "active_listening").score > criterion(straight, "active_listening").score


def test_blaming_the_customer_costs_empathy_and_is_quoted_as_an_area_to_improve(score):
    blame = score("fr", [PROBLEM_FR, (A, "Fallait lire le contrat avant de déménager, c'était écrit dedans.")])
    warm = score(
        "fr", [PROBLEM_FR, (A, "Une facture qui double à la retraite, c'est angoissant. Je regarde ça tout de suite.")]
    )
    assert criterion(blame, "empathy").score < 50 < criterion(warm, "empathy").score
    assert any(e.rule == "blame" and e.sign < 0 for e in criterion(blame, "empathy").evidence)


def test_plain_words_score_higher_than_unexplained_acronyms(score):
    question = (C, "My internet keeps cutting out, what's going on?")
    plain = score("en", [question, (A, "Your box keeps restarting by itself. I'll send you a new one tomorrow.")])
    jargon = score(
        "en", [question, (A, "Your ONT is flapping on the GPON port, I'll raise a P2 for an OLT reprovision.")]
    )
    assert criterion(plain, "jargon").score > criterion(jargon, "jargon").score


def _models_read(
    monkeypatch,
    replies: list[dict[str, float]],
    segments: dict[int, dict[str, float]] | None = None,
    occasion: float = 1.0,
) -> None:
    """The behaviour models read each agent reply with these probabilities (others 0), in order, and each segment
    of a reply of several with `segments[index]`; every reply follows customer words that give occasion for
    empathy with that chance."""
    from app.scoring.behaviours import predict
    from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS
    from app.scoring.behaviours.turns import agent_units

    def row(reading: dict[str, float]) -> np.ndarray:
        return np.array([reading.get(b, 0.0) for b in BEHAVIOUR_IDS], dtype=np.float32)

    def read(segments_, model=None):
        units = tuple(agent_units(segments_))
        assert len(units) == len(replies)
        by_segment = {i: row(r) for i, r in (segments or {}).items()}
        chances = np.full(len(units), occasion, dtype=np.float32)
        return predict.TurnBehaviours(units, np.stack([row(r) for r in replies]), BEHAVIOUR_IDS, by_segment, chances)

    monkeypatch.setattr(predict, "predict_turns", read)


WHAT_NOW = {"en": "So what do I do now?", "fr": "Et du coup je fais quoi ?"}


def _quoted(score, language: str, customer: str, reply: str, criterion_id: str, before=()) -> list[str]:
    """The rules of the evidence `criterion_id` quotes for `reply` to `customer` (after the turns `before`), in
    order."""
    result = score(language, [*before, (C, customer), (A, reply)])
    return [e.rule for e in criterion(result, criterion_id).evidence]


@pytest.mark.parametrize(
    ("language", "customer", "reply"),
    [
        (
            "en",
            "My internet's been slow for a week.",
            "A week of slow internet is frustrating. I'm running a test now.",
        ),
        (
            "fr",
            "Je ne peux pas tout payer ce mois-ci.",
            "Merci de nous le dire, je sais que ce n'est pas facile d'appeler pour ça. On peut étaler sur trois mois.",
        ),
    ],
)
def test_naming_how_hard_it_is_is_quoted_as_acknowledging_the_customer(score, language, customer, reply):
    # It counted as warmth (the support floor, 0.7) but under the quoting bar, so a sheet could quote another reply.
    empathy = criterion(score(language, [(C, customer), (A, reply)]), "empathy")
    assert [e for e in empathy.evidence if e.rule == "feeling" and e.sign > 0]


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "I'm really sorry about the wait, that's far too long."),
        ("fr", "Je suis vraiment désolé pour l'attente, c'est beaucoup trop long."),
    ],
)
def test_agreeing_that_the_wait_was_too_long_is_no_hollow_empathy(score, language, reply):
    # The French reply read as empathy undone at once (0.88): "c'est beaucoup trop long" sides with the customer.
    complaint = {"en": "I've been on hold for forty minutes.", "fr": "Ça fait quarante minutes que j'attends !"}
    assert _put_downs(score, language, complaint[language], reply) == []


def _put_downs(score, language: str, complaint: str, reply: str, before=()) -> list[str]:
    """The put-downs the empathy criterion quotes for `reply` to `complaint` (after the turns `before`)."""
    return [rule for rule in _quoted(score, language, complaint, reply, "empathy", before) if rule in PUT_DOWN_RULES]


def _exchanges(count: int) -> list[tuple[str, str]]:
    return [
        turn
        for i in range(count)
        for turn in (
            (C, f"And then on day {i + 1} the box dropped again, twice in the evening."),
            (A, "The box resets itself at night."),
        )
    ]


def test_one_reply_the_models_are_sure_of_outranks_a_call_of_maybes(score, monkeypatch):
    # Every reply a maybe (0.3 reflection, question and acknowledgement) on speech unlike the training corpus must
    # not add up to more listening than one clear question among plain replies.
    _models_read(monkeypatch, [{"reflection": 0.3, "question": 0.3, "acknowledgement": 0.3}] * 6)
    maybes = criterion(score("en", _exchanges(6)), "active_listening").score
    _models_read(monkeypatch, [{"question": 0.9}] + [{"question": 0.05}] * 5)
    one_clear = criterion(score("en", _exchanges(6)), "active_listening").score
    assert one_clear > maybes


def test_one_playback_makes_a_short_call_but_not_a_long_one(score, monkeypatch):
    # In three replies, the one playback is the moment that mattered; in twenty, a single one is not a habit.
    playback, plain = {"reflection": 0.95}, {"reflection": 0.05}
    _models_read(monkeypatch, [playback] + [plain] * 2)
    short_call = criterion(score("en", _exchanges(3)), "active_listening").score
    _models_read(monkeypatch, [playback] + [plain] * 19)
    long_call_once = criterion(score("en", _exchanges(20)), "active_listening").score
    _models_read(monkeypatch, [playback, plain, plain, plain] * 5)
    long_call_often = criterion(score("en", _exchanges(20)), "active_listening").score
    assert short_call >= 80
    assert long_call_once < short_call - 20
    assert long_call_often > long_call_once + 20


def test_several_unsure_readings_of_a_put_down_do_not_add_up_to_a_sure_one(score, monkeypatch):
    warm = {"feeling": 0.9}
    _models_read(monkeypatch, [warm])
    plain = criterion(score("en", _exchanges(1)), "empathy").score
    _models_read(monkeypatch, [{**warm, "blame": 0.3, "dismissal": 0.3, "minimising": 0.3, "hollow_empathy": 0.3}])
    unsure = criterion(score("en", _exchanges(1)), "empathy").score
    _models_read(monkeypatch, [{**warm, "blame": 0.9}])
    put_down = criterion(score("en", _exchanges(1)), "empathy").score
    assert unsure == plain
    assert put_down < plain - 30


def test_a_question_the_recogniser_split_is_quoted_from_where_it_starts(score, monkeypatch):
    # A real call: the models find the question in its tail, "regarding this?", split off into a segment of its own.
    _models_read(monkeypatch, [{"question": 0.99}], segments={1: {"question": 0.6}, 2: {"question": 0.99}})
    result = score(
        "en",
        [
            (C, "I think it's an oil light, it came on this morning."),
            (A, "And just for clarity on my end, ma'am, is this the first call you've made", 0.7),
            (A, "regarding this?", 0.0),
        ],
    )
    quoted = [e.text for e in criterion(result, "active_listening").evidence if e.rule == "question"]
    assert quoted == ["And just for clarity on my end, ma'am, is this the first call you've made"]


def test_a_signposted_reformulation_is_quoted_rather_than_another_part_of_the_same_reply(score, monkeypatch):
    # The models find the instruction a little more like a reflection than the signposted playback.
    _models_read(monkeypatch, [{"reflection": 0.2}], segments={1: {"reflection": 0.4}, 2: {"reflection": 0.1}})
    result = score(
        "en",
        [
            (C, "The warning light came back on the day after you serviced it, I'm a bit worried to drive it."),
            (A, "There are two tiny buttons under the clock."),
            (A, "So if I've got this right, the light came back the day after the service."),
        ],
    )
    quoted = [e.text for e in criterion(result, "active_listening").evidence if e.rule == "reflection"]
    assert quoted == ["So if I've got this right, the light came back the day after the service."]


@pytest.mark.parametrize(
    ("reply", "signposted"),
    [
        ("Okay, so, your bill doubled after the move.", True),  # the recogniser's commas split no signpost
        ("Mm. So you're on a pension and the bill doubled.", True),
        ("Just so you know, the bill went up for everyone this year.", False),  # 'so' of purpose
        ("Right, it went up twice, so you're paying double now.", True),
        ("So you'll get the new bill on the first, is that it?", True),
        ("The new rate is lower, so you can switch whenever you like.", False),
        ("So, you know, bills go up after a move.", False),  # a filler
    ],
)
def test_only_a_so_that_sums_up_signposts_a_reformulation(score, monkeypatch, reply, signposted):
    # The models read no playback at all: only the signpost can earn one.
    _models_read(monkeypatch, [{"reflection": 0.1}])
    quoted = _quoted(score, "en", PROBLEM_EN[1], reply, "active_listening")
    assert ("reflection" in quoted) is signposted


def test_playing_back_what_the_customer_said_is_warmth_and_is_quoted_under_empathy_too(score, monkeypatch):
    playback = "So your bill doubled after the move, and on a pension you can't keep up with it."
    _models_read(monkeypatch, [{"reflection": 0.95}])
    played_back = criterion(score("en", [PROBLEM_EN, (A, playback)]), "empathy")
    _models_read(monkeypatch, [{"reflection": 0.05}])
    moved_on = criterion(score("en", [PROBLEM_EN, (A, "Let me look at the account.")]), "empathy")
    assert played_back.score > moved_on.score + 20
    assert [e.text for e in played_back.evidence if e.rule == "reflection" and e.sign > 0] == [playback]


def test_advice_that_reuses_the_customers_words_earns_no_playback_warmth(score, monkeypatch):
    # Both read alike to the models; "you should" makes the first one advice (listening gives it no credit either).
    _models_read(monkeypatch, [{"reflection": 0.9}])
    advice = "Your bill doubled after the move, so you should switch to the monthly plan."
    advised = criterion(score("en", [PROBLEM_EN, (A, advice)]), "empathy")
    reflected = criterion(score("en", [PROBLEM_EN, (A, "Your bill doubled after the move.")]), "empathy")
    assert advised.score < reflected.score - 20
    assert not [e for e in advised.evidence if e.rule == "reflection"]


def test_a_rubric_that_gives_playback_no_empathy_weight_does_not_quote_it_there(monkeypatch):
    _models_read(monkeypatch, [{"reflection": 0.95}])
    rubric = bundled_rubrics()["hotline_en"]

    def without_playback(spec: DetectorSpec) -> DetectorSpec:
        if spec.name != "empathy_behaviours":
            return spec
        return replace(spec, params=MappingProxyType({**spec.params, "reflection": 0.0}))

    criteria = tuple(replace(c, detectors=tuple(map(without_playback, c.detectors))) for c in rubric.criteria)
    call = build("en", [PROBLEM_EN, (A, "So your bill doubled after the move.")])
    result = score_transcript(call, replace(rubric, criteria=criteria))
    assert not [e for e in criterion(result, "empathy").evidence if e.rule == "reflection"]
    assert [e for e in criterion(result, "active_listening").evidence if e.rule == "reflection"]


@pytest.mark.parametrize(
    ("language", "everyday", "unfamiliar"),
    [
        (
            "en",
            "Right, so what I'm going to do now is book a man to come round to your house on Monday morning, and he "
            "will have a look at the box and the line and sort it all out for you.",
            "Your ONT needs a GPON reprovision.",
        ),
        (
            "fr",
            "Bon, alors ce que je vais faire maintenant, c'est vous envoyer quelqu'un lundi matin chez vous, il va "
            "regarder la box et la ligne et tout remettre en ordre pour vous.",
            "Votre ONT nécessite un reprovisionnement GPON.",
        ),
    ],
)
def test_a_long_sentence_of_everyday_words_reads_plainer_than_a_short_one_of_unknown_terms(
    monkeypatch, language, everyday, unfamiliar
):
    # Read by the plain-language detector alone, neither turn showing a behaviour to the models.
    from app.scoring.detectors.registry import get_detector
    from app.scoring.engine import context_for
    from app.scoring.rubrics import bundled_rubrics
    from tests.scoring.conftest import build

    plain_language = get_detector("plain_language")
    _models_read(monkeypatch, [{}])

    def readable(text: str) -> float:
        ctx = context_for(build(language, [(A, text)]), bundled_rubrics()[f"hotline_{language}"])
        return plain_language.func(ctx, plain_language.params).score

    assert readable(everyday) > readable(unfamiliar) + 3


@pytest.mark.parametrize(
    ("language", "question", "dense", "terms"),
    [
        (
            "en",
            "What's the export payment exactly?",
            "Okay, so the SEG is a licensed-supplier obligation to pay for exported kWh measured by an export-capable "
            "smart meter, at a tariff set by the SEG licensee above zero.",
            "SEG",
        ),
        (
            "fr",
            "C'est quoi exactement cette histoire de connexion ?",
            "Euh alors c'est la MFA : vous enrôlez votre device dans l'app Authenticator, et à chaque login vous "
            "aurez une push notification ou un TOTP à saisir.",
            "MFA",
        ),
    ],
)
def test_a_long_sentence_full_of_technical_terms_is_quoted_with_its_terms(score, language, question, dense, terms):
    plain = criterion(score(language, [(C, question), (A, dense)]), "jargon")
    quoted = [e for e in plain.evidence if e.rule == "long_sentences"]
    assert len(quoted) == 1
    assert quoted[0].sign < 0 and terms in quoted[0].explanation
    assert quoted[0].text == dense


def test_a_long_spoken_run_of_everyday_clauses_costs_points_but_is_not_quoted_as_jargon(score):
    # A real dealership call: one sentence for the recogniser, across four segments, clauses joined by "and".
    run = [
        (A, "If the engine light comes on, we take a look at that, but the oil change is something", 0.0),
        (A, "that we just don't have here at the dealership, that's a little bit outsourced out, and", 0.0),
        (A, "they're pretty backed up right now, because a lot of people have been staying in due to", 0.0),
        (A, "the recent pandemic, and now everyone's just starting to get out, and a whole bunch", 0.0),
        (A, "of places are just completely bogged down.", 0.0),
    ]
    plain = criterion(score("en", [(C, "So what should I do about the oil light?"), *run]), "jargon")
    assert not [e for e in plain.evidence if e.rule == "long_sentences"]
    assert plain.score < 100


def test_sentences_run_across_the_recognisers_segments_until_a_full_stop_a_pause_or_the_customer(rubric_en):
    from app.scoring.detectors.behaviours import agent_sentences
    from app.scoring.engine import context_for

    call = build(
        "en",
        [
            (A, "So what I'll do is", 0.0),
            (A, "send you a new router today.", 0.2),  # the same sentence, split by the recogniser
            (A, "It should arrive tomorrow", 0.2),
            (A, "you plug it in where the old one was", 1.5),  # a second and a half of silence ends the sentence
            (C, "Okay"),
            (A, "and then you call us back"),  # the customer spoke in between
        ],
    )
    ctx = context_for(call, rubric_en)
    sentences = agent_sentences(ctx, ctx.behaviours().units, pause=1.0)
    assert [" ".join(s.words) for s in sentences] == [
        "So what I'll do is send you a new router today",
        "It should arrive tomorrow",
        "you plug it in where the old one was",
        "and then you call us back",
    ]
    assert sentences[0].spans == ((0, 0, 18), (1, 0, 28))


@pytest.mark.parametrize(
    ("language", "no_term", "term"),
    [
        (
            "en",
            "You can also book a slot, and this is all at no charge, so whenever suits you.",
            "The ONT, that's the little white box on the wall where the fibre comes in.",
        ),
        (
            "fr",
            "Vous pouvez aussi prendre rendez-vous, et tout ça c'est gratuit, donc quand ça vous arrange.",
            "L'ONT, c'est le petit boîtier blanc au mur, là où arrive la fibre.",
        ),
    ],
)
def test_praise_for_explaining_a_term_needs_a_term_to_explain(score, monkeypatch, language, no_term, term):
    # The models read both replies as explaining (0.98); only the one with a technical term earns the praise.
    _models_read(monkeypatch, [{"explanation": 0.98}])
    for reply, praised in ((no_term, False), (term, True)):
        assert ("explanation" in _quoted(score, language, WHAT_NOW[language], reply, "jargon")) is praised, reply


@pytest.mark.parametrize(("reading", "praised"), [(0.65, False), (0.9, True)])
def test_an_explanation_is_praised_only_when_the_models_are_fairly_sure(score, monkeypatch, reading, praised):
    _models_read(monkeypatch, [{"explanation": reading}])
    reply = "The ONT, that's the little white box on the wall where the fibre comes in."
    assert ("explanation" in _quoted(score, "en", WHAT_NOW["en"], reply, "jargon")) is praised


@pytest.mark.parametrize(("criterion_id", "behaviour"), [("empathy", "feeling"), ("active_listening", "reflection")])
def test_a_reading_the_models_are_unsure_of_ranks_above_none_and_far_below_a_sure_one(
    score, monkeypatch, criterion_id, behaviour
):
    # Under the floor (0.35) a reading counted 0, so a weak reaction ranked with no reaction at all; it now counts a
    # small share of itself, and is still never quoted as a strength.
    found = {}
    for reading in (0.05, 0.3, 0.9):
        _models_read(monkeypatch, [{behaviour: reading}])
        result = score("en", [PROBLEM_EN, (A, "Okay. Let me have a look at the account.")])
        found[reading] = criterion(result, criterion_id)
    assert found[0.05].score < found[0.3].score < found[0.05].score + 10 < found[0.9].score
    assert not [e for e in found[0.3].evidence if e.sign > 0]


def test_answering_without_listening_is_quoted_at_the_first_such_reply_not_the_least_unsure_one(score, monkeypatch):
    _models_read(monkeypatch, [{"reflection": 0.3}, {"reflection": 0.1}])
    first = "Of course. I'm so sorry for the inconvenience."
    closing = "My pleasure, is there anything else I can help you with?"
    thanks = (C, "Sounds great, thank you so much for sorting all of that out for me today.")
    result = score("en", [PROBLEM_EN, (A, first), thanks, (A, closing)])
    quoted = [e.text for e in criterion(result, "active_listening").evidence if e.rule == "no_listening"]
    assert quoted
    assert first.startswith(quoted[0])


@pytest.mark.parametrize(
    ("language", "dense"),
    [
        ("en", "So that's the pro rata of the FTTH plan change with the NRO adjustment."),
        ("fr", "Oui, alors c'est le prorata du changement d'offre FTTH avec la régularisation du NRO."),
    ],
)
def test_a_reply_read_as_unexplained_jargon_is_not_also_praised_as_an_explanation(score, monkeypatch, language, dense):
    # A definition in more jargon: the models read it as unexplained jargon (1.00) and as explaining (0.88).
    _models_read(monkeypatch, [{"jargon": 1.0, "explanation": 0.88}])
    quoted = _quoted(score, language, WHAT_NOW[language], dense, "jargon")
    assert "jargon" in quoted
    assert "explanation" not in quoted


@pytest.mark.parametrize(
    ("language", "complaint", "courtesy", "put_down"),
    [
        (
            "en",
            "Hang on, sorry, I'm driving, let me pull over. Right. So the fee's still on my account and I'm fuming.",
            "Yeah, no, that's no problem at all, take your time.",
            "No problem, but that's not our department, you'll have to ring your bank.",
        ),
        (
            "fr",
            "Attendez, pardon, je conduis, je me gare. Voilà. Donc les frais sont toujours là, j'en ai marre.",
            "Oui oui, aucun souci, prenez votre temps.",
            "Pas de souci, mais ça c'est pas chez nous, faut voir avec votre banque.",
        ),
    ],
)
def test_courtesy_alone_is_never_a_put_down_but_a_refusal_that_opens_with_it_still_is(
    score, language, complaint, courtesy, put_down
):
    assert _put_downs(score, language, complaint, courtesy) == []
    assert "dismissal" in _put_downs(score, language, complaint, put_down)


@pytest.mark.parametrize(
    ("language", "complaint", "read_back", "belittling"),
    [
        (
            "en",
            "The oil light came on this morning on the motorway and now I'm scared to drive it.",
            "An oil light, okay.",
            "It's only an oil light.",
        ),
        (
            "fr",
            "Le voyant d'huile s'est allumé ce matin sur l'autoroute et là j'ose plus rouler.",
            "Le voyant d'huile, d'accord.",
            "C'est juste un petit voyant.",
        ),
    ],
)
def test_reading_back_the_customers_words_is_no_put_down_but_belittling_them_is(
    score, monkeypatch, language, complaint, read_back, belittling
):
    # The models read both replies as playing the problem down (0.86, as on a real call).
    _models_read(monkeypatch, [{"minimising": 0.86}])

    assert _put_downs(score, language, complaint, read_back) == []
    assert _put_downs(score, language, complaint, belittling) == ["minimising"]


@pytest.mark.parametrize(
    ("language", "distress", "own_story", "reaction"),
    [
        (
            "en",
            "Since my wife left I come home to an empty flat every night and I can't take it anymore.",
            "Same here. My wife left me last year and I still cry myself to sleep, I hate my life.",
            "Coming home to an empty flat every night, that's so lonely. I'm so sorry.",
        ),
        (
            "fr",
            "Depuis que ma femme est partie je rentre tous les soirs dans un appart vide, je tiens plus.",
            "Pareil. Ma femme m'a quitté l'an dernier et moi je pleure encore tous les soirs, je déteste ma vie.",
            "Rentrer tous les soirs dans un appart vide, c'est tellement dur. Je suis vraiment désolé.",
        ),
        (
            "en",
            "Since my wife left I come home to an empty flat every night and I can't take it anymore.",
            "Same here. Empty flat, nobody to talk to, you know, it's been two years now.",
            "Coming home to an empty flat every night, that's so lonely. I'm so sorry.",
        ),
        (
            "fr",
            "Depuis que ma femme est partie je rentre tous les soirs dans un appart vide, je tiens plus.",
            "Pareil pour moi. L'appart vide, personne à qui parler, vous voyez, ça fait deux ans.",
            "Rentrer tous les soirs dans un appart vide, c'est tellement dur. Je suis vraiment désolé.",
        ),
        (
            "fr",
            "Depuis que ma femme est partie je rentre tous les soirs dans un appart vide, je tiens plus.",
            "C'est horrible quand j'écoute notre chanson, j'ai le cafard et j'oublie tout le reste.",
            "Rentrer tous les soirs dans un appart vide, c'est tellement dur. Je suis vraiment désolé.",
        ),
    ],
)
def test_the_agents_own_story_is_not_warmth_towards_the_customer(
    score, monkeypatch, language, distress, own_story, reaction
):
    # The models read both replies as warm (0.9): one is about the agent, the other about the customer.
    _models_read(monkeypatch, [{"feeling": 0.9}])
    story = criterion(score(language, [(C, distress), (A, own_story)]), "empathy")
    warmth = criterion(score(language, [(C, distress), (A, reaction)]), "empathy")

    assert warmth.score > story.score + 30
    assert "feeling" not in {e.rule for e in story.evidence}
    assert "no_empathy" in {e.rule for e in story.evidence}


@pytest.mark.parametrize(
    ("language", "reply"),
    [
        ("en", "That was our mistake and I'm really sorry. I'm sending a replacement today, I'll text the tracking."),
        ("en", "Oh no. Honestly, I'd be furious too, I really would."),
        ("fr", "C'est notre erreur, je suis vraiment désolée. Je vous envoie un remplaçant aujourd'hui même."),
        ("fr", "Oh là là. Franchement, moi aussi je serais furieuse, je le serais vraiment."),
        ("en", "I lost all my wedding photos once, I remember that sinking feeling. Hang in there."),
        ("fr", "J'ai perdu mes photos de mariage une fois, je me souviens de ce moment. Tenez bon."),
        ("en", "I know what it's like. I lost all my photos once and I was so angry with myself."),
        ("fr", "Je connais ce sentiment. J'ai perdu toutes mes photos une fois et j'étais tellement en colère."),
        ("fr", "Je me reconnais tellement là-dedans, j'ai perdu toutes mes photos une fois."),
    ],
)
def test_an_apology_a_step_siding_with_or_supporting_the_customer_in_the_first_person_is_still_warmth(
    score, monkeypatch, language, reply
):
    _models_read(monkeypatch, [{"feeling": 0.9}])
    complaint = (
        "Votre technicien a effacé mon téléphone, j'ai perdu trois semaines de photos."
        if language == "fr"
        else "Your engineer wiped my phone and I lost three weeks of photos."
    )
    result = score(language, [(C, complaint), (A, reply)])

    assert "feeling" in {e.rule for e in criterion(result, "empathy").evidence}


@pytest.mark.parametrize(
    ("language", "distress", "offer", "service"),
    [
        (
            "en",
            "It's been a really bad day, I'm doing all I can not to fall apart right now.",
            "I'm here if you want to talk about it.",
            "You can call us back on this number any time.",
        ),
        (
            "fr",
            "C'est une très mauvaise journée, je fais tout pour pas craquer là.",
            "Je suis là si vous voulez en parler.",
            "Vous pouvez nous rappeler à ce numéro quand vous voulez.",
        ),
        (
            "en",
            "My husband left in March and the bills keep coming, I'm barely holding it together.",
            "You're not alone in this, and you can get through it. Hang in there.",
            "Have a nice day, and thanks for calling.",
        ),
        (
            "fr",
            "Mon mari est parti en mars et les factures continuent d'arriver, je tiens à peine debout.",
            "Vous n'êtes pas seule, et vous allez vous en sortir. Tenez bon.",
            "Bonne journée, et merci de votre appel.",
        ),
        (
            "en",
            "Everyone at work just ignores me since the reorganisation, I eat lunch on my own every day.",
            "Do you need someone to talk to? I'm listening, and you aren't alone.",
            "Your case reference is on the email we sent this morning.",
        ),
        (
            "fr",
            "Au travail tout le monde m'ignore depuis la réorganisation, je mange seule tous les midis.",
            "Vous avez besoin de parler à quelqu'un ? Vous êtes pas seule, gardez espoir.",
            "Votre numéro de dossier est dans le mail qu'on vous a envoyé ce matin.",
        ),
    ],
)
def test_support_for_the_person_counts_as_warmth_but_service_and_courtesy_do_not(
    score, monkeypatch, language, distress, offer, service
):
    # The models read both replies as barely warm (0.3, as they read offers to listen and encouragement on support
    # chats).
    _models_read(monkeypatch, [{"feeling": 0.3}])
    offered = criterion(score(language, [(C, distress), (A, offer)]), "empathy")
    served = criterion(score(language, [(C, distress), (A, service)]), "empathy")

    assert offered.score > served.score + 30
    assert "no_empathy" in {e.rule for e in served.evidence}


@pytest.mark.parametrize(
    ("language", "complaint", "no_apology", "apology"),
    [
        (
            "en",
            "The warranty people never called me back and the light's still on.",
            "Give me a sec, yeah, let me just ruffle through the desk here, see if I can find their information.",
            "Oh, I'm sorry they never called you back.",
        ),
        (
            "fr",
            "Le service garantie m'a jamais rappelé et le voyant est toujours allumé.",
            "Une seconde, oui, je regarde dans mes papiers si je retrouve leurs coordonnées.",
            "Oh, je suis désolée qu'ils ne vous aient jamais rappelé.",
        ),
    ],
)
def test_an_apology_needs_a_word_of_apology(score, monkeypatch, language, complaint, no_apology, apology):
    # The models read both replies as apologising (0.81, as on a real call); only one says sorry.
    _models_read(monkeypatch, [{"apology": 0.81}])
    for reply, apologised in ((no_apology, False), (apology, True)):
        assert ("apology" in _quoted(score, language, complaint, reply, "empathy")) is apologised, reply


@pytest.mark.parametrize(
    ("language", "no_term", "term"),
    [
        ("en", "He began a confused complaint against the wizard.", "Your ONT needs reprovisioning on the OLT side."),
        (
            "fr",
            "Bonjour, c'est une liste d'enfants plus, je lis à la parée.",
            "Votre ONT doit être reprovisionné côté OLT.",
        ),
    ],
)
def test_jargon_is_quoted_only_where_a_technical_term_is(score, monkeypatch, language, no_term, term):
    # The models read both replies as jargon (0.77, as they read a garbled line of a real recording).
    _models_read(monkeypatch, [{"jargon": 0.77}])
    for reply, quoted in ((no_term, False), (term, True)):
        assert ("jargon" in _quoted(score, language, WHAT_NOW[language], reply, "jargon")) is quoted, reply


PROPOSAL = {
    "en": "So what would you think about joining a walking group, twice a week?",
    "fr": "Alors, qu'est-ce que vous diriez d'un groupe de marche, deux fois par semaine ?",
}


def _answer_put_downs(score, language: str, customer: str, reply: str, proposal: bool = True) -> list[str]:
    """The put-downs the empathy criterion quotes for `reply` to `customer`, who answers the agent's proposal (or
    opens the call)."""
    return _put_downs(score, language, customer, reply, [(A, PROPOSAL[language])] if proposal else [])


@pytest.mark.parametrize(
    ("language", "objection", "agreement", "directive", "taken_in"),
    [
        (
            "en",
            "Well, I don't think I can, honestly. I've tried three times already and it always comes back on.",
            "Yes, that sounds good, the doctor mentioned something like it.",
            "You just need to stick to one plan. You have to put the time in.",
            "I understand, three times is a lot. You just need to stick to one plan.",
        ),
        (
            "fr",
            "Bof, je sais pas trop. J'ai déjà essayé trois fois et ça revient toujours.",
            "Oui, ça me va, le médecin m'en a parlé.",
            "Il faut que vous teniez un seul programme. Vous devez vous y mettre.",
            "Je comprends, trois fois c'est beaucoup. Il faut que vous teniez un seul programme.",
        ),
    ],
)
def test_insisting_on_what_the_customer_must_do_after_they_pushed_back_is_brushing_their_objection_aside(
    score, monkeypatch, language, objection, agreement, directive, taken_in
):
    # The models read no put-down in any of these replies (as they read none in "that sounds like a lot of excuses
    # to me ... you just need to fit it in your schedule" in a counselling session rated low).
    _models_read(monkeypatch, [{}, {}])

    assert _answer_put_downs(score, language, objection, directive) == ["insisting"]
    assert _answer_put_downs(score, language, agreement, directive) == []
    assert _answer_put_downs(score, language, objection, taken_in) == []


def test_insisting_is_named_for_what_it_is_with_a_tip_to_take_the_objection_in(score, monkeypatch):
    _models_read(monkeypatch, [{}, {}])
    objection = "I don't think I can, honestly. I've tried three times already."
    result = score("en", [(A, PROPOSAL["en"]), (C, objection), (A, "You just need to stick to one plan.")])
    (insisting,) = [e for e in criterion(result, "empathy").evidence if e.rule == "insisting"]
    assert insisting.sign < 0
    assert insisting.text == "You just need to stick to one plan."
    assert re.fullmatch(
        r"insists on what the customer must do without taking their objection in \(0\.80\)", insisting.explanation
    )
    assert dict(insisting.explanations)["fr"].startswith("insiste sur ce que le client doit faire")
    assert "take the objection in first" in insisting.tip


@pytest.mark.parametrize(
    ("language", "customer", "directive"),
    [
        ("en", "But I don't know what to do now, should I cancel the card?", "You need to cancel it, yes, today."),
        ("fr", "Mais je sais pas quoi faire, je dois faire opposition ?", "Il faut que vous fassiez opposition, oui."),
    ],
)
def test_answering_the_customers_own_question_with_what_to_do_is_not_insisting(
    score, monkeypatch, language, customer, directive
):
    _models_read(monkeypatch, [{}, {}])
    assert _answer_put_downs(score, language, customer, directive) == []


@pytest.mark.parametrize(
    ("language", "problem", "directive"),
    [
        (
            "en",
            "I paid the bill on Monday. But it still says overdue.",
            "You need to allow three days for it to clear.",
        ),
        ("fr", "J'ai payé lundi. Mais c'est toujours marqué impayé.", "Il faut que vous comptiez trois jours."),
    ],
)
def test_a_but_in_the_problem_the_customer_opens_with_objects_to_nothing(
    score, monkeypatch, language, problem, directive
):
    _models_read(monkeypatch, [{}])
    assert _answer_put_downs(score, language, problem, directive, proposal=False) == []


@pytest.mark.parametrize(
    ("language", "hesitation", "hedged_commitment", "hedged_guess", "directive"),
    [
        (
            "en",
            "Uh, maybe.",
            "Well, I guess I could walk once a week then.",
            "Maybe it's the walking I don't like, my knees hurt on hills.",
            "You need to do it twice a week.",
        ),
        (
            "fr",
            "Euh, peut-être.",
            "Bon, je pourrais peut-être marcher une fois par semaine alors.",
            "C'est peut-être la marche que j'aime pas, j'ai mal aux genoux dans les côtes.",
            "Vous devez le faire deux fois par semaine.",
        ),
    ],
)
def test_hesitating_or_offering_less_is_pushing_back_but_a_hedged_guess_is_not(
    score, monkeypatch, language, hesitation, hedged_commitment, hedged_guess, directive
):
    _models_read(monkeypatch, [{}, {}])
    assert _answer_put_downs(score, language, hesitation, directive) == ["insisting"]
    assert _answer_put_downs(score, language, hedged_commitment, directive) == ["insisting"]
    assert _answer_put_downs(score, language, hedged_guess, directive) == []


@pytest.mark.parametrize(
    ("language", "stolen", "step", "reproach"),
    [
        (
            "en",
            "Someone stole my work laptop on the train, I'm scared I'll get fired.",
            "Right, that's done. I'm ordering you a new laptop now, you'll have it on Thursday.",
            "That's your fault for leaving it on the seat. I'm ordering you a new laptop now.",
        ),
        (
            "fr",
            "On m'a volé mon portable du boulot dans le train, j'ai peur de me faire virer.",
            "Donc euh, c'est fait. Je lance la commande d'un nouveau portable, vous l'aurez jeudi.",
            "C'est votre faute, il fallait le surveiller. Je lance la commande d'un nouveau portable.",
        ),
        (
            "fr",
            "Je ne peux pas payer cette facture ce mois-ci, j'ai perdu mon travail.",
            "On peut mettre en place un échéancier, vous paierez un petit montant chaque mois.",
            "C'est votre faute, il fallait prévoir. On peut mettre en place un échéancier.",
        ),
    ],
)
def test_a_step_the_agent_takes_is_not_read_as_blame_unless_the_reply_says_whose_fault_it_is(
    score, monkeypatch, language, stolen, step, reproach
):
    # The models read both replies as blame (0.72 and 0.90), as they read a real call's "c'est fait, je lance la
    # commande" after the customer's relief.
    _models_read(monkeypatch, [{"reassurance": 0.99, "blame": 0.72}])
    assert "blame" not in _put_downs(score, language, stolen, step)
    _models_read(monkeypatch, [{"reassurance": 0.99, "blame": 0.90}])
    assert "blame" in _put_downs(score, language, stolen, reproach)


def _mumbled(confidence: float):
    """A call whose agent's last words, a mumble the recogniser turned into "sorry date okay okay" (a real call's
    transcript), were caught at `confidence` per word; the rest at 0.95."""
    turns = [
        (C, "The warning light came on again two days after you fixed it, I'm really fed up."),
        (A, "Right, I can book it in for tomorrow morning at eight."),
        (C, "Okay, thanks."),
        (A, "sorry date okay okay"),
    ]
    return build("en", turns, heard=lambda turn, word: confidence if turn == 3 else 0.95)


def test_words_the_recogniser_barely_caught_are_neither_read_nor_quoted(rubric_en):
    # On a real dealership call Whisper's "sorry date okay okay" (its words at 0.25, 0.12, 0.48, 0.73) was quoted
    # as the agent's apology: the models read the recogniser's guess, not what the agent said.
    def quoted(confidence: float) -> list[str]:
        result = score_transcript(_mumbled(confidence), rubric_en)
        return [e.text for c in ("empathy", "active_listening") for e in criterion(result, c).evidence]

    assert "sorry date okay okay" in quoted(0.95)
    assert "sorry date okay okay" not in quoted(0.35)
