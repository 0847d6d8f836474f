"""Reviews: drafts, reasons, finalising, immutability and revisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.jobs.models import Job
from app.review.guards import FinalEvaluationChanged
from app.review.models import ActionItem, ReviewAssignment
from app.review.services import (
    ActionDraft,
    CriterionChange,
    ImmutableEvaluation,
    NewEvidence,
    ReviewError,
    create_revision,
    finalise,
    revision_chain,
    save_draft,
    start_review,
)
from app.scoring.choices import EvaluationStatus


def _reasons_for_all(evaluation):
    return {c.criterion_key: CriterionChange(c.score, c.na, "checked by listening") for c in evaluation.criteria}


def _final(session, call, reviewer):
    draft = start_review(session, call, reviewer)
    save_draft(session, draft, reviewer, changes=_reasons_for_all(draft))
    return finalise(session, draft, reviewer)


def test_a_review_starts_as_a_draft_copy_of_the_automatic_evaluation(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    assert (draft.kind, draft.status, draft.revision) == ("review", "draft", 1)
    assert all(c.score == c.auto_score for c in draft.criteria)
    assert start_review(db.session, call, reviewer).id == draft.id  # the open draft is reused


def test_changing_a_score_without_a_reason_is_refused(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    with pytest.raises(ReviewError) as refused:
        save_draft(db.session, draft, reviewer, changes={"empathy": CriterionChange(score=90)})
    assert refused.value.errors == {"empathy": "a reason is required"}


def test_a_changed_score_keeps_the_automatic_one_beside_it(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    auto = next(c.auto_score for c in draft.criteria if c.criterion_key == "empathy")
    save_draft(db.session, draft, reviewer, changes={"empathy": CriterionChange(95, reason="Warm tone")})
    row = next(c for c in draft.criteria if c.criterion_key == "empathy")
    assert (row.score, row.auto_score, row.reason) == (95, auto, "Warm tone")
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evaluation.criterion_changed")).one()


def test_finalising_needs_a_reason_for_every_score_under_the_threshold(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    assert any(not c.na and c.score < 70 for c in draft.criteria)
    with pytest.raises(ReviewError) as refused:
        finalise(db.session, draft, reviewer)
    assert refused.value.errors and draft.status == "draft"


def test_reviewer_evidence_points_at_the_selected_words(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(db.session, draft, reviewer, evidence=[NewEvidence("jargon", 2, 61, 66, -1, "DSLAM unexplained")])
    jargon = next(c for c in draft.criteria if c.criterion_key == "jargon")
    added = [e for e in jargon.evidence if e.source == "reviewer"]
    assert [(e.segment_index, e.char_start, e.char_end, e.start) for e in added] == [(2, 61, 66, 10.5)]
    with pytest.raises(ReviewError):
        save_draft(db.session, draft, reviewer, evidence=[NewEvidence("jargon", 9, 0, 3, -1, "nowhere")])


def test_finalising_closes_the_assignment_and_queues_a_coaching_sheet(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    db.session.add(ReviewAssignment(call_id=call.id, reviewer_id=reviewer.id, status="open"))
    final = _final(db.session, call, reviewer)
    db.session.commit()
    assert final.status == EvaluationStatus.FINAL and final.finalized_at is not None
    assignment = db.session.scalars(select(ReviewAssignment)).one()
    assert (assignment.status, assignment.evaluation_id) == ("done", final.id)
    job = db.session.scalars(select(Job).where(Job.kind == "render_sheet")).one()
    assert (job.call_id, job.target_id) == (call.id, final.id)
    assert db.session.scalars(select(Job).where(Job.kind == "index_moments", Job.target_id == final.id)).one()


def test_a_final_evaluation_cannot_change_by_any_path(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    final = _final(db.session, call, reviewer)
    db.session.commit()
    with pytest.raises(ImmutableEvaluation):
        save_draft(db.session, final, reviewer, strengths="rewritten")
    with pytest.raises(ImmutableEvaluation):
        start_review(db.session, call, reviewer)
    final.criteria[0].score = 1
    with pytest.raises(FinalEvaluationChanged):
        db.session.flush()
    db.session.rollback()
    db.session.add(ActionItem(evaluation_id=final.id, text="sneaked in"))
    with pytest.raises(FinalEvaluationChanged):
        db.session.flush()
    db.session.rollback()


def test_a_correction_is_a_new_revision_with_who_when_and_why(scored, make):
    call, reviewer, lead = scored(), make.user("qa_manager"), make.user("admin")
    final = _final(db.session, call, reviewer)
    db.session.commit()
    revised = create_revision(db.session, final, {"empathy": 80}, lead, "Dispute accepted: the apology was sincere")
    db.session.commit()
    assert (revised.revision, revised.parent_id, revised.reviewer_id) == (2, final.id, lead.id)
    assert revised.revision_reason == "Dispute accepted: the apology was sincere" and revised.finalized_at
    assert next(c.score for c in revised.criteria if c.criterion_key == "empathy") == 80
    assert next(c.score for c in final.criteria if c.criterion_key == "empathy") != 80
    assert [e.id for e in revision_chain(db.session, revised)] == [revised.id, final.id]
    assert len(db.session.scalars(select(Job).where(Job.kind == "render_sheet")).all()) == 2
    with pytest.raises(ReviewError):
        create_revision(db.session, final, {"empathy": 10}, lead, "stale parent")


def test_action_items_are_kept_with_the_evaluation_and_carried_to_revisions(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_reasons_for_all(draft),
        actions=[ActionDraft("Explain acronyms in plain words"), ActionDraft("  ")],
    )
    final = finalise(db.session, draft, reviewer)
    revised = create_revision(db.session, final, {}, reviewer, "typo in strengths", strengths="Clear greeting")
    db.session.commit()
    texts = lambda e: [a.text for a in db.session.scalars(select(ActionItem).where(ActionItem.evaluation_id == e.id))]  # noqa: E731
    assert texts(final) == texts(revised) == ["Explain acronyms in plain words"]
