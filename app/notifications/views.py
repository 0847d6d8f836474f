"""The notifications page: read one (and open what it is about), or read them all."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.auth.choices import Permission
from app.extensions import db
from app.navigation import CountedLabel, nav_item
from app.notifications.models import Notification
from app.notifications.services import (
    mark_read,
    notification_text,
    read_on_opening,
    unread_count,
    user_notifications,
)
from app.ui.forms import ActionForm

bp = Blueprint("notifications", __name__)

nav_item(
    "notifications.index",
    CountedLabel(_l("Notifications"), lambda: unread_count(db.session, current_user.id)),
    Permission.VIEW_OWN_CALLS,
)


@bp.route("/notifications/")
@login_required
def index():
    """The signed-in user's notifications, newest first."""
    rows = [
        {
            "id": n.id,
            "text": notification_text(n.kind, n.params),
            "url": n.url,
            "created_at": n.created_at,
            "unread": n.read_at is None,
        }
        for n in user_notifications(db.session, current_user.id)
    ]
    return render_template("notifications/index.html", notifications=rows, action_form=ActionForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """Mark one notification read and open what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id or not ActionForm().validate_on_submit():
        abort(404)
    mark_read(db.session, current_user.id, notification.id)
    db.session.commit()
    return redirect(notification.url)


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every notification of the signed-in user read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_read(db.session, current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.after_app_request
def _read_when_its_page_opens(response: Response) -> Response:
    """A notification is read once the page it points to has been shown to its user, however they got there."""
    if (
        request.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and current_user.is_authenticated
        and read_on_opening(db.session, current_user.id, request.path)
    ):
        db.session.commit()
    return response
