"""A refused form comes back as the reviewer filled it in, with every problem named next to its field."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from app.auth.services import set_locale
from app.extensions import db
from app.review.models import CalibrationSession, EvidenceVerdict, ReviewAssignment, SamplingPlan
from app.review.services import (
    CriterionChange,
    Judgement,
    ReviewError,
    evidence_key,
    latest_auto_evaluation,
    save_draft,
    start_review,
)
from app.scoring.models import Evaluation
from app.scoring.services import spec_of
from tests.conftest import csrf_token, login

REJECTION = "She explains the cause, she does not blame"
SELECTION = [{"criterion": "jargon", "segment": 2, "start": 61, "end": 66, "sign": -1, "note": "unexplained"}]


def _negative_evidence(evaluation, criterion="empathy"):
    row = next(c for c in evaluation.criteria if c.criterion_key == criterion)
    return next(evidence_key(row.criterion_key, e) for e in row.evidence if e.sign < 0)


def _review_form(client, call, evaluation, *, changes=None, reasons=None, finalise=False):
    """The review screen as a reviewer submits it: every criterion, the given scores and reasons."""
    data = {"csrf_token": csrf_token(client, f"/review/calls/{call.id}"), "finalise" if finalise else "save": "1"}
    for i, c in enumerate(evaluation.criteria):
        score = (changes or {}).get(c.criterion_key, c.score)
        data[f"criteria-{i}-key"] = c.criterion_key
        data[f"criteria-{i}-score"] = "" if score is None else str(score)
        data[f"criteria-{i}-reason"] = (reasons or {}).get(c.criterion_key, "")
        if c.na:
            data[f"criteria-{i}-na"] = "y"
    return data


def _field_value(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*?(?:value="([^"]*)"[^>]*)?>', page)
    assert match, f"no field {name}"
    if match.group(0).startswith("<textarea"):
        return html.unescape(page[match.end() : page.index("</textarea>", match.end())].strip())
    return html.unescape(match.group(1) or "")


def _index_of(evaluation, key):
    return next(i for i, c in enumerate(evaluation.criteria) if c.criterion_key == key)


def _first_above_threshold(evaluation):
    threshold = spec_of(evaluation.rubric_version).threshold
    return next(c for c in evaluation.criteria if not c.na and c.score is not None and c.score >= threshold)


def _under_threshold(evaluation):
    threshold = spec_of(evaluation.rubric_version).threshold
    return {c.criterion_key for c in evaluation.criteria if not c.na and c.score is not None and c.score < threshold}


# The review screen


def test_a_failed_save_keeps_the_reviewers_verdicts_scores_and_added_evidence(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    auto = latest_auto_evaluation(db.session, call)
    key, changed = _negative_evidence(auto), _first_above_threshold(auto)
    data = _review_form(client, call, auto, changes={changed.criterion_key: 10})
    data |= {
        f"verdict-{key}": "rejected",
        f"verdict_reason-{key}": REJECTION,
        "new_evidence": json.dumps(SELECTION),
        "strengths": "Polite from start to end",
        "actions-0-text": "Explain acronyms",
    }
    response = client.post(f"/review/calls/{call.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was saved: see the messages below." in page
    assert f'name="verdict-{key}" value="rejected" checked' in page
    assert f'name="verdict-{key}" value="" checked' not in page
    assert _field_value(page, f"verdict_reason-{key}") == REJECTION
    assert json.loads(_field_value(page, "new_evidence")) == SELECTION
    assert _field_value(page, f"criteria-{_index_of(auto, changed.criterion_key)}-score") == "10"
    assert _field_value(page, "strengths") == "Polite from start to end"
    assert _field_value(page, "actions-0-text") == "Explain acronyms"
    assert db.session.scalars(select(EvidenceVerdict)).all() == []
    assert db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).all() == []


def test_a_failed_save_of_a_draft_shows_the_verdicts_given_now_not_the_stored_ones(client, scored, login_as):
    call = scored()
    reviewer = login_as("qa_manager")
    draft = start_review(db.session, call, reviewer)
    key = _negative_evidence(draft)
    save_draft(db.session, draft, reviewer, judgements=[Judgement(key, "confirmed", "Clear blame")])
    db.session.commit()
    changed = _first_above_threshold(draft)
    data = _review_form(client, call, draft, changes={changed.criterion_key: 10})
    data |= {f"verdict-{key}": "rejected", f"verdict_reason-{key}": REJECTION}
    page = client.post(f"/review/calls/{call.id}", data=data).get_data(as_text=True)
    assert f'name="verdict-{key}" value="rejected" checked' in page
    assert _field_value(page, f"verdict_reason-{key}") == REJECTION
    stored = [(v.verdict, v.reason) for v in db.session.scalars(select(EvidenceVerdict))]
    assert stored == [("confirmed", "Clear blame")]


def test_a_score_out_of_range_is_named_and_the_verdicts_stay(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    auto = latest_auto_evaluation(db.session, call)
    key, changed = _negative_evidence(auto), _first_above_threshold(auto)
    data = _review_form(client, call, auto, changes={changed.criterion_key: 150}, reasons={changed.criterion_key: "x"})
    data |= {f"verdict-{key}": "rejected", f"verdict_reason-{key}": REJECTION}
    page = client.post(f"/review/calls/{call.id}", data=data).get_data(as_text=True)
    assert "Nothing was saved" in page and "between 0 and 100" in page
    assert f'name="verdict-{key}" value="rejected" checked' in page


# Every missing reason at once


def test_finalising_names_every_missing_reason_at_once(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    lowered, under = _first_above_threshold(draft).criterion_key, _under_threshold(draft)
    assert under, "the scored call has scores under the threshold"
    changes = {c.criterion_key: CriterionChange(c.score, c.na) for c in draft.criteria}
    changes[lowered] = CriterionChange(40)
    with pytest.raises(ReviewError) as refused:
        save_draft(db.session, draft, reviewer, changes=changes, finalising=True)
    assert set(refused.value.errors) == under | {lowered}


def test_saving_a_draft_asks_only_for_the_reason_of_a_changed_score(scored, make):
    call, reviewer = scored(), make.user("qa_manager")
    draft = start_review(db.session, call, reviewer)
    lowered = _first_above_threshold(draft).criterion_key
    changes = {c.criterion_key: CriterionChange(c.score, c.na) for c in draft.criteria}
    changes[lowered] = CriterionChange(40)
    with pytest.raises(ReviewError) as refused:
        save_draft(db.session, draft, reviewer, changes=changes)
    assert set(refused.value.errors) == {lowered}


def test_the_review_screen_asks_for_every_missing_reason_when_finalising(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    auto = latest_auto_evaluation(db.session, call)
    lowered, under = _first_above_threshold(auto).criterion_key, _under_threshold(auto)
    data = _review_form(client, call, auto, changes={lowered: 40}, finalise=True)
    page = client.post(f"/review/calls/{call.id}", data=data).get_data(as_text=True)
    assert page.count("A reason is required when the score changes") == len(under | {lowered})
    assert db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).all() == []


# The queue: a new sampling plan, a draw


def _plan_data(client, team, **values):
    return {
        "csrf_token": csrf_token(client, "/review/"),
        "team_id": team.id,
        "name": "Weekly sample",
        "calls_per_agent": "2",
        "period": "week",
        "lowest_scores": "20",
        "flagged": "10",
        "min_duration": "45",
        **values,
    }


def _field_block(page: str, name: str) -> str:
    """The <div class="field"> holding the named input, with its error messages."""
    start = page.rindex('<div class="field', 0, page.index(f'name="{name}"'))
    return page[start : page.index("</div>", start)]


def test_a_refused_plan_comes_back_as_entered_with_the_error_next_to_its_field(client, make, login_as):
    team = make.team(name="Hotline")
    login_as("qa_manager")
    response = client.post("/review/plans", data=_plan_data(client, team, calls_per_agent="0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The plan was not created: check the form." in page
    block = _field_block(page, "calls_per_agent")
    assert "has-error" in block and "between 1 and 50" in block
    assert _field_value(page, "calls_per_agent") == "0"
    assert _field_value(page, "name") == "Weekly sample"
    assert _field_value(page, "lowest_scores") == "20" and _field_value(page, "min_duration") == "45"
    assert db.session.scalars(select(SamplingPlan)).all() == []


def test_a_plan_whose_shares_exceed_the_whole_is_refused_in_words_and_kept(client, make, login_as):
    team = make.team(name="Hotline")
    login_as("qa_manager")
    page = client.post("/review/plans", data=_plan_data(client, team, lowest_scores="70", flagged="60")).get_data(
        as_text=True
    )
    assert "the shares add up to more than 100 %." in page
    assert _field_value(page, "lowest_scores") == "70" and _field_value(page, "flagged") == "60"
    assert db.session.scalars(select(SamplingPlan)).all() == []


def test_a_refused_draw_comes_back_as_entered_with_the_error_next_to_its_field(client, make, login_as):
    team = make.team(name="Hotline")
    login_as("qa_manager")
    client.post("/review/plans", data=_plan_data(client, team))
    plan = db.session.scalars(select(SamplingPlan)).one()
    data = {
        "csrf_token": csrf_token(client, "/review/"),
        "plan_id": plan.id,
        "day": "2026-11-02",
        "due_days": "0",
        "seed": "1234",
    }
    response = client.post("/review/draw", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was drawn: check the form." in page
    assert "has-error" in _field_block(page, "due_days")
    assert _field_value(page, "due_days") == "0" and _field_value(page, "seed") == "1234"
    assert _field_value(page, "day") == "2026-11-02"
    assert db.session.scalars(select(ReviewAssignment)).all() == []


def test_a_draw_of_one_call_says_call_in_the_singular(client, scored, make):
    call = scored()
    manager = make.user("qa_manager")
    login(client, manager)
    every_call = {"lowest_scores": "0", "flagged": "0", "min_duration": "0"}
    client.post("/review/plans", data=_plan_data(client, call.agent.team, **every_call))
    plan = db.session.scalars(select(SamplingPlan)).one()
    data = {
        "csrf_token": csrf_token(client, "/review/"),
        "plan_id": plan.id,
        "reviewer_id": manager.id,
        "day": call.call_date.date().isoformat(),
        "due_days": "7",
        "seed": "7",
    }
    page = client.post("/review/draw", data=data, follow_redirects=True).get_data(as_text=True)
    assert "1 call drawn (seed 7)." in page


# Opening a calibration


def _open_calibration(client, call_id, reviewers):
    return client.post(
        "/review/calibration/",
        data={
            "call_id": call_id,
            "reviewer_ids": [r.id for r in reviewers],
            "csrf_token": csrf_token(client, "/review/calibration/"),
        },
    )


@pytest.mark.parametrize("number", ["999999", "-1", "0"])
def test_a_calibration_on_a_call_that_does_not_exist_is_refused_on_the_form(client, make, number):
    lead, other = make.user("qa_manager"), make.user("qa_manager")
    login(client, lead)
    response = _open_calibration(client, number, [lead, other])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"No call number {number}." in _field_block(page, "call_id")
    assert _field_value(page, "call_id") == number
    assert f'<option selected value="{other.id}">' in page
    assert db.session.scalars(select(CalibrationSession)).all() == []


def test_a_call_the_reviewer_may_not_see_reads_exactly_like_a_missing_one(client, scored, make, monkeypatch):
    call = scored()
    lead, other = make.user("qa_manager"), make.user("qa_manager")
    login(client, lead)
    monkeypatch.setattr("app.calls.access.can_view_call", lambda user, c: c.id != call.id)
    hidden = _field_block(_open_calibration(client, call.id, [lead, other]).get_data(as_text=True), "call_id")
    missing = _field_block(_open_calibration(client, call.id + 1000, [lead, other]).get_data(as_text=True), "call_id")
    assert hidden.replace(str(call.id), "N") == missing.replace(str(call.id + 1000), "N")
    assert db.session.scalars(select(CalibrationSession)).all() == []


def test_a_calibration_with_one_reviewer_is_refused_in_a_sentence_of_the_interface(client, scored, make):
    call = scored()
    lead = make.user("qa_manager")
    login(client, lead)
    page = _open_calibration(client, call.id, [lead]).get_data(as_text=True)
    assert "A calibration needs at least two reviewers." in _field_block(page, "reviewer_ids")
    assert "a calibration needs at least two reviewers" not in page  # the service's words never reach the page
    assert _field_value(page, "call_id") == str(call.id)


def test_a_calibration_scored_all_na_is_refused_in_the_reviewers_language(client, scored, make):
    call = scored()
    lead, other = make.user("qa_manager"), make.user("qa_manager")
    set_locale(db.session, lead, "fr")
    db.session.commit()
    login(client, lead)
    _open_calibration(client, call.id, [lead, other])
    cal = db.session.scalars(select(CalibrationSession)).one()
    url = f"/review/calls/{call.id}/calibration"
    all_na = {"csrf_token": csrf_token(client, url)}
    for i, k in enumerate(cal.auto_scores):
        all_na[f"criteria-{i}-key"] = k
        all_na[f"criteria-{i}-na"] = "y"
    page = client.post(url, data=all_na).get_data(as_text=True)
    assert "Notez au moins un critère" in page
    assert "says nothing about the call" not in page
    assert all(p.submitted_at is None for p in db.session.get(CalibrationSession, cal.id).participants)
