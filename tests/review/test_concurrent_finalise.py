"""Two managers finalising the same review at the same moment: one wins, the other is told who did.

Both requests run for real in two threads against the suite's database (SQLite, or PostgreSQL when
DATABASE_URL is set). A gate holds each request just before its first write until both have read the
review, which is exactly the window in which both used to win.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.coaching.models import CoachingSheet
from app.extensions import db
from app.jobs.models import Job
from app.review.services import latest_auto_evaluation, latest_review
from app.scoring.models import Evaluation
from tests.conftest import csrf_token, login
from tests.review.conftest import both_read_before_either_writes


def _manager(app, make, name):
    user = make.user("qa_manager")
    user.name = name
    db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 302
    return user, client


def _form(evaluation, score_changes):
    data = {"finalise": "1", "strengths": "", "improvements": ""}
    for i, c in enumerate(evaluation.criteria):
        score = score_changes.get(c.criterion_key, c.score)
        data |= {
            f"criteria-{i}-key": c.criterion_key,
            f"criteria-{i}-score": "" if score is None else score,
            f"criteria-{i}-reason": "heard it myself",
        }
        if c.na:
            data[f"criteria-{i}-na"] = "y"
    return data


def _race(app, call, posts):
    """Send each (client, form) at once from its own thread; returns the responses' status codes."""
    for client, data in posts:
        data["csrf_token"] = csrf_token(client, f"/review/calls/{call.id}")
    codes = {}

    def send(client, data):
        with app.app_context():
            codes[client] = client.post(f"/review/calls/{call.id}", data=data).status_code

    threads = [threading.Thread(target=send, args=post) for post in posts]
    with both_read_before_either_writes(len(threads)):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return codes


def _outcome(call):
    reviews = db.session.scalars(
        select(Evaluation).where(Evaluation.call_id == call.id, Evaluation.kind == "review")
    ).all()
    sheets = db.session.scalars(
        select(CoachingSheet)
        .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
        .where(Evaluation.call_id == call.id)
    ).all()
    jobs = db.session.scalars(select(Job).where(Job.kind == "render_sheet")).all()
    return reviews, sheets, jobs


def _loser(final, ada, ada_client, bob_client):
    """The client that lost the race, and the name it must be told."""
    return (bob_client, "Ada Lovelace") if final.reviewer_id == ada.id else (ada_client, "Bob Morane")


def test_two_managers_finalising_a_call_at_once_make_one_final_review_and_the_other_is_told_who(app, scored, make):
    call = scored()
    ada, ada_client = _manager(app, make, "Ada Lovelace")
    bob, bob_client = _manager(app, make, "Bob Morane")
    auto = latest_auto_evaluation(db.session, call)
    codes = _race(app, call, [(ada_client, _form(auto, {"empathy": 20})), (bob_client, _form(auto, {"empathy": 90}))])
    assert list(codes.values()) == [302, 302]
    db.session.expire_all()
    reviews, sheets, jobs = _outcome(call)
    assert [(r.status, r.revision) for r in reviews] == [("final", 1)] and len(sheets) == 1 and len(jobs) == 1
    loser_client, winner_name = _loser(reviews[0], ada, ada_client, bob_client)
    page = loser_client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    assert f"already finalised by {winner_name}" in page


def test_with_a_draft_open_the_late_finaliser_changes_nothing_in_the_final_review(app, scored, make):
    call = scored()
    ada, ada_client = _manager(app, make, "Ada Lovelace")
    bob, bob_client = _manager(app, make, "Bob Morane")
    auto = latest_auto_evaluation(db.session, call)
    draft_form = _form(auto, {})
    draft_form.pop("finalise")
    draft_form |= {"save": "1", "csrf_token": csrf_token(ada_client, f"/review/calls/{call.id}")}
    assert ada_client.post(f"/review/calls/{call.id}", data=draft_form).status_code == 302
    draft = latest_review(db.session, call)
    codes = _race(app, call, [(ada_client, _form(draft, {"empathy": 20})), (bob_client, _form(draft, {"empathy": 90}))])
    assert list(codes.values()) == [302, 302]
    db.session.expire_all()
    reviews, sheets, jobs = _outcome(call)
    assert [r.status for r in reviews] == ["final"] and len(sheets) == 1 and len(jobs) == 1
    final = reviews[0]
    empathy = next(c.score for c in final.criteria if c.criterion_key == "empathy")
    assert empathy == (20 if final.reviewer_id == ada.id else 90)  # the winner's score, untouched by the loser
    loser_client, winner_name = _loser(final, ada, ada_client, bob_client)
    assert f"already finalised by {winner_name}" in loser_client.get(f"/review/calls/{call.id}").get_data(as_text=True)


def test_the_database_itself_refuses_a_second_review_with_the_same_revision(app, scored):
    call = scored()
    auto = latest_auto_evaluation(db.session, call)
    for _ in range(2):
        db.session.add(
            Evaluation(
                call_id=call.id, rubric_version_id=auto.rubric_version_id, kind="review", status="final", revision=1
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
