"""Tolerant phrase search: a phrase the engine misheard but that still sounds the same is found."""

from __future__ import annotations

from app.transcription.tolerant import find_any, find_phrase, sound_key

DISCLAIMERS = ["cet appel peut être enregistré", "cet appel est enregistré", "est enregistré"]
# What Whisper base wrote for "Bonjour, service client Fibre Plus, Julie à l'appareil. Cet appel peut être
# enregistré. Que puis-je faire pour vous ?" on the synthesised French demo call.
MISHEARD = (
    "Bonjour, c'est une liste d'enfants plus, je lis à la parée, c'est appel peut-être enregistré "
    "que plus c'est pour vous."
)


def test_french_homophones_share_a_sound_key():
    assert sound_key("cet") == sound_key("c'est")
    assert sound_key("enregistré") == sound_key("enregistrée") == sound_key("enregistrer")


def test_a_misheard_recording_disclaimer_is_found_and_pointed_at():
    hit = find_any(DISCLAIMERS, MISHEARD, min_key=14)
    assert hit is not None and hit.phrase == "cet appel peut être enregistré"
    assert MISHEARD[hit.start_char : hit.end_char] == "c'est appel peut-être enregistré"


def test_a_phrase_heard_with_a_few_wrong_sounds_is_still_found():
    hit = find_phrase("que puis-je pour vous", MISHEARD, min_key=12)
    assert hit is not None and hit.distance > 0
    assert MISHEARD[hit.start_char : hit.end_char] == "que plus c'est pour vous"


def test_unrelated_speech_about_recording_something_is_not_a_disclaimer():
    for text in (
        "Votre appel a bien été enregistré dans notre système.",
        "Je vais enregistrer votre demande pour la suite.",
        "Vous êtes en train de regarder le registre.",
    ):
        assert find_any(DISCLAIMERS, text, min_key=14) is None, text


def test_short_phrases_are_left_to_exact_matching():
    assert find_phrase("est enregistré", "c'est enregistré", min_key=14) is None
