"""Webhooks: subscriptions, one delivery row per event and subscriber, signed POSTs sent by the job queue."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.choices import DeliveryStatus
from app.api.models import WebhookDelivery, WebhookSubscription
from app.audit.services import record
from app.auth.models import User
from app.auth.permissions import can_view_call
from app.db import utcnow
from app.events import EVENTS, happened
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.services import create_job

log = logging.getLogger(__name__)
JOB_KIND = "webhook"
TEST_EVENT = "ping"
SIGNATURE_HEADER = "X-Ecoute-Signature"
TIMESTAMP_HEADER = "X-Ecoute-Timestamp"
EVENT_LABELS = {
    "call.scored": _l("A call was scored"),
    "evaluation.finalised": _l("A review was finalised"),
    "sheet.issued": _l("A coaching sheet was issued"),
    "dispute.opened": _l("An agent disputed a score"),
    "dispute.answered": _l("A dispute was answered"),
}


INSIDE_NETWORK = _l("This address is inside your network: webhooks go to outside receivers only.")


class WebhookError(ValueError):
    """A subscription refused as asked (a permanent error)."""


class DeliveryError(RuntimeError):
    """The receiver did not accept a delivery: transient, so the job queue retries it with backoff."""


def check_url(url: str) -> str:
    """Only http(s) URLs with a host (no file:, ftp: or javascript: targets) whose addresses are outside the
    network unless WEBHOOK_ALLOW_PRIVATE: checked when subscribing and again before each delivery, since a name
    can be pointed elsewhere later. A name that does not resolve yet is left to the delivery to report."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise WebhookError(str(_l("Give an http:// or https:// address.")))
    if not current_app.config["WEBHOOK_ALLOW_PRIVATE"] and any(_internal(a) for a in _addresses(parts.hostname)):
        raise WebhookError(str(INSIDE_NETWORK))
    return url


def _addresses(host: str) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return set()


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    ip = ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip
    return not ip.is_global or ip.is_multicast


def subscribe(session: Session, user: User, url: str, events: list[str]) -> WebhookSubscription:
    """A new subscription of `user` to some events; its secret is shown to them once."""
    events = sorted(set(events))
    if not events or any(e not in EVENTS for e in events):
        raise WebhookError(str(_l("Choose at least one event.")))
    sub = WebhookSubscription(user=user, url=check_url(url), events=events, secret=secrets.token_hex(32))
    session.add(sub)
    session.flush()
    record(session, "webhook.subscribed", target=sub, actor_id=user.id, url=sub.url, events=events)
    return sub


def unsubscribe(session: Session, sub: WebhookSubscription, by: User) -> None:
    sub.active = False
    record(session, "webhook.unsubscribed", target=sub, actor_id=by.id)


def subscriptions_of(session: Session, user: User) -> list[WebhookSubscription]:
    return list(
        session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.user_id == user.id, WebhookSubscription.active)
            .order_by(WebhookSubscription.id)
        )
    )


def _queue(session: Session, sub: WebhookSubscription, event: str, data: dict[str, Any]) -> WebhookDelivery:
    delivery = WebhookDelivery(subscription=sub, event=event, payload={})
    session.add(delivery)
    session.flush()
    delivery.payload = {"id": delivery.id, "event": event, "created_at": utcnow().isoformat(), "data": data}
    create_job(session, JOB_KIND, target_id=delivery.id, max_attempts=current_app.config["WEBHOOK_MAX_ATTEMPTS"])
    return delivery


def on_event(session: Session, event: str, call, data: dict[str, Any]) -> None:
    """Queue a delivery for every active subscription to `event` whose owner may see the call."""
    subs = session.scalars(select(WebhookSubscription).where(WebhookSubscription.active)).all()
    for sub in subs:
        if event in sub.events and sub.user.active and can_view_call(sub.user, call):
            _queue(
                session,
                sub,
                event,
                {
                    "call_id": call.id,
                    "agent_id": call.agent_id,
                    "team_id": call.team_id,
                    "external_id": call.external_id,
                    **data,
                },
            )


def send_test(session: Session, sub: WebhookSubscription) -> WebhookDelivery:
    """A `ping` event to this subscription only, to check the receiver and its signature check."""
    return _queue(session, sub, TEST_EVENT, {"subscription_id": sub.id})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "timestamp.body", hex, as the signature header carries it after "sha256="."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer to fix, not to follow
        return None


