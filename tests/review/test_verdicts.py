"""Reviewers confirm or reject automatic evidence; each decision is kept as a labelled example."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.review.guards import FinalEvaluationChanged
from app.review.models import EvidenceVerdict
from app.review.services import (
    CriterionChange,
    Judgement,
    ReviewError,
    create_revision,
    evidence_key,
    finalise,
    labelled_examples,
    latest_auto_evaluation,
    save_draft,
    start_review,
)
from tests.conftest import csrf_token


def _all_reasons(evaluation):
    return {c.criterion_key: CriterionChange(c.score, c.na, "checked by listening") for c in evaluation.criteria}


def _first_negative(evaluation, criterion="empathy"):
    row = next(c for c in evaluation.criteria if c.criterion_key == criterion)
    return next(evidence_key(row.criterion_key, e) for e in row.evidence if e.sign < 0)


def test_a_rejection_with_its_reason_becomes_a_labelled_example_once_the_review_is_final(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    key = _first_negative(draft)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_all_reasons(draft),
        judgements=[Judgement(key, "rejected", "Not blame: she explains the cause")],
    )
    assert labelled_examples(db.session) == []  # a draft can still change its mind
    finalise(db.session, draft, reviewer)
    db.session.commit()
    [example] = labelled_examples(db.session)
    turn = call.transcript.segments[example.segment_index]
    assert (example.call_id, example.criterion_key, example.sign) == (call.id, "empathy", -1)
    assert example.verdict == "rejected"
    assert example.rule and example.reason == "Not blame: she explains the cause" and turn.speaker == "agent"
    assert example.reviewer_id == reviewer.id and example.decided_at is not None


def test_taking_a_verdict_back_leaves_no_example(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    key = _first_negative(draft)
    save_draft(db.session, draft, reviewer, judgements=[Judgement(key, "confirmed")])
    save_draft(db.session, draft, reviewer, changes=_all_reasons(draft), judgements=[Judgement(key, "")])
    finalise(db.session, draft, reviewer)
    db.session.commit()
    assert labelled_examples(db.session) == []


def test_only_automatic_evidence_of_this_review_can_be_judged(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    with pytest.raises(ReviewError):
        save_draft(db.session, draft, reviewer, judgements=[Judgement("empathy:99:0:1:-1:made_up", "rejected")])


def test_a_revision_keeps_the_verdicts_but_each_decision_counts_once(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_all_reasons(draft),
        judgements=[Judgement(_first_negative(draft), "rejected")],
    )
    final = finalise(db.session, draft, reviewer)
    revision = create_revision(db.session, final, {"closing": 90}, reviewer, "Recap heard at the end")
    db.session.commit()
    kept = db.session.scalars(select(EvidenceVerdict).where(EvidenceVerdict.evaluation_id == revision.id)).all()
    assert [(v.verdict, v.carried) for v in kept] == [("rejected", True)]
    assert len(labelled_examples(db.session)) == 1


def test_a_verdict_on_a_final_review_cannot_change(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_all_reasons(draft),
        judgements=[Judgement(_first_negative(draft), "confirmed")],
    )
    finalise(db.session, draft, reviewer)
    db.session.commit()
    verdict = db.session.scalars(select(EvidenceVerdict)).one()
    verdict.verdict = "rejected"
    with pytest.raises(FinalEvaluationChanged):
        db.session.flush()
    db.session.rollback()


def test_the_review_screen_confirms_and_rejects_evidence_with_a_reason(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    auto = latest_auto_evaluation(db.session, call)
    key = _first_negative(auto)
    page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert f'name="verdict-{key}"' in page and 'value="rejected"' in page
    data = {
        "csrf_token": csrf_token(client, f"/review/calls/{call.id}"),
        "save": "1",
        f"verdict-{key}": "rejected",
        f"verdict_reason-{key}": "She explains, she does not blame",
    }
    for i, c in enumerate(auto.criteria):
        data |= {
            f"criteria-{i}-key": c.criterion_key,
            f"criteria-{i}-score": "" if c.score is None else c.score,
            f"criteria-{i}-reason": "checked",
        }
        if c.na:
            data[f"criteria-{i}-na"] = "y"
    assert client.post(f"/review/calls/{call.id}", data=data).status_code == 302
    verdict = db.session.scalars(select(EvidenceVerdict)).one()
    assert (verdict.verdict, verdict.reason) == ("rejected", "She explains, she does not blame")
    page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert f'name="verdict-{key}" value="rejected" checked' in page


def test_the_review_screen_and_the_call_page_show_uncertain_words_faintly(client, scored, login_as):
    call = scored()
    segment = call.transcript.segments[2]
    segment.words = [
        {
            "start": 10.5 + i * 0.3,
            "end": 10.7 + i * 0.3,
            "word": w,
            "probability": 0.1 if w.startswith("DSLAM") else 0.9,
        }
        for i, w in enumerate(segment.text.split())
    ]
    db.session.commit()
    login_as("qa_manager")
    page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert '<span class="uncertain"' in page and ">DSLAM</span>" in page
    call_page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert '<span class="uncertain"' in call_page and ">DSLAM</span>" in call_page


def test_the_labelled_examples_export_gives_the_turn_the_rule_and_the_answer_without_personal_data(
    scored, make, runner, tmp_path
):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_all_reasons(draft),
        judgements=[Judgement(_first_negative(draft), "confirmed", "Clear blame")],
    )
    finalise(db.session, draft, reviewer)
    db.session.commit()
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(args=["qa", "labelled-examples", "--out", str(out)])
    assert result.exit_code == 0 and "1 labelled examples" in result.output
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (row["criterion"], row["sign"], row["label"], row["reason"]) == ("empathy", -1, 1, "Clear blame")
    assert "votre faute" in row["turn"] and "box ne marche plus" in row["customer_before"]
    assert row["reviewer_id"] == reviewer.id and row["rule"] and row["decided_at"]


def test_verdicts_on_behaviour_evidence_export_as_corpus_lines_the_trainer_accepts(scored, make, runner, tmp_path):
    from app.scoring.behaviours.corpus import read_examples
    from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    behaviour_keys = [
        evidence_key(c.criterion_key, e) for c in draft.criteria for e in c.evidence if e.rule in BEHAVIOUR_IDS
    ]
    assert behaviour_keys, "the scored call has behaviour evidence"
    save_draft(
        db.session,
        draft,
        reviewer,
        changes=_all_reasons(draft),
        judgements=[Judgement(behaviour_keys[0], "rejected", "Not what was said")],
    )
    finalise(db.session, draft, reviewer)
    db.session.commit()
    out = tmp_path / "reviews.jsonl"
    result = runner.invoke(args=["qa", "behaviours", "export", "--out", str(out)])
    assert result.exit_code == 0 and "1 behaviour examples" in result.output, result.output
    [example] = read_examples([out])
    assert example.behaviours == frozenset() and len(example.only) == 1
    assert example.turn and example.language == call.transcript.language
