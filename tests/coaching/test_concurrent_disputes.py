"""Two managers accepting the same dispute at the same moment: one revision, and the other is told."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.coaching.models import CoachingSheet, Dispute
from app.extensions import db
from app.scoring.models import Evaluation
from tests.coaching.factories import bare_call, final_evaluation, issue
from tests.conftest import csrf_token, login
from tests.review.conftest import both_read_before_either_writes


def test_two_managers_accepting_one_dispute_at_once_make_one_revision(app, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    evaluation = final_evaluation(bare_call(agent))
    dispute = Dispute(
        sheet_id=issue(evaluation).id, criterion_key="empathy", reason="I apologised twice.", raised_by_id=user.id
    )
    db.session.add(dispute)
    db.session.commit()
    clients = [app.test_client(), app.test_client()]
    forms = []
    for client, score in zip(clients, ("72", "80"), strict=True):
        login(client, make.user("qa_manager"))
        forms.append(
            {
                "csrf_token": csrf_token(client, "/disputes/"),
                "decision": "accept",
                "new_score": score,
                "resolution": f"Heard the apology: {score}.",
            }
        )

    pages = []

    def send(client, data):
        with app.app_context():
            pages.append(client.post(f"/disputes/{dispute.id}/resolve", data=data, follow_redirects=True).text)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, forms, strict=True)]
    with both_read_before_either_writes(2):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    db.session.expire_all()
    revisions = db.session.scalars(select(Evaluation).where(Evaluation.parent_id == evaluation.id)).all()
    assert [r.revision for r in revisions] == [2]
    assert len(db.session.scalars(select(CoachingSheet)).all()) == 2  # the first sheet and the revision's
    assert sum("Someone else answered at the same moment" in p for p in pages) == 1
