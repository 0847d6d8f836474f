"""/api/v1/webhooks: an integration manages its own subscriptions, reads their delivery log, sends a test."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint

from app.api.auth import allowed
from app.api.models import WebhookDelivery, WebhookSubscription
from app.api.v1 import schemas
from app.api.v1.pagination import paginate
from app.api.webhooks import (
    WebhookError,
    deliveries_query,
    own_subscription,
    send_test,
    subscribe,
    subscriptions_of,
    unsubscribe,
    with_jobs,
)
from app.auth.choices import Permission
from app.extensions import db

blp = Blueprint("v1_webhooks", __name__, url_prefix="/api/v1", description="Webhook subscriptions")


def _own(subscription_id: int) -> WebhookSubscription:
    return own_subscription(db.session, subscription_id, current_user) or abort(404)


def _delivery_json(row: dict) -> dict:
    d = row["delivery"]
    return {
        "id": d.id,
        "event": d.event,
        "created_at": d.created_at,
        "status": row["status"],
        "attempts": row["attempts"],
        "response_status": d.response_status,
        "delivered_at": d.delivered_at,
        "error": row["error"],
    }


@blp.route("/webhooks")
@allowed("webhooks", Permission.MANAGE_WEBHOOKS)
@blp.response(200, schemas.WebhookList)
def webhooks():
    """This account's active subscriptions."""
    return {"items": subscriptions_of(db.session, current_user)}


@blp.route("/webhooks", methods=["POST"])
@allowed("webhooks", Permission.MANAGE_WEBHOOKS)
@blp.arguments(schemas.WebhookIn)
@blp.response(201, schemas.WebhookCreated)
def create(data: dict):
    """Subscribe an http(s) URL to events; the answer carries the signing secret, this once."""
    try:
        sub = subscribe(db.session, current_user, data["url"], data["events"])
    except WebhookError as exc:
        db.session.rollback()
        abort(422, description=str(exc))
    db.session.commit()
    return sub


@blp.route("/webhooks/<int:subscription_id>", methods=["DELETE"])
@allowed("webhooks", Permission.MANAGE_WEBHOOKS)
@blp.response(204)
def delete(subscription_id: int):
    """Stop a subscription (its delivery log is kept)."""
    unsubscribe(db.session, _own(subscription_id), current_user)
    db.session.commit()


@blp.route("/webhooks/<int:subscription_id>/deliveries")
@allowed("webhooks", Permission.MANAGE_WEBHOOKS)
@blp.arguments(schemas.PageArgs, location="query")
@blp.response(200, schemas.DeliveryPage)
def deliveries(args: dict, subscription_id: int):
    """The delivery log, newest first: status, attempts, the receiver's answer or the last error."""
    items, cursor = paginate(deliveries_query(_own(subscription_id)), WebhookDelivery.id, args)
    return {"items": [_delivery_json(r) for r in with_jobs(db.session, items)], "next_cursor": cursor}


@blp.route("/webhooks/<int:subscription_id>/test", methods=["POST"])
@allowed("webhooks", Permission.MANAGE_WEBHOOKS)
@blp.response(202, schemas.DeliveryOut)
def test(subscription_id: int):
    """Send a signed `ping` event to this subscription."""
    delivery = send_test(db.session, _own(subscription_id))
    db.session.commit()
    return _delivery_json(with_jobs(db.session, [db.session.get(WebhookDelivery, delivery.id)])[0])
