"""The moment library against the database: indexing, full-text search and filters (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.jobs.services import create_job
from app.review.services import NewEvidence, finalise, save_draft, start_review
from app.roleplay import services
from app.roleplay.models import Moment
from app.roleplay.services import MomentFilters, search_moments, sync_moments
from app.scoring.choices import EvaluationStatus
from tests.roleplay.factories import EN_SECRETS, FR_SECRETS, english_call, evaluated, french_call, transcribed_call


def _reviewed(make, call, evidence: NewEvidence):
    """A reviewer's draft of the call with one piece of evidence added."""
    reviewer = make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(db.session, draft, reviewer, evidence=[evidence])
    db.session.commit()
    return draft


def _quotes(**filters):
    rows, _ = search_moments(db.session, MomentFilters(**filters))
    return sorted(m.quote for m in rows)


def _count_moments() -> int:
    return db.session.scalar(select(func.count(Moment.id)))


def test_a_rescored_call_adds_only_new_moments(app, make):
    call = french_call(make)
    assert _count_moments() == 3
    evaluated(call, [(2, "active_listening", 1, "Reformulation du problème"), (5, "closing", 1, "Remerciement")])
    assert sync_moments(db.session) == 1


def test_every_piece_of_evidence_becomes_a_moment_once(app, make):
    call = transcribed_call(make.agent(team=make.team(language="fr")))
    first = evaluated(call, [(2, "active_listening", 1, "Reformulation du problème")], status=EvaluationStatus.FINAL)
    evaluated(
        call, [(2, "active_listening", 1, "Reformulation du problème")], status=EvaluationStatus.FINAL, parent=first
    )  # a revision copies the evidence
    assert sync_moments(db.session) == 1
    assert sync_moments(db.session) == 0
    assert _count_moments() == 1


def test_moments_hold_anonymised_words_only(app, make):
    french_call(make)
    english_call(make)
    sync_moments(db.session)
    stored = " ".join(f"{m.text} {m.quote} {m.explanation}" for m in db.session.scalars(select(Moment)))
    assert [s for s in FR_SECRETS + EN_SECRETS if s.lower() in stored.lower()] == []
    assert "[TÉLÉPHONE]" in stored and "[PHONE]" in stored


def test_full_text_finds_every_word_in_either_language(app, make):
    french_call(make)
    english_call(make)
    assert _quotes(q="comprends") == [
        "Je comprends votre agacement, je m'en occupe personnellement.",
        "Si je comprends bien, votre connexion est coupée depuis lundi, c'est bien ça ?",
    ]
    assert _quotes(q="understand correctly") == [
        "So if I understand correctly, the connection drops every evening, is that right?"
    ]
    assert _quotes(q="frustrat") == ["I understand how frustrating that is, I will take care of it myself."]
    assert _quotes(q="nothing like this") == []


def test_search_ignores_operators_typed_in_the_box(app, make):
    french_call(make)
    assert len(_quotes(q='"comprends* (')) == 2
    assert len(_quotes(q="comprends NEAR")) == 0  # every word must be there: NEAR is a word, not an operator
    assert len(_quotes(q="   ")) == 3


def test_filters_narrow_by_criterion_sign_language_team_type_and_band(app, make):
    fr = french_call(make)
    english_call(make, direction="outbound")
    assert len(_quotes(criterion="empathy")) == 2
    assert len(_quotes(sign=-1)) == 2
    assert len(_quotes(language="en", sign=1)) == 2
    assert len(_quotes(team_id=fr.team_id)) == 3
    assert len(_quotes(call_type="outbound")) == 3
    assert len(_quotes(band="low")) == 3 and len(_quotes(band="mid")) == 3 and _quotes(band="high") == []
    assert _quotes(q="comprends", criterion="empathy") == [
        "Je comprends votre agacement, je m'en occupe personnellement."
    ]


def test_changed_or_deleted_moments_leave_the_search_index(app, make):
    french_call(make)
    assert len(_quotes(q="personnellement")) == 1
    moment = db.session.scalars(select(Moment).where(Moment.criterion_key == "empathy")).one()
    moment.text = moment.quote = "Je vois, je m'en occupe."
    db.session.flush()
    assert _quotes(q="personnellement") == []
    assert _quotes(q="occupe", criterion="empathy") == ["Je vois, je m'en occupe."]
    db.session.delete(moment)
    db.session.flush()
    assert _quotes(q="occupe", criterion="empathy") == []


def test_reviewer_evidence_is_a_moment_found_by_its_source(app, make):
    call = french_call(make)
    text = call.transcript.segments[5].text
    draft = _reviewed(make, call, NewEvidence("empathy", 5, 0, len(text), -1, "Fin abrupte"))
    assert search_moments(db.session, MomentFilters(source="reviewer"))[0] == []  # a draft is work in progress
    finalise(db.session, draft, draft.reviewer)
    db.session.commit()
    rows, _ = search_moments(db.session, MomentFilters(source="reviewer"))
    assert [(m.criterion_key, m.sign, m.explanation) for m in rows] == [("empathy", -1, "Fin abrupte")]


def test_scored_calls_feed_the_library(app, make):
    agent = make.agent(team=make.team(language="fr"), name="Julie Moreau")
    call = transcribed_call(agent)
    db.session.commit()
    create_job(db.session, "score", call_id=call.id)
    db.session.commit()  # the score job runs, then the index_moments job it queues
    rows, total = search_moments(db.session, MomentFilters())
    assert total > 0 and all(m.call_id == call.id for m in rows)
    assert any(m.criterion_key == "active_listening" and m.sign > 0 for m in rows)


def test_indexing_an_evaluation_replaced_meanwhile_by_a_rescore_is_done_with_nothing_to_index(app):
    from app.jobs.choices import JobStatus

    job = create_job(db.session, "index_moments", target_id=999_999)
    db.session.commit()
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and _count_moments() == 0


def test_suggestions_are_good_agent_moments_on_the_same_criteria(app, make):
    french_call(make)
    english_call(make)
    quotes = [m.quote for m in services.suggestions(db.session, ["empathy"], "fr")]
    assert quotes == ["Je comprends votre agacement, je m'en occupe personnellement."]


def test_searching_for_a_customers_name_or_number_finds_nothing(app, make):
    french_call(make)
    english_call(make)
    for secret in ("Lefèvre", "Toulouse", "Connor", "0199", "gmail"):
        assert _quotes(q=secret) == [], secret


def test_a_reviewers_note_is_anonymised_too(app, make):
    draft = _reviewed(
        make, french_call(make), NewEvidence("empathy", 1, 0, 10, -1, "Paul Lefèvre de Toulouse était énervé")
    )
    finalise(db.session, draft, draft.reviewer)
    db.session.commit()
    rows, _ = search_moments(db.session, MomentFilters(source="reviewer"))
    assert "Lefèvre" not in rows[0].explanation and "[NOM]" in rows[0].explanation
