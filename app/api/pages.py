"""The account's API tokens and webhooks pages, and the readable API reference."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.api.choices import DeliveryStatus
from app.api.forms import TokenForm, WebhookForm
from app.api.models import WebhookSubscription
from app.api.tokens import SCOPE_LABELS, TokenError, create_token, manageable_token, revoke_token, tokens_of
from app.api.webhooks import (
    EVENT_LABELS,
    WebhookError,
    delivery_log,
    own_subscription,
    send_test,
    subscribe,
    subscriptions_of,
    unsubscribe,
)
from app.auth.choices import Permission
from app.auth.models import User
from app.auth.permissions import require
from app.extensions import db
from app.ui.forms import ActionForm

bp = Blueprint("integrations", __name__)


@bp.context_processor
def _states() -> dict:
    """The delivery states the integrations templates compare against (the integration API's own enum)."""
    return {"DeliveryStatus": DeliveryStatus}


HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _account_choices() -> list[tuple[int, str]]:
    if not current_user.can(Permission.MANAGE_USERS):
        return [(current_user.id, current_user.email)]
    users = db.session.scalars(select(User).where(User.active).order_by(User.email)).all()
    return [(u.id, f"{u.email} ({u.role})") for u in users]


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """One's API tokens: create one (shown once), see when each was last used, revoke."""
    form = TokenForm()
    form.user_id.choices = _account_choices()
    clear = None
    if form.validate_on_submit():
        owner = current_user._get_current_object()
        if form.user_id.data and form.user_id.data != owner.id:
            owner = db.session.get(User, form.user_id.data) if current_user.can(Permission.MANAGE_USERS) else None
            if owner is None:
                abort(404)
        try:
            _token, clear = create_token(
                db.session,
                owner,
                name=form.name.data,
                scopes=form.scopes.data,
                expires_days=form.expires_days.data,
                created_by=current_user,
            )
            db.session.commit()
        except TokenError as exc:
            db.session.rollback()
            form.scopes.errors = [*form.scopes.errors, str(exc)]
    # The new token is in this page only: never in a flash message, which the session cookie would carry.
    return render_template(
        "api/tokens.html",
        form=form,
        clear=clear,
        tokens=tokens_of(db.session, current_user),
        scope_labels=SCOPE_LABELS,
        action_form=ActionForm(),
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke a token of one's own (an administrator: anyone's); it stops working at once."""
    token = manageable_token(db.session, token_id, current_user) or abort(404)
    if ActionForm().validate_on_submit():
        revoke_token(db.session, token, current_user)
        db.session.commit()
        flash(_("The token was revoked."), "success")
    return redirect(url_for("integrations.tokens"))


@bp.route("/account/webhooks", methods=["GET", "POST"])
@require(Permission.MANAGE_WEBHOOKS)
def webhooks():
    """One's webhook subscriptions; a new one shows its signing secret once."""
    form = WebhookForm()
    secret = None
    if form.validate_on_submit():
        try:
            secret = subscribe(db.session, current_user, form.url.data, form.events.data).secret
            db.session.commit()
        except WebhookError as exc:
            db.session.rollback()
            form.url.errors = [*form.url.errors, str(exc)]
    return render_template(
        "api/webhooks.html",
        form=form,
        secret=secret,
        action_form=ActionForm(),
        subscriptions=subscriptions_of(db.session, current_user),
        event_labels=EVENT_LABELS,
    )


def _own_subscription(subscription_id: int) -> WebhookSubscription:
    return own_subscription(db.session, subscription_id, current_user) or abort(404)


@bp.route("/account/webhooks/<int:subscription_id>")
@require(Permission.MANAGE_WEBHOOKS)
def deliveries(subscription_id: int):
    """The delivery log of one subscription: each event, its attempts, the receiver's answer or error."""
    sub = _own_subscription(subscription_id)
    return render_template(
        "api/deliveries.html",
        sub=sub,
        rows=delivery_log(db.session, sub),
        action_form=ActionForm(),
        event_labels=EVENT_LABELS,
    )


@bp.route("/account/webhooks/<int:subscription_id>/test", methods=["POST"])
@require(Permission.MANAGE_WEBHOOKS)
def test(subscription_id: int):
    """Send a signed `ping` event to this subscription now."""
    sub = _own_subscription(subscription_id)
    if ActionForm().validate_on_submit():
        send_test(db.session, sub)
        db.session.commit()
        flash(_("A test event was sent; its delivery shows below."), "success")
    return redirect(url_for("integrations.deliveries", subscription_id=sub.id))


@bp.route("/account/webhooks/<int:subscription_id>/delete", methods=["POST"])
@require(Permission.MANAGE_WEBHOOKS)
def delete(subscription_id: int):
    """Stop a subscription (its delivery log is kept)."""
    sub = _own_subscription(subscription_id)
    if ActionForm().validate_on_submit():
        unsubscribe(db.session, sub, current_user)
        db.session.commit()
        flash(_("The subscription was stopped."), "success")
    return redirect(url_for("integrations.webhooks"))


@bp.route("/api/v1/docs")
def docs():
    """The API reference, rendered on the server from the generated OpenAPI document (no script)."""
    spec = current_app.extensions["ecoute_api"].spec.to_dict()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "tag": (op.get("tags") or [""])[0],
            "parameters": [*item.get("parameters", []), *op.get("parameters", [])],
            "responses": sorted(op.get("responses", {}).items()),
        }
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    return render_template("api/docs.html", spec=spec, operations=operations)
