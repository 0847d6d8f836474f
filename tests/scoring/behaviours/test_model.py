"""The shipped behaviour model: its files are checked, and it recognises behaviours, not stock phrases."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from app.scoring.behaviours.model import MODEL_DIR, WEIGHTS_FILE, ModelFileError, featurise, load_model
from app.scoring.behaviours.services import check_model
from app.scoring.behaviours.turns import TurnUnit

pytestmark = pytest.mark.slow  # loads and checks the shipped behaviour model


def probabilities(turn: str, context: str = "") -> dict[str, float]:
    model = load_model()
    return dict(zip(model.behaviours, model.predict([TurnUnit((0,), turn, context)])[0].tolist(), strict=True))


def test_the_shipped_weights_match_their_sha256_and_the_corpus_they_were_trained_on():
    assert check_model() == []


def test_altered_weights_are_refused_with_the_file_named(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    weights = copy / WEIGHTS_FILE
    blob = bytearray(weights.read_bytes())
    blob[-10] ^= 0xFF
    weights.write_bytes(bytes(blob))
    with pytest.raises(ModelFileError, match="heads.npz: sha256 differs"):
        load_model(copy)


LONG_WAIT_EN = "I've been on the phone with you people four times this week and nobody calls back, I'm at my wits' end."
LONG_WAIT_FR = "Ça fait quatre fois que j'appelle cette semaine et personne me rappelle, je suis à bout."


@pytest.mark.parametrize(
    ("context", "reflection", "advice"),
    [
        (
            "I moved out of my mum's last month and now I'm sofa surfing at a friend's, I never know where I'll be.",
            "So you don't feel you have a secure spot right now, is that right?",
            "You should register with the housing office this week and bring two proofs of address.",
        ),
        (
            "Depuis que j'ai quitté chez ma mère le mois dernier je dors chez des potes, je sais jamais où je serai.",
            "Vous avez pas vraiment d'endroit à vous en ce moment, c'est ça ?",
            "Il faut vous inscrire au service logement cette semaine avec deux justificatifs de domicile.",
        ),
    ],
)
def test_a_reflection_reads_as_one_and_advice_does_not(context, reflection, advice):
    assert probabilities(reflection, context)["reflection"] > 0.5 > probabilities(advice, context)["reflection"]


def test_advice_that_repeats_the_customers_number_is_not_a_reflection():
    context = "I was charged 49.99 twice on the 3rd."
    assert probabilities("Then ask your bank to reverse the 49.99 from the 3rd.", context)["reflection"] < 0.5


@pytest.mark.parametrize(
    ("sympathy", "service"),
    [
        ("Oh no, I'm so sorry that happened to you, that's awful.", "Sorry for the wait, I've got your file now."),
        (
            "Oh mince, je suis vraiment désolée que ça vous arrive, c'est terrible.",
            "Pardon pour l'attente, j'ai votre dossier.",
        ),
    ],
)
def test_sorry_that_happened_names_a_feeling_and_sorry_for_the_wait_does_not(sympathy, service):
    assert probabilities(sympathy, LONG_WAIT_EN)["feeling"] > 0.5 > probabilities(service, LONG_WAIT_EN)["feeling"]
    assert probabilities(service, LONG_WAIT_EN)["apology"] > 0.5


@pytest.mark.parametrize(
    ("apology", "context"),
    [("We apologise for any confusion.", LONG_WAIT_EN), ("Toutes nos excuses pour le désagrément.", LONG_WAIT_FR)],
)
def test_a_stock_apology_without_the_word_sorry_still_reads_as_an_apology(apology, context):
    assert probabilities(apology, context)["apology"] > 0.5 > probabilities(apology, context)["feeling"]


@pytest.mark.xfail(reason="known limit of the linear behaviour heads (MODEL_CARD.md, Limits)", strict=True)
def test_felt_sorry_for_them_is_a_story_not_an_apology():
    assert probabilities("My neighbour lost her job too, I felt sorry for them.", LONG_WAIT_EN)["apology"] < 0.5


def test_a_but_that_adds_a_next_step_is_not_hollow_empathy():
    warm = "That sounds really hurtful, but here's what I'll do: I'm calling the depot now and I'll ring you by five."
    hollow = "I understand your frustration, but that's the policy and there's nothing I can do."
    assert (
        probabilities(warm, LONG_WAIT_EN)["hollow_empathy"]
        < 0.5
        < probabilities(hollow, LONG_WAIT_EN)["hollow_empathy"]
    )


@pytest.mark.xfail(reason="known limit of the linear behaviour heads (MODEL_CARD.md, Limits)", strict=True)
def test_a_refusal_that_points_to_someone_who_can_help_today_is_not_hollow_empathy():
    redirect = "I'm sorry that's not something we cover under the warranty, but the garage next door can see you today."
    assert probabilities(redirect, "And they can fix my car?")["hollow_empathy"] < 0.5


def test_hollow_je_comprends_mais_is_recognised_in_french():
    hollow = "Je comprends votre frustration, mais c'est la procédure, je peux rien faire de plus."
    real = "Quatre appels sans rappel, je comprends que vous soyez à bout. Je vous rappelle moi-même avant 17 h."
    assert (
        probabilities(hollow, LONG_WAIT_FR)["hollow_empathy"]
        > 0.5
        > probabilities(real, LONG_WAIT_FR)["hollow_empathy"]
    )
    assert probabilities(real, LONG_WAIT_FR)["reassurance"] > 0.5


def test_unexplained_jargon_and_an_explained_term_are_told_apart():
    context = "My internet keeps cutting out in the evening."
    jargon = "Your ONT is flapping, I'll open a ticket for an OLT-side reprovision."
    explained = "The ONT, that's the little white box where the fibre comes into the house, is restarting by itself."
    assert probabilities(jargon, context)["jargon"] > 0.5
    assert probabilities(explained, context)["explanation"] > 0.5


def test_the_listening_heads_read_a_turn_half_in_context_half_alone_and_the_empathy_heads_in_context():
    model = load_model()
    context = "My bill doubled after the move and nobody can tell me why, I'm on a pension."
    turn = "So since the move the bill has doubled and you've had no explanation."
    mixed = model.predict([TurnUnit((0,), turn, context)])[0]
    model_in_context = replace(model, meta={**model.meta, "context_weight": {}})
    alone = model_in_context.predict([TurnUnit((0,), turn, "")])[0]
    in_context = model_in_context.predict([TurnUnit((0,), turn, context)])[0]

    def logit(p: float) -> float:
        return float(np.log(p / (1.0 - p)))

    for behaviour in ("reflection", "question", "acknowledgement"):
        j = model.column(behaviour)
        assert logit(mixed[j]) == pytest.approx((logit(in_context[j]) + logit(alone[j])) / 2, abs=1e-3)
    j = model.column("feeling")
    assert mixed[j] == pytest.approx(in_context[j], abs=1e-6)


def test_heads_that_read_the_turns_words_refuse_features_without_their_turns():
    model = load_model()
    x = featurise(model.encoder, ["Sorry about that."], ["My parcel never came."])
    assert model.predict_features(x, ["Sorry about that."]).shape == (1, len(model.behaviours))
    with pytest.raises(ValueError, match="turns' words"):
        model.predict_features(x)


@pytest.mark.parametrize(
    ("difficulty", "routine"),
    [
        ("The internet's been down since Monday and I work from home, I've lost two days already.", "Express please."),
        ("I was told someone would call me back last week and nobody ever did.", "Let's get the black one."),
        ("Ça fait trois fois que j'appelle et ma box ne marche toujours pas.", "Mardi matin, ça me va."),
        ("On m'a prélevé deux fois ce mois-ci, je suis à découvert.", "Je voudrais commander le modèle noir."),
    ],
)
def test_the_occasion_head_reads_a_voiced_difficulty_and_not_a_routine_request(difficulty, routine):
    _, occasion = load_model().read([TurnUnit((0,), "Okay.", difficulty), TurnUnit((1,), "Okay.", routine)])
    assert occasion.tolist() == pytest.approx([1, 0], abs=0.5)


def test_a_turn_read_without_customer_words_before_it_gives_no_occasion():
    _, occasion = load_model().read([TurnUnit((0,), "Hello, how can I help?", "")])
    assert occasion.tolist() == [0.0]


def test_trying_a_turn_from_the_command_line_reports_its_behaviours_and_the_customers_occasion(runner):
    result = runner.invoke(
        args=[
            "qa",
            "behaviours",
            "predict",
            "Okay. What's the boiler model?",
            "--context",
            "The heating's been off since Friday and I've got a newborn at home.",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    reading = json.loads(result.output)
    assert reading["question"] > 0.5 > reading["feeling"]
    assert reading["occasion"] > 0.5
