"""The sheet says what the final review says: reviews that overrule the scorer, read back from the PDF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.coaching.history import raise_dispute, resolve_dispute
from app.coaching.services import issue_sheet, sheet_path
from app.coaching.sheet import score_text
from app.db import utcnow
from app.extensions import db
from app.review.services import (
    CriterionChange,
    Judgement,
    NewEvidence,
    evidence_key,
    finalise,
    save_draft,
    start_review,
)
from app.scoring.models import Evaluation
from app.scoring.services import score_call, spec_of
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript
from tests.coaching.conftest import LINES, pdf_text

RECAP = "Récapitule clairement la solution avant de raccrocher"
TOO_FAST = "Se présente trop vite pour être compris"


def _scored(make, unsure: set[str] = frozenset()):
    agent = make.agent(make.team(language="fr"), name="Julie Martin")
    call = make.call(agent, seconds=2)
    segments = tuple(Segment(s, 5.0 * i, 5.0 * i + 4.5, t) for i, (s, t) in enumerate(LINES["fr"]))
    store_transcript(
        db.session,
        call,
        Transcript(
            language="fr",
            duration=184.0,
            segments=segments,
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    for row in call.transcript.segments:  # word confidences as the recogniser gives them
        row.words = [
            {
                "start": row.start + i * 0.2,
                "end": row.start + i * 0.2 + 0.15,
                "word": w,
                "probability": 0.2 if w.strip(".,?") in unsure else 0.95,
            }
            for i, w in enumerate(row.text.split())
        ]
    return call, score_call(db.session, call)


def _squeeze(text: str) -> str:
    """Text without spaces or case: PDF lines wrap anywhere and headings print in capitals."""
    return "".join(text.split()).lower()


def _pdf(evaluation) -> str:
    sheet = issue_sheet(db.session, evaluation)
    db.session.commit()
    return _squeeze(pdf_text(sheet_path(sheet).read_bytes())[0])


def _review(call, reviewer, scores, *, judgements=(), evidence=()):
    draft = start_review(db.session, call, reviewer)
    changes = {
        c.criterion_key: CriterionChange(scores.get(c.criterion_key, c.score), c.na, "heard on the recording")
        for c in draft.criteria
    }
    save_draft(db.session, draft, reviewer, changes=changes, judgements=judgements, evidence=evidence)
    return finalise(db.session, draft, reviewer)


def _explanations(evaluation, keep) -> set[str]:
    return {e.explanation for c in evaluation.criteria for e in c.evidence if keep(c, e)}


def test_the_sheet_leaves_out_what_the_reviewer_rejected_or_passed_and_quotes_what_they_added(make):
    reviewer = make.user("qa_manager")
    call, auto = _scored(make)
    threshold = spec_of(auto.rubric_version).threshold
    empathy = next(c for c in auto.criteria if c.criterion_key == "empathy")
    rejected = next(e for e in empathy.evidence if e.sign < 0)
    closing_line = next(i for i, (speaker, _) in enumerate(LINES["fr"]) if speaker == "agent" and i > 0)
    final = _review(
        call,
        reviewer,
        {"closing": 85, "recording_disclaimer": 100, "greeting": 100},
        judgements=[Judgement(evidence_key("empathy", rejected), "rejected", "She explains the cause")],
        evidence=[
            NewEvidence("closing", closing_line, 0, 10, 1, RECAP),
            NewEvidence("greeting", 0, 0, 7, -1, TOO_FAST),
        ],
    )
    passed = {c.criterion_key for c in final.criteria if not c.na and c.score >= threshold}
    assert {"closing", "recording_disclaimer", "greeting"} <= passed
    still_quoted = _explanations(final, lambda c, e: e.sign > 0 or c.criterion_key not in passed)
    overruled = _explanations(final, lambda c, e: e.sign < 0 and e.source == "auto" and c.criterion_key in passed)
    overruled |= {rejected.explanation}
    overruled -= still_quoted
    assert overruled, "the scorer found something for the reviewer to overrule"
    text = _pdf(final)
    assert [e for e in overruled if _squeeze(e) in text] == []
    assert _squeeze(RECAP) in text and _squeeze(TOO_FAST) in text  # the reviewer's own evidence, both ways


def test_after_an_accepted_dispute_the_new_sheet_says_it_is_revision_two_what_changed_and_why(app, make):
    reviewer = make.user("qa_manager")
    call, _ = _scored(make)
    agent_user = make.user("agent", agent=call.agent)
    final = _review(call, reviewer, {})
    first = issue_sheet(db.session, final)
    db.session.commit()
    closing_before = next(c.score for c in final.criteria if c.criterion_key == "closing")
    closing_negatives = _explanations(final, lambda c, e: c.criterion_key == "closing" and e.sign < 0)
    assert closing_before < 70 and closing_negatives
    with app.test_request_context():  # the services speak to the user in their language
        dispute = raise_dispute(
            db.session,
            first,
            agent_user,
            "closing",
            "I did give the next steps",
            window_days=14,
            now=utcnow() + timedelta(minutes=1),
        )
        revision = resolve_dispute(
            db.session,
            dispute,
            reviewer,
            accept=True,
            new_score=90,
            resolution="Les prochaines étapes sont bien annoncées à 0:22",
        )
    db.session.commit()
    text = _pdf(db.session.get(Evaluation, revision.id))
    assert _squeeze("Révision 2") in text and _squeeze("Ce qui a changé") in text
    assert _squeeze(f"Clôture : {score_text(closing_before, 'fr')} → 90") in text
    assert _squeeze("Les prochaines étapes sont bien annoncées à 0:22") in text
    assert _squeeze("Suite à votre contestation du") in text
    assert [e for e in closing_negatives if _squeeze(e) in text] == []  # the overruled items are gone too


def test_a_first_sheet_says_nothing_about_revisions(make):
    reviewer = make.user("qa_manager")
    call, _ = _scored(make)
    text = _pdf(_review(call, reviewer, {}))
    assert _squeeze("Ce qui a changé") not in text and _squeeze("Révision") not in text


def test_evidence_resting_on_uncertain_words_is_not_quoted_and_other_uncertain_words_are_marked(make):
    reviewer = make.user("qa_manager")
    call, _ = _scored(make, unsure={"DSLAM"})
    final = _review(call, reviewer, {"jargon": 50})  # failed: only the uncertainty keeps its evidence out
    dslam = _explanations(final, lambda c, e: c.criterion_key == "jargon" and "DSLAM" in e.explanation)
    text = _pdf(final)
    assert "dslam" not in text  # neither the jargon item that rests on it nor any quote around it
    assert [e for e in dslam if _squeeze(e) in text] == []
    assert "[inaudible]" in text and _squeeze("mots que la transcription n'a pas pu établir") in text


def test_a_reviewer_who_confirms_evidence_on_uncertain_words_gets_it_quoted_with_the_mark(make):
    reviewer = make.user("qa_manager")
    call, auto = _scored(make, unsure={"DSLAM"})
    jargon = next(c for c in auto.criteria if c.criterion_key == "jargon")
    item = next(e for e in jargon.evidence if e.sign < 0)
    final = _review(call, reviewer, {"jargon": 50}, judgements=[Judgement(evidence_key("jargon", item), "confirmed")])
    text = _pdf(final)
    assert _squeeze(item.explanation) in text and "[inaudible]" in text
    assert "dslam" not in text.replace(_squeeze(item.explanation), "")  # only the reviewer-confirmed reason names it
    assert db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).one().status == "final"


def test_the_review_screen_the_sheet_and_the_call_page_say_why_a_criterion_is_not_applicable(client, make):
    from tests.conftest import login

    reviewer = make.user("qa_manager")
    call, auto = _scored(make)
    not_applicable = [c for c in auto.criteria if c.na]
    assert not_applicable, "the call gives some criterion no occasion"
    reasons = {c.criterion_key: c.na_explanations for c in not_applicable}
    assert all(r and r["fr"] and r["en"] for r in reasons.values())
    db.session.commit()
    login(client, reviewer)
    screen = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert all(f"({r['en']})" in screen for r in reasons.values())  # beside "automatic: N/A" on the review screen
    final = _review(call, reviewer, {})
    # The review keeps the scorer's reason; the sheet prints it in the agent's language (the team's, French).
    assert {c.criterion_key: c.na_explanations for c in final.criteria if c.na} == reasons
    text = _pdf(final)
    assert all(_squeeze(r["fr"]) in text for r in reasons.values())
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert all(r["en"] in page for r in reasons.values())  # the reader's language (English by default)
