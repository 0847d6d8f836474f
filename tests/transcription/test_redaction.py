"""Personal data redaction in French and English: what must be hidden and what must be left alone."""

from __future__ import annotations

import numpy as np
import pytest

from app.pii import find_pii, iban_valid, luhn_valid, nir_valid, redact_text
from app.transcription.interchange import Segment, Transcript, Word
from app.transcription.redaction import RedactedSpan, redact_audio, redact_transcript


def kinds(text: str, language: str) -> list[str]:
    return [span.kind for span in find_pii(text, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ma carte c'est le 4111 1111 1111 1111, voilà.", "Ma carte c'est le [CARTE], voilà."),
        ("Le numéro 5555-5555-5555-4444 expire en mai", "Le numéro [CARTE] expire en mai"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN [IBAN] merci"),
        ("Rappelez-moi au 06 12 34 56 78 demain", "Rappelez-moi au [TÉLÉPHONE] demain"),
        ("au 06.12.34.56.78 ou au 01-45-67-89-10", "au [TÉLÉPHONE] ou au [TÉLÉPHONE]"),
        ("le +33 6 12 34 56 78 ou le 0033 6 12 34 56 78", "le [TÉLÉPHONE] ou le [TÉLÉPHONE]"),
        ("c'est le +33 (0)6 12 34 56 78", "c'est le [TÉLÉPHONE]"),
        ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "[TÉLÉPHONE]"),
        ("écrivez à jean.dupont@gmail.com svp", "écrivez à [E-MAIL] svp"),
        ("c'est jean point dupont arobase gmail point com voilà", "c'est [E-MAIL] voilà"),
        ("mon numéro de sécu 1 85 05 78 006 084 91", "mon numéro de sécu [N° SÉCU]"),
        ("né en Corse : 2 90 02 2A 123 456 78", "né en Corse : [N° SÉCU]"),
        ("le code c'est quatre cinq six sept huit", "le code c'est [NUMÉRO]"),
        ("client numéro 7 7 3 2 9", "client numéro [NUMÉRO]"),
        ("zéro six soixante-dix-sept quatre-vingt-dix-neuf", "[NUMÉRO]"),
        ("référence 48 quatre-vingt-douze 17", "référence [NUMÉRO]"),
    ],
)
def test_french_personal_data_is_replaced_by_a_french_label(text, expected):
    assert redact_text(text, "fr") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my card is 4111-1111-1111-1111 thanks", "my card is [CARD] thanks"),
        ("account GB82 WEST 1234 5698 7654 32 please", "account [IBAN] please"),
        ("call me at (415) 555-2671 or 415.555.2671", "call me at [PHONE] or [PHONE]"),
        ("dial 1-800-555-0199 or +44 20 7946 0958", "dial [PHONE] or [PHONE]"),
        ("it's john dot doe at gmail dot com", "it's [EMAIL]"),
        ("mail jane.doe@example.co.uk today", "mail [EMAIL] today"),
        ("the code is four five six seven", "the code is [NUMBER]"),
        ("it's double five two one nine", "it's [NUMBER]"),
        ("the number is 1 2 3 4", "the number is [NUMBER]"),
        ("my ssn is 1 85 05 78 006 084 91", "my ssn is [SSN]"),
    ],
)
def test_english_personal_data_is_replaced_by_an_english_label(text, expected):
    assert redact_text(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("On s'est vus le 12/03/2024 et le 12.03.2024, ou le 2024-03-12.", "fr"),
        ("Le 12 mars 2024 à 14h30, ou à 14:30.", "fr"),
        ("Ça coûte 1 250 euros, soit 49,99 € par mois, 10 %.", "fr"),
        ("J'ai 3 enfants et 2 chats.", "fr"),
        ("Ça fait quatre-vingt-dix-neuf euros, pour deux mille vingt-quatre.", "fr"),
        ("Un instant, je vous mets en attente deux minutes.", "fr"),
        ("En 2024 il y a eu 1250 appels.", "fr"),
        ("It costs $1,250.00 or 1250 dollars, twenty five percent off.", "en"),
        ("I have 3 kids and I'm at home, one moment please.", "en"),
        ("We spoke on 03/12/2024 at 10:45 for 15 minutes.", "en"),
    ],
)
def test_dates_prices_times_and_small_counts_are_left_alone(text, language):
    assert find_pii(text, language) == []
    assert redact_text(text, language) == text


