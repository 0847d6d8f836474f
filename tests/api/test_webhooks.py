"""Webhooks: events reach the subscriber signed, through the job queue, retried when the receiver fails."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.api import webhooks
from app.api.models import WebhookDelivery, WebhookSubscription
from app.api.webhooks import WebhookError, subscribe
from app.events import EVENTS
from app.extensions import db
from app.jobs.models import Job
from tests.api.factories import subscription
from tests.api.receiver import Receiver, verify
from tests.conftest import csrf_token


def test_a_scored_call_is_posted_to_the_subscriber_with_a_valid_signature(make):
    with Receiver() as receiver:
        sub = subscription(make.user("qa_manager"), receiver.url, ["call.scored"])
        call = make.call()
    assert receiver.events() == ["call.scored"]
    request = receiver.received[0]
    headers = request["headers"]
    assert verify(sub.secret, headers["X-Ecoute-Timestamp"], request["body"], headers["X-Ecoute-Signature"])
    assert not verify("another-secret", headers["X-Ecoute-Timestamp"], request["body"], headers["X-Ecoute-Signature"])
    assert not verify(
        sub.secret, str(int(headers["X-Ecoute-Timestamp"]) + 1), request["body"], headers["X-Ecoute-Signature"]
    )
    payload = json.loads(request["body"])
    assert payload["data"]["call_id"] == call.id and payload["data"]["evaluation_id"]
    assert headers["X-Ecoute-Delivery"] == str(payload["id"])


def test_a_receiver_error_is_retried_until_it_answers(make):
    with Receiver(statuses=[500, 503]) as receiver:
        subscription(make.user("admin"), receiver.url, ["call.scored"])
        make.call()
    assert receiver.events() == ["call.scored"] * 3
    assert len({r["body"] for r in receiver.received}) == 1  # the same delivery, sent again
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    job = db.session.scalars(select(Job).where(Job.kind == "webhook")).one()
    assert delivery.response_status == 200 and delivery.delivered_at is not None
    assert job.status == "done" and job.attempts == 3
    assert [entry["error"] for entry in job.log] == ["the receiver answered HTTP 500", "the receiver answered HTTP 503"]


def test_a_receiver_that_keeps_failing_shows_in_the_delivery_log(app, client, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 2)
    owner = login_as("qa_manager")
    with Receiver(statuses=[500] * 5) as receiver:
        sub = subscription(owner, receiver.url, ["call.scored"])
        make.call()
    assert len(receiver.received) == 2
    page = client.get(f"/account/webhooks/{sub.id}").get_data(as_text=True)
    assert "the receiver answered HTTP 500" in page and "Failed" in page


def test_every_event_of_a_review_and_dispute_reaches_the_subscriber(make):
    from app.coaching.history import raise_dispute, resolve_dispute
    from app.coaching.services import sheet_for
    from app.review.services import finalise, start_review

    agent = make.agent()
    agent_user, reviewer = make.user("agent", agent=agent), make.user("qa_manager")
    with Receiver() as receiver:
        subscription(make.user("admin"), receiver.url, EVENTS)
        call = make.call(agent)
        draft = start_review(db.session, call, reviewer)
        finalise(db.session, draft, reviewer)
        db.session.commit()  # the sheet is rendered by its job, after this commit
        sheet = sheet_for(db.session, draft.id)
        dispute = raise_dispute(db.session, sheet, agent_user, "active_listening", "I did reformulate.", window_days=14)
        db.session.commit()
        resolve_dispute(db.session, dispute, reviewer, accept=False, resolution="The reformulation is partial.")
        db.session.commit()
    assert receiver.events() == [
        "call.scored",
        "evaluation.finalised",
        "sheet.issued",
        "dispute.opened",
        "dispute.answered",
    ]
    answered = json.loads(receiver.received[-1]["body"])["data"]
    assert answered["dispute_id"] == dispute.id and answered["status"] == "rejected"


def test_a_deactivated_subscriber_hears_nothing(make):
    with Receiver() as receiver:
        owner = make.user("qa_manager")
        subscription(owner, receiver.url, ["call.scored"])
        owner.active = False
        db.session.commit()
        make.call()
    assert receiver.received == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "example.org", "http://"]
)
def test_subscription_urls_that_are_not_http_are_refused(make, url):
    with pytest.raises(WebhookError):
        subscribe(db.session, make.user("qa_manager"), url, ["call.scored"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/hook",
        "http://192.168.0.10/hook",
    ],
)
def test_subscription_urls_inside_the_network_are_refused(app, make, url, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    with pytest.raises(WebhookError, match="inside your network"):
        subscribe(db.session, make.user("qa_manager"), url, ["call.scored"])


def test_a_delivery_to_a_name_now_pointing_inside_the_network_is_not_sent(app, make, monkeypatch):
    with Receiver() as receiver:
        subscription(make.user("qa_manager"), receiver.url, ["call.scored"])
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
        make.call()
    assert receiver.received == []


def test_an_integrator_subscribes_in_the_ui_and_sends_a_test_event(client, login_as):
    login_as("qa_manager")
    refused = client.post(
        "/account/webhooks",
        data={
            "url": "file:///etc/passwd",
            "events": ["call.scored"],
            "csrf_token": csrf_token(client, "/account/webhooks"),
        },
    )
    assert "Give an http:// or https:// address." in refused.get_data(as_text=True)
    assert db.session.scalars(select(WebhookSubscription)).all() == []
    with Receiver() as receiver:
        page = client.post(
            "/account/webhooks",
            data={
                "url": receiver.url,
                "events": ["call.scored", "sheet.issued"],
                "csrf_token": csrf_token(client, "/account/webhooks"),
            },
        ).get_data(as_text=True)
        secret = re.search(r'data-role="secret">([0-9a-f]+)<', page).group(1)
        sub = db.session.scalars(select(WebhookSubscription)).one()
        assert 'data-role="secret"' not in client.get("/account/webhooks").get_data(as_text=True)
        response = client.post(
            f"/account/webhooks/{sub.id}/test", data={"csrf_token": csrf_token(client, "/account/webhooks")}
        )
        assert response.status_code == 302
    assert receiver.events() == ["ping"]
    request = receiver.received[0]
    assert verify(
        secret, request["headers"]["X-Ecoute-Timestamp"], request["body"], request["headers"]["X-Ecoute-Signature"]
    )
    log = client.get(f"/account/webhooks/{sub.id}").get_data(as_text=True)
    assert "Delivered" in log and "HTTP 200" in log


def test_a_delivery_waiting_for_a_retry_is_not_sent_once_its_subscription_is_stopped(app, make):
    from app.api.webhooks import deliver, send_test, unsubscribe

    with Receiver() as receiver:
        owner = make.user("qa_manager")
        sub = subscription(owner, receiver.url, ["call.scored"])
        delivery = send_test(db.session, sub)
        unsubscribe(db.session, sub, owner)
        db.session.flush()
        deliver(db.session, delivery.id)
        db.session.commit()
    assert delivery.delivered_at is None and "stopped" in delivery.error
    assert receiver.events() == []  # the queued job, run on commit, found it stopped too


def test_a_stopped_subscription_hears_nothing_more(client, make, login_as):
    owner = login_as("admin")
    with Receiver() as receiver:
        sub = subscription(owner, receiver.url, ["call.scored"])
        client.post(f"/account/webhooks/{sub.id}/delete", data={"csrf_token": csrf_token(client, "/account/webhooks")})
        make.call()
    assert receiver.received == []
    assert client.get(f"/account/webhooks/{sub.id}").status_code == 404


def test_an_integration_manages_its_subscriptions_through_the_api(client, make):
    from tests.api.factories import bearer, token_for

    token = bearer(token_for(make.user("qa_manager"), "webhooks"))
    refused = client.post(
        "/api/v1/webhooks", json={"url": "ftp://example.org/x", "events": ["call.scored"]}, headers=token
    )
    assert refused.status_code == 422 and refused.get_json()["detail"] == "Give an http:// or https:// address."
    unknown = client.post(
        "/api/v1/webhooks", json={"url": "https://bi.example.org/hook", "events": ["call.deleted"]}, headers=token
    )
    assert unknown.status_code == 422 and "events" in unknown.get_json()["errors"]["json"]
    with Receiver(statuses=[500]) as receiver:
        created = client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["sheet.issued"]}, headers=token)
        assert created.status_code == 201
        sub = created.get_json()
        assert [s["id"] for s in client.get("/api/v1/webhooks", headers=token).get_json()["items"]] == [sub["id"]]
        assert "secret" not in client.get("/api/v1/webhooks", headers=token).get_json()["items"][0]
        sent = client.post(f"/api/v1/webhooks/{sub['id']}/test", headers=token)
        assert sent.status_code == 202 and sent.get_json()["event"] == "ping"
    request = receiver.received[-1]
    assert verify(
        sub["secret"],
        request["headers"]["X-Ecoute-Timestamp"],
        request["body"],
        request["headers"]["X-Ecoute-Signature"],
    )
    log = client.get(f"/api/v1/webhooks/{sub['id']}/deliveries", headers=token).get_json()["items"]
    assert [(d["event"], d["status"], d["attempts"], d["response_status"]) for d in log] == [
        ("ping", "delivered", 2, 200)
    ]
    assert client.delete(f"/api/v1/webhooks/{sub['id']}", headers=token).status_code == 204
    assert client.get("/api/v1/webhooks", headers=token).get_json()["items"] == []


def test_a_name_that_turns_internal_between_the_check_and_the_connection_is_not_sent(app, make, monkeypatch):
    """DNS rebinding: the name passes the check with a public address, then connects to one inside the network."""
    with Receiver() as receiver:
        sub = subscription(make.user("qa_manager"), receiver.url, ["call.scored"])
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
        monkeypatch.setattr(webhooks, "_addresses", lambda host: {"93.184.216.34"})  # what the check was told
        make.call()
    assert receiver.received == []
    delivery = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id)).one()
    job = db.session.scalars(select(Job).where(Job.kind == "webhook")).one()
    assert delivery.delivered_at is None
    assert job.status == "failed" and job.attempts == 1 and "inside your network" in job.error
