"""The review pages as a QA manager uses them, and who is kept out."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.coaching.models import CoachingSheet
from app.extensions import db
from app.jobs.models import Job
from app.review.models import CalibrationSession
from app.scoring.models import Evaluation
from tests.conftest import csrf_token, login


def _form(call, evaluation, *, changes=None, reason="Heard it myself", finalise=False, evidence=None):
    data = {
        "strengths": "Clear greeting",
        "improvements": "Explain DSLAM",
        "actions-0-text": "Explain acronyms",
        "actions-0-due_date": "2026-12-01",
    }
    for i, c in enumerate(evaluation.criteria):
        score = (changes or {}).get(c.criterion_key, c.score)
        data[f"criteria-{i}-key"] = c.criterion_key
        data[f"criteria-{i}-score"] = "" if score is None else str(score)
        if c.na:
            data[f"criteria-{i}-na"] = "y"
        data[f"criteria-{i}-reason"] = reason
    if evidence:
        data["new_evidence"] = json.dumps(evidence)
    data["finalise" if finalise else "save"] = "1"
    return data


def _auto(call):
    return db.session.scalars(select(Evaluation).where(Evaluation.call_id == call.id)).first()


def _post(client, call, data):
    data["csrf_token"] = csrf_token(client, f"/review/calls/{call.id}")
    return client.post(f"/review/calls/{call.id}", data=data)


def test_the_review_screen_shows_audio_transcript_and_automatic_evidence(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert 'id="player"' in page and 'id="seg-2"' in page and "DSLAM" in page
    assert 'class="ev ev-minus"' in page and 'name="criteria-0-reason"' in page


def test_a_changed_score_without_a_reason_saves_nothing(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    page = _post(client, call, _form(call, _auto(call), changes={"empathy": 99}, reason="")).get_data(as_text=True)
    assert "A reason is required" in page
    assert db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).all() == []


def test_a_reviewer_saves_a_draft_with_selected_evidence_then_finalises(client, scored, login_as):
    call = scored()
    reviewer = login_as("qa_manager")
    selection = [{"criterion": "jargon", "segment": 2, "start": 61, "end": 66, "sign": -1, "note": "unexplained"}]
    assert _post(client, call, _form(call, _auto(call), changes={"empathy": 20}, evidence=selection)).status_code == 302
    draft = db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).one()
    assert (draft.status, draft.reviewer_id) == ("draft", reviewer.id)
    assert next(c for c in draft.criteria if c.criterion_key == "empathy").score == 20
    assert any(e.source == "reviewer" for c in draft.criteria for e in c.evidence)
    assert _post(client, call, _form(call, draft, finalise=True)).status_code == 302
    db.session.refresh(draft)
    assert draft.status == "final"
    assert db.session.scalars(select(Job).where(Job.kind == "render_sheet", Job.target_id == draft.id)).one()


def test_a_final_reviews_page_links_to_its_coaching_sheet(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    _post(client, call, _form(call, _auto(call), finalise=True))
    final = db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).one()
    sheet = db.session.scalars(select(CoachingSheet).where(CoachingSheet.evaluation_id == final.id)).one()
    page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert f"/sheets/{sheet.id}" in page
    assert "The coaching sheet is being prepared." not in page


def test_a_post_to_change_a_final_review_is_refused_and_changes_nothing(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    _post(client, call, _form(call, _auto(call), finalise=True))
    final = db.session.scalars(select(Evaluation).where(Evaluation.status == "final")).one()
    before = [(c.criterion_key, c.score, c.reason) for c in final.criteria]
    response = _post(client, call, _form(call, final, changes={"empathy": 1}, reason="rewrite history"))
    assert response.status_code == 302
    db.session.refresh(final)
    assert [(c.criterion_key, c.score, c.reason) for c in final.criteria] == before
    assert len(db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).all()) == 1


def test_a_correction_of_a_final_review_becomes_revision_two(client, scored, login_as):
    call = scored()
    login_as("qa_manager")
    _post(client, call, _form(call, _auto(call), finalise=True))
    final = db.session.scalars(select(Evaluation).where(Evaluation.status == "final")).one()
    data = _form(call, final, changes={"empathy": 85})
    data = {k: v for k, v in data.items() if k.startswith("criteria-") and not k.endswith("reason")}
    data |= {"why": "Dispute accepted", "csrf_token": csrf_token(client, f"/review/calls/{call.id}/revise")}
    assert client.post(f"/review/calls/{call.id}/revise", data=data).status_code == 302
    revision = db.session.scalars(select(Evaluation).where(Evaluation.revision == 2)).one()
    assert (revision.parent_id, revision.revision_reason) == (final.id, "Dispute accepted")


def test_calibration_is_blind_until_reveal(client, scored, make):
    call = scored()
    lead, first, second = make.user("qa_manager"), make.user("qa_manager"), make.user("qa_manager")
    login(client, lead)
    client.post(
        "/review/calibration/",
        data={
            "call_id": call.id,
            "reviewer_ids": [first.id, second.id],
            "csrf_token": csrf_token(client, "/review/calibration/"),
        },
    )
    cal = db.session.scalars(select(CalibrationSession)).one()
    keys = list(cal.auto_scores)

    def score_as(user, value):
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        login(client, user)
        url = f"/review/calls/{call.id}/calibration"
        data = {"csrf_token": csrf_token(client, url)}
        for i, k in enumerate(keys):
            data[f"criteria-{i}-key"], data[f"criteria-{i}-score"] = k, str(value)
        assert client.post(url, data=data).status_code == 302

    score_as(first, 41)
    score_as(second, 77)  # before the reveal, each reviewer sees only their own scores
    page = client.get(f"/review/calls/{call.id}/calibration").get_data(as_text=True)
    assert 'value="77' in page and 'value="41' not in page and ">41<" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, lead)  # only whoever opened the calibration reveals it
    client.post(
        f"/review/calls/{call.id}/calibration/reveal",
        data={"csrf_token": csrf_token(client, f"/review/calls/{call.id}/calibration")},
    )
    page = client.get(f"/review/calls/{call.id}/calibration").get_data(as_text=True)
    assert ">41<" in page and ">77<" in page and "Krippendorff" in page
    assert "59.0" in page  # the consensus is the mean


def test_a_calibration_refuses_a_blank_submission_and_a_reveal_before_two_reviewers_scored(client, scored, make):
    call = scored()
    lead, first = make.user("qa_manager"), make.user("qa_manager")
    login(client, lead)
    client.post(
        "/review/calibration/",
        data={
            "call_id": call.id,
            "reviewer_ids": [lead.id, first.id],
            "csrf_token": csrf_token(client, "/review/calibration/"),
        },
    )
    cal = db.session.scalars(select(CalibrationSession)).one()
    url = f"/review/calls/{call.id}/calibration"
    blank = {"csrf_token": csrf_token(client, url)}
    for i, k in enumerate(cal.auto_scores):
        blank[f"criteria-{i}-key"] = k
    page = client.post(url, data=blank).get_data(as_text=True)
    assert "Give every criterion a score or mark it N/A" in page
    assert all(p.submitted_at is None for p in db.session.get(CalibrationSession, cal.id).participants)

    scored_once = {**blank, **{f"criteria-{i}-score": "50" for i in range(len(cal.auto_scores))}}
    assert client.post(url, data=scored_once).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Reveal the scores" not in page and "once at least two reviewers have scored" in page
    client.post(f"{url}/reveal", data={"csrf_token": csrf_token(client, url)})
    assert db.session.get(CalibrationSession, cal.id).revealed_at is None
    assert "data-confirm" not in page


@pytest.mark.parametrize("role", ["agent", "trainer"])
@pytest.mark.parametrize(
    "url",
    [
        "/review/",
        "/review/calls/{call}",
        "/review/calls/{call}/revise",
        "/review/calibration/",
        "/review/calls/{call}/calibration",
    ],
)
def test_agents_and_trainers_never_reach_review_pages(client, scored, login_as, role, url):
    call = scored()
    login_as(role, agent=call.agent if role == "agent" else None)
    assert client.get(url.format(call=call.id)).status_code == 403


@pytest.mark.parametrize("role", ["agent", "trainer"])
def test_agents_and_trainers_cannot_post_a_review(client, scored, login_as, role):
    call = scored()
    login_as(role, agent=call.agent if role == "agent" else None)
    data = _form(call, _auto(call), finalise=True) | {"csrf_token": csrf_token(client, "/")}
    assert client.post(f"/review/calls/{call.id}", data=data).status_code == 403
    assert db.session.scalars(select(Evaluation).where(Evaluation.kind == "review")).all() == []


def test_the_draw_form_offers_the_signed_in_manager_as_reviewer(client, make):
    make.user("admin")  # an admin whose name sorts first
    manager = make.user("qa_manager")
    login(client, manager)
    page = client.get("/review/").get_data(as_text=True)
    assert f'<option selected value="{manager.id}">' in page


def test_a_manager_gives_a_queued_call_to_another_reviewer_or_skips_it(client, scored, make):
    from app.review.models import ReviewAssignment

    manager, other = make.user("qa_manager"), make.user("qa_manager")
    item = ReviewAssignment(call_id=scored().id, reviewer_id=manager.id, status="open")
    db.session.add(item)
    db.session.commit()
    login(client, manager)
    url = f"/review/assignments/{item.id}"
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, "/review/"), "action": "reassign", "reviewer_id": other.id},
        follow_redirects=True,
    )
    assert f"given to {other.name}" in response.get_data(as_text=True)
    assert db.session.get(ReviewAssignment, item.id).reviewer_id == other.id
    client.post(url, data={"csrf_token": csrf_token(client, "/review/"), "action": "skip", "reviewer_id": other.id})
    assert db.session.get(ReviewAssignment, item.id).status == "skipped"
    assert f"#{item.call_id}<" not in client.get("/review/").get_data(as_text=True)
