"""The engine: weighted totals, N/A, auto-fail, confidence, evidence shape and the to_dict contract."""

from __future__ import annotations

from tests.scoring.conftest import criterion

A, C = "agent", "customer"
CALL_EN = [
    (A, "Hello, Northbank, this is Ben, how can I help?"),
    (C, "Hi, I'd like to know the balance on my current account please, I'm a bit worried about it."),
    (A, "Of course. For security, can you confirm your date of birth and postcode?"),
    (C, "Twelfth of May 1980, and it's BS1 4DJ."),
    (A, "Thank you. Your balance is four hundred and twelve pounds. I'll send you a statement by email today."),
    (C, "Great, thanks."),
    (A, "Anything else I can help with? Have a good day."),
]


def test_to_dict_has_exactly_the_documented_shape(score):
    data = score("en", CALL_EN).to_dict()
    assert set(data) == {"rubric", "version", "total", "auto_failed", "criteria"}
    assert data["rubric"] == "hotline_en" and data["version"] == 2
    for item in data["criteria"]:
        assert set(item) == {"id", "score", "weight", "confidence", "na", "na_reason", "evidence"}
        assert (item["na_reason"] is not None) is item["na"]  # an N/A says why; a score needs no reason
        assert 0 <= item["confidence"] <= 1
        assert item["score"] is None or 0 <= item["score"] <= 100


def test_evidence_carries_segment_span_times_rule_sign_explanation_and_tip(score):
    result = score("en", CALL_EN)
    evidence = [e for c in result.criteria for e in c.evidence]
    assert evidence
    for e in evidence:
        assert e.sign in (1, -1) and e.rule and e.explanation
        assert 0 <= e.span[0] < e.span[1] and e.start <= e.end
    negative = [e for e in evidence if e.sign < 0]
    assert all(e.tip for e in negative)


def test_identity_checked_before_the_balance_passes_the_compliance_item(score):
    result = score("en", CALL_EN)
    assert criterion(result, "identity_check").score == 100 and not result.auto_failed


def test_giving_account_details_before_an_identity_check_auto_fails_the_call(score):
    turns = [CALL_EN[0], CALL_EN[1], (A, "Sure, your balance is four hundred and twelve pounds."), (C, "Thanks.")]
    result = score("en", turns)
    assert criterion(result, "identity_check").score == 0
    assert result.auto_failed and result.total == 0 and not result.passed


def test_a_call_without_account_details_marks_the_compliance_item_not_applicable(score):
    result = score(
        "en",
        [
            CALL_EN[0],
            (C, "Hi, what time do you close today?"),
            (A, "We close at six tonight. Anything else? Have a good day."),
        ],
    )
    identity = criterion(result, "identity_check")
    assert identity.na and identity.score is None and not result.auto_failed
    assert dict(identity.na_reason)["en"] == "No account details are disclosed in this call"


def test_not_applicable_criteria_are_left_out_of_the_weighted_total(score):
    result = score("en", CALL_EN)
    applicable = [c for c in result.criteria if not c.na]
    expected = sum(c.weight * c.score for c in applicable) / sum(c.weight for c in applicable)
    assert criterion(result, "hold_etiquette").na
    assert dict(criterion(result, "hold_etiquette").na_reason) == {
        "fr": "Pas de mise en attente dans cet appel",
        "en": "No hold in this call",
    }
    assert abs(result.total - round(expected, 1)) < 0.11


def test_confidence_is_lower_for_a_short_call(score):
    short = score("en", [(A, "Hello, this is Ben."), (C, "Hi, is the shop open?"), (A, "Yes, until six.")])
    long = score("en", CALL_EN * 4)
    assert criterion(short, "greeting").confidence < criterion(long, "greeting").confidence


def test_unknown_speakers_and_an_empty_transcript_do_not_crash(score):
    assert score("fr", []).total is None
    result = score("fr", [("unknown", "Allô ?"), ("unknown", "Oui bonjour.")])
    assert all(c.na or c.score is not None for c in result.criteria)


def test_word_timestamps_give_evidence_its_exact_time(rubric_en):
    from app.scoring.engine import score_transcript
    from app.transcription.interchange import transcript_from_dict

    words = [{"start": 10.0 + i, "end": 10.5 + i, "word": w} for i, w in enumerate(AGENT_FNOL.split())]
    transcript = transcript_from_dict(
        {
            "language": "en",
            "segments": [
                {"speaker": "customer", "start": 0, "end": 9, "text": "Hi, I had a crash and want to claim."},
                {"speaker": "agent", "start": 10, "end": 15, "text": AGENT_FNOL, "words": words},
            ],
        }
    )
    jargon = score_transcript(transcript, rubric_en).criterion("jargon")
    fnol = next(e for e in jargon.evidence if e.text == "FNOL")
    assert (fnol.start, fnol.end) == (13.0, 13.5)


AGENT_FNOL = "Right, what's your FNOL ref? I need it to open the claim and send the engineer out to you."
