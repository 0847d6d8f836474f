"""Reading personal data unmasked leaves an audit trail; payment data stays masked for agents; only the owner
of a calibration (or an admin) reveals it."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.pii import redact_text
from app.review.models import CalibrationSession
from tests.conftest import csrf_token, login
from tests.review.conftest import scored_call

CARD = "4970 1012 3456 7893"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _with_payment_data(call):
    """The customer reads out a card number and an IBAN in the call's first line."""
    segment = call.transcript.segments[0]
    segment.speaker = "customer"
    segment.text = f"Ma carte c'est le {CARD} et mon IBAN {IBAN}, je m'appelle Chloé, 06 12 34 56 78."
    segment.redacted_text = redact_text(segment.text, "fr")
    db.session.commit()
    return call


def test_opening_a_call_page_with_its_transcript_as_spoken_is_audited(client, make):
    call = scored_call(make)
    manager = make.user("qa_manager")
    login(client, manager)
    assert client.get(f"/calls/{call.id}").status_code == 200
    [event] = _events("transcript.viewed_unmasked")
    assert (event.actor_id, event.target_id) == (manager.id, call.id)


def test_a_trainer_reading_the_redacted_transcript_leaves_no_unmasked_read(client, make):
    call = scored_call(make)
    login(client, make.user("trainer"))
    assert client.get(f"/calls/{call.id}").status_code == 200
    assert _events("transcript.viewed_unmasked") == []


def test_the_review_screen_and_the_recording_as_spoken_are_audited(client, make):
    call = scored_call(make)
    manager = make.user("qa_manager")
    login(client, manager)
    assert client.get(f"/review/calls/{call.id}").status_code == 200
    assert client.get(f"/calls/{call.id}/audio", headers={"Range": "bytes=0-"}).status_code == 206
    [screen] = _events("review.screen_viewed")
    [audio] = _events("audio.played_unredacted")
    assert screen.actor_id == audio.actor_id == manager.id and screen.target_id == audio.target_id == call.id
    assert audio.details["range"] == "bytes=0-"


def test_an_agent_reads_their_own_call_with_card_and_bank_details_masked(client, make):
    call = _with_payment_data(scored_call(make))
    login(client, make.user("agent", agent=call.agent))
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "[CARTE]" in page and "[IBAN]" in page and "4970" not in page and "3000 6000" not in page
    assert "Chloé" in page and "06 12 34 56 78" in page, "the rest is shown as spoken"
    export = client.get(f"/calls/{call.id}/transcript.json?unredacted=1").get_data(as_text=True)
    assert "4970" not in export and "7893" not in export and "3000" not in export


def test_a_qa_manager_reads_the_card_number_for_compliance_review(client, make):
    call = _with_payment_data(scored_call(make))
    login(client, make.user("qa_manager"))
    assert CARD in client.get(f"/calls/{call.id}").get_data(as_text=True)


def _calibration(client, make):
    call = scored_call(make)
    owner, first, second = make.user("qa_manager"), make.user("qa_manager"), make.user("qa_manager")
    login(client, owner)
    client.post(
        "/review/calibration/",
        data={
            "call_id": call.id,
            "reviewer_ids": [first.id, second.id],
            "csrf_token": csrf_token(client, "/review/calibration/"),
        },
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return call, owner, first


def _reveal(client, call):
    url = f"/review/calls/{call.id}/calibration"
    return client.post(f"{url}/reveal", data={"csrf_token": csrf_token(client, "/")})


def test_another_qa_manager_cannot_reveal_a_calibration_they_did_not_open(client, make):
    call, _, participant = _calibration(client, make)
    for who in (participant, make.user("qa_manager")):
        login(client, who)
        page = client.get(f"/review/calls/{call.id}/calibration").get_data(as_text=True)
        assert "Reveal the scores" not in page
        assert _reveal(client, call).status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert db.session.scalars(select(CalibrationSession)).one().revealed_at is None


def test_the_owner_or_an_admin_reveals_a_calibration(client, make):
    from app.auth.models import User
    from app.review import calibration

    call, owner, _ = _calibration(client, make)
    cal = db.session.scalars(select(CalibrationSession)).one()
    for p in cal.participants:  # two reviewers have scored: there is something to compare
        calibration.submit(db.session, cal, db.session.get(User, p.reviewer_id), {k: 60.0 for k in cal.auto_scores})
    db.session.commit()
    login(client, make.user("admin"))
    assert _reveal(client, call).status_code == 302
    assert db.session.scalars(select(CalibrationSession)).one().revealed_at is not None