def test_an_invalid_luhn_sixteen_digit_number_is_a_number_not_a_card():
    assert kinds("la carte 4111 1111 1111 1112 expire", "fr") == ["number"]
    assert kinds("4970 1012 3456 7899", "en") == ["number"]


def test_checksums():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("FR7630006000011234567890189") and not iban_valid("FR7630006000011234567890188")
    assert nir_valid("185057800608491") and not nir_valid("185057800608492")
    assert nir_valid("290022A12345678") and not nir_valid("290022B12345678")


def test_an_iban_with_a_bad_checksum_is_not_an_iban():
    assert "iban" not in kinds("IBAN FR76 3000 6000 0112 3456 7890 188", "fr")


def test_the_minimum_run_length_is_configurable():
    assert find_pii("trois quatre cinq", "fr") == []
    assert [s.kind for s in find_pii("trois quatre cinq", "fr", min_digits=3)] == ["number"]


def test_spans_point_at_the_exact_characters():
    text = "appelez le 06 12 34 56 78."
    (span,) = find_pii(text, "fr")
    assert text[span.start : span.end] == "06 12 34 56 78"


def words_of(text: str, start: float, step: float) -> tuple[Word, ...]:
    return tuple(
        Word(start=start + i * step, end=start + i * step + step * 0.8, word=" " + w)
        for i, w in enumerate(text.split())
    )


def test_redact_transcript_maps_spans_to_word_times():
    text = "mon numéro 06 12 34 56 78 merci"
    seg = Segment("customer", 10.0, 14.0, text, words_of(text, 10.0, 0.5))
    plain = Segment("agent", 0.0, 3.0, "carte 4111 1111 1111 1111 ok")
    transcript = Transcript(language="fr", duration=14.0, segments=(plain, seg))
    redacted, spans = redact_transcript(transcript)
    assert [s.text for s in redacted.segments] == ["carte [CARTE] ok", "mon numéro [TÉLÉPHONE] merci"]
    assert spans == [
        RedactedSpan(0, 6, 25, "card", 0.0, 3.0),  # no word times: the whole segment
        RedactedSpan(1, 11, 25, "phone", 11.0, 13.4),
    ]
    assert [w.word.strip() for w in redacted.segments[1].words] == ["mon", "numéro", "[TÉLÉPHONE]", "merci"]
    assert (redacted.segments[1].words[2].start, redacted.segments[1].words[2].end) == (11.0, 13.4)
    assert transcript.segments[1].text == text  # the original is untouched


def test_redact_audio_beeps_or_silences_the_padded_spans():
    rate = 8000
    samples = np.full(rate * 3, 0.5, dtype=np.float32)
    beeped = redact_audio(samples, rate, [(1.0, 2.0)], padding=0.1)
    assert beeped.dtype == np.float32 and beeped.shape == samples.shape
    assert np.all(beeped[: int(0.9 * rate) - 1] == 0.5) and np.all(beeped[int(2.1 * rate) + 1 :] == 0.5)
    tone = beeped[int(1.2 * rate) : int(1.8 * rate)]
    spectrum = np.abs(np.fft.rfft(tone))
    assert abs(np.argmax(spectrum) * rate / len(tone) - 1000) < 5
    silenced = redact_audio(samples, rate, [RedactedSpan(0, 0, 1, "phone", 1.0, 2.0)], mode="silence", padding=0)
    assert np.all(silenced[rate : 2 * rate] == 0) and silenced[rate - 1] == 0.5
    assert np.all(samples == 0.5)


def test_redact_audio_handles_integer_stereo_audio_and_rejects_unknown_modes():
    samples = np.zeros((16000, 2), dtype=np.int16)
    out = redact_audio(samples, 16000, [(0.2, 0.4)])
    assert out.dtype == np.int16 and np.abs(out[4000:6000]).max() > 5000
    with pytest.raises(ValueError):
        redact_audio(samples, 16000, [(0.2, 0.4)], mode="bleep")