class InternalPeer(OSError):
    """The receiver's name led to an address inside the network at the moment of connecting."""


def _connect_outside(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
    """socket.create_connection, refusing a peer inside the network. The URL was checked before the request, but
    a name can resolve to another address a moment later (DNS rebinding): the address actually connected to is the
    one that counts, checked before a byte is sent."""
    sock = socket.create_connection(address, *args, **kwargs)
    peer = sock.getpeername()[0]
    if _internal(peer):
        sock.close()
        raise InternalPeer(f"{address[0]} led to {peer}, inside the network")
    return sock


class _OutsideHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_outside


class _OutsideHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_outside  # TLS is wrapped over the checked socket


class _OutsideHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_OutsideHTTPConnection, req)


class _OutsideHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_OutsideHTTPSConnection, req, context=self._context)


def _opener() -> urllib.request.OpenerDirector:
    """No redirects; and, unless WEBHOOK_ALLOW_PRIVATE, connections only to addresses outside the network."""
    if current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        return urllib.request.build_opener(_NoRedirect)
    return urllib.request.build_opener(_NoRedirect, _OutsideHTTPHandler, _OutsideHTTPSHandler)


def deliver(session: Session, delivery_id: int) -> WebhookDelivery:
    """POST the delivery, signed; DeliveryError (retried by the queue) unless the receiver answers 2xx."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise LookupError(f"no webhook delivery {delivery_id}")
    sub = delivery.subscription
    if not sub.active:  # stopped while this delivery waited for its turn or a retry
        delivery.error = "the subscription was stopped; nothing was sent"
        return delivery
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        check_url(sub.url),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Ecoute-Webhooks/1",
            "X-Ecoute-Event": delivery.event,
            "X-Ecoute-Delivery": str(delivery.id),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: "sha256=" + sign(sub.secret, timestamp, body),
        },
    )
    try:
        with _opener().open(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the receiver answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, InternalPeer):  # permanent: sending again would reach the same place
            raise WebhookError(str(INSIDE_NETWORK)) from None
        raise DeliveryError(f"the receiver could not be reached: {reason}") from None
    delivery.response_status, delivery.delivered_at, delivery.error = status, utcnow(), None
    return delivery


def own_subscription(session: Session, subscription_id: int, user: User) -> WebhookSubscription | None:
    """The active subscription, if it is this user's: nobody else reads or uses it, administrators included."""
    sub = session.get(WebhookSubscription, subscription_id)
    return sub if sub is not None and sub.active and sub.user_id == user.id else None


def deliveries_query(sub: WebhookSubscription):
    return select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id)


def with_jobs(session: Session, deliveries: list[WebhookDelivery]) -> list[dict[str, Any]]:
    """Each delivery with its job's state: delivered, failed (no attempt left) or waiting; attempts; last error."""
    jobs = {
        j.target_id: j
        for j in session.scalars(select(Job).where(Job.kind == JOB_KIND, Job.target_id.in_([d.id for d in deliveries])))
    }
    rows = []
    for d in deliveries:
        job = jobs.get(d.id)
        if d.delivered_at:
            state = DeliveryStatus.DELIVERED
        elif job is not None and job.status == JobStatus.FAILED:
            state = DeliveryStatus.FAILED
        else:
            state = DeliveryStatus.WAITING
        rows.append(
            {
                "delivery": d,
                "job": job,
                "status": state,
                "attempts": job.attempts if job else 0,
                "error": job.error if job is not None and not d.delivered_at else None,
            }
        )
    return rows


def delivery_log(session: Session, sub: WebhookSubscription, limit: int = 50) -> list[dict[str, Any]]:
    """The latest deliveries of a subscription, newest first, with their job's state."""
    deliveries = session.scalars(deliveries_query(sub).order_by(WebhookDelivery.id.desc()).limit(limit)).all()
    return with_jobs(session, list(deliveries))


def register() -> None:
    """Listen to the pipeline's events (once per process)."""
    happened.connect(_receive, weak=False)


def _receive(session: Session, *, event: str, call, data: dict[str, Any]) -> None:
    on_event(session, event, call, data)
