"""Notifications: a new sheet and an answered dispute tell the agent, in the app and by e-mail when SMTP is set."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from app.coaching.history import notify_new_sheet
from app.coaching.models import Dispute
from app.extensions import db
from app.notifications.models import Notification
from tests.coaching.factories import sheet_for
from tests.conftest import csrf_token, login


class RecordingSMTP:
    """Stands in for smtplib.SMTP and keeps what would have been sent."""

    sent: list = []
    connections: list = []

    def __init__(self, host, port, timeout=None):
        self.connections.append((host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        self.connections.append(("login", user))

    def send_message(self, message):
        self.sent.append(message)


@pytest.fixture
def smtp(monkeypatch):
    RecordingSMTP.sent, RecordingSMTP.connections = [], []
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    return RecordingSMTP


@pytest.fixture
def smtp_configured(app, smtp):
    app.config.update(SMTP_HOST="mail.example.org", SMTP_PORT=2525, MAIL_FROM="ecoute@example.org")
    yield smtp
    app.config.update(SMTP_HOST=None)


def test_a_new_sheet_notifies_its_agent_once(make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    sheet = sheet_for(agent)
    notify_new_sheet(db.session, sheet)  # the sheet stage may call it too: still one notification
    db.session.commit()
    rows = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind, n.url) for n in rows] == [(user.id, "new_sheet", f"/me/coaching/{sheet.id}")]


def test_the_agent_sees_the_count_reads_a_notification_and_lands_on_the_sheet(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    first, second = sheet_for(agent), sheet_for(agent)
    login(client, user)
    page = client.get("/me/coaching").get_data(as_text=True)
    assert 'Notifications <span class="badge badge-count">2</span>' in page
    listed = client.get("/notifications/").get_data(as_text=True)
    assert listed.count("Your coaching sheet for the call of") == 2
    assert "New New" not in listed and "Unread" in listed
    note = db.session.scalars(select(Notification).where(Notification.url == f"/me/coaching/{first.id}")).one()
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/me/coaching/{first.id}")
    assert db.session.get(Notification, note.id).read_at is not None
    assert 'badge-count">1</span>' in client.get("/me/coaching").get_data(as_text=True)
    client.post("/notifications/read-all", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert "badge-count" not in client.get("/me/coaching").get_data(as_text=True)
    assert second.id


def test_opening_the_sheet_from_the_coaching_list_reads_its_notification(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    opened, other = sheet_for(agent), sheet_for(agent)
    login(client, user)
    assert 'badge-count">2</span>' in client.get("/me/coaching").get_data(as_text=True)
    assert client.get(f"/me/coaching/{opened.id}").status_code == 200
    unread = db.session.scalars(select(Notification.url).where(Notification.read_at.is_(None))).all()
    assert unread == [f"/me/coaching/{other.id}"]
    assert 'badge-count">1</span>' in client.get("/me/coaching").get_data(as_text=True)


def test_another_user_opening_the_page_leaves_the_notification_unread(client, make):
    agent = make.agent()
    make.user("agent", agent=agent)
    sheet = sheet_for(agent)
    login(client, make.user("qa_manager"))
    client.get(f"/sheets/{sheet.id}")
    assert db.session.scalars(select(Notification)).one().read_at is None


def test_nobody_reads_another_users_notification(client, make):
    agent = make.agent()
    make.user("agent", agent=agent)
    sheet_for(agent)
    note = db.session.scalars(select(Notification)).one()
    login(client, make.user("agent"))
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 404 and db.session.get(Notification, note.id).read_at is None


def test_an_answered_dispute_notifies_the_agent(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    sheet = sheet_for(agent)
    dispute = Dispute(sheet_id=sheet.id, criterion_key="jargon", reason="I explained the term.", raised_by_id=user.id)
    db.session.add(dispute)
    db.session.commit()
    login(client, make.user("qa_manager"))
    client.post(
        f"/disputes/{dispute.id}/resolve",
        data={
            "csrf_token": csrf_token(client, "/disputes/"),
            "decision": "reject",
            "resolution": "Not in plain words.",
        },
    )
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]
    assert kinds == ["new_sheet", "dispute_answered"]


def test_no_email_is_sent_without_smtp(app, make, smtp):
    assert not app.config.get("SMTP_HOST")
    agent = make.agent()
    make.user("agent", agent=agent)
    sheet_for(agent)
    assert smtp.sent == [] and smtp.connections == []


def test_an_email_goes_out_after_commit_when_smtp_is_configured(make, smtp_configured):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    sheet_for(agent)
    (message,) = smtp_configured.sent
    assert message["To"] == user.email and message["From"] == "ecoute@example.org"
    assert "Your coaching sheet" in message["Subject"] and "/me/coaching/" in message.get_content()
    assert smtp_configured.connections == [("mail.example.org", 2525)]


def test_nothing_is_mailed_when_the_change_is_rolled_back(make, smtp_configured):
    from app.coaching.models import CoachingSheet
    from tests.coaching.factories import bare_call, final_evaluation

    agent = make.agent()
    make.user("agent", agent=agent)
    evaluation = final_evaluation(bare_call(agent))
    db.session.add(CoachingSheet(evaluation_id=evaluation.id, agent_id=agent.id, language="fr", sha256="0" * 64))
    db.session.flush()
    db.session.rollback()
    assert smtp_configured.sent == []


def test_a_role_play_assigned_to_a_team_notifies_each_of_its_agents_with_a_link_to_it(client, make):
    from app.roleplay import services
    from tests.roleplay.factories import scenario_draft

    team = make.team()
    julie, karim = (make.user("agent", agent=make.agent(team=team)) for _ in range(2))
    make.user("agent")  # an agent of another team: not told
    trainer = make.user("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    services.assign(db.session, scenario, trainer, team_id=team.id)
    db.session.commit()
    rows = db.session.scalars(select(Notification).where(Notification.kind == "roleplay_assigned")).all()
    assert sorted(n.user_id for n in rows) == sorted([julie.id, karim.id])
    login(client, julie)
    listed = client.get("/notifications/").get_data(as_text=True)
    assert "Role-play to rehearse: Client excédé par une panne." in listed
    note = next(n for n in rows if n.user_id == julie.id)
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.headers["Location"].endswith(f"/me/roleplays/{scenario.id}")
    assert client.get(response.headers["Location"]).status_code == 200
