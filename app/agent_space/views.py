"""My coaching (agents), sheet history (agent and managers), disputes (QA managers), notifications."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError

from app.agent_space import context
from app.agent_space.forms import MAX_COMMENT, CommentForm, DisputeForm, ResolveForm
from app.agent_space.models import Notification
from app.agent_space.notifications import mark_read, notification_text, unread_count, user_notifications
from app.agent_space.services import (
    CoachingError,
    acknowledge,
    add_comment,
    can_see_sheet,
    is_owner,
    raise_dispute,
    resolve_dispute,
)
from app.auth.choices import Permission
from app.auth.permissions import require
from app.calls.forms import ActionForm
from app.coaching.models import CoachingSheet, Dispute
from app.extensions import db
from app.main.templating import nav_item

bp = Blueprint("agent_space", __name__)


class _CountedLabel:
    """A navigation label with a live count, e.g. unread notifications."""

    def __init__(self, label, counter) -> None:
        self.label, self.counter = label, counter

    def __html__(self) -> str:
        count = self.counter() if current_user.is_authenticated else 0
        badge = Markup(' <span class="badge badge-count">{}</span>').format(count) if count else ""
        return str(escape(str(self.label)) + badge)

    def __str__(self) -> str:
        return str(self.label)


nav_item("agent_space.my_coaching", _l("My coaching"), Permission.VIEW_OWN_CALLS, mine=True)
nav_item(
    "agent_space.disputes",
    _CountedLabel(_l("Disputes"), lambda: context.open_dispute_count(db.session)),
    Permission.REVIEW_CALLS,
)
nav_item(
    "agent_space.notifications",
    _CountedLabel(_l("Notifications"), lambda: unread_count(db.session, current_user.id)),
    Permission.VIEW_OWN_CALLS,
)


def _sheet_or_404(sheet_id: int) -> CoachingSheet:
    """The sheet, if the signed-in user may see it; 404 otherwise, so others' sheet ids leak nothing."""
    sheet = db.session.get(CoachingSheet, sheet_id)
    if sheet is None or not can_see_sheet(current_user, sheet):
        abort(404)
    return sheet


def _own_sheet_or_403(sheet_id: int) -> CoachingSheet:
    """Only the sheet's own agent acknowledges or disputes it."""
    sheet = _sheet_or_404(sheet_id)
    if not is_owner(current_user, sheet):
        abort(403)
    return sheet


def sheet_urls(sheet_id: int) -> dict[str, str]:
    """The HTML and PDF views of a sheet, from the coaching blueprint when it is there."""
    if "coaching.show" in current_app.view_functions:
        return {"html": url_for("coaching.show", sheet_id=sheet_id), "pdf": url_for("coaching.pdf", sheet_id=sheet_id)}
    return {"html": f"/sheets/{sheet_id}", "pdf": f"/sheets/{sheet_id}.pdf"}


@bp.route("/me/coaching")
@require(Permission.VIEW_OWN_CALLS)
def my_coaching():
    """The agent's sheets newest first, trends per criterion and open action items."""
    page = context.my_coaching(db.session, current_user.agent_id)
    return render_template("agent_space/my_coaching.html", sheet_urls=sheet_urls, **page)


@bp.route("/me/coaching/<int:sheet_id>")
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def sheet(sheet_id: int):
    """A sheet's history: acknowledgement, comments, disputes and their resolutions."""
    sheet = _sheet_or_404(sheet_id)
    page = context.sheet_page(db.session, sheet, current_user, current_app.config["DISPUTE_WINDOW_DAYS"])
    dispute_form = DisputeForm()
    dispute_form.criterion.choices = [(c["key"], c["title"]) for c in page["disputable"]]
    return render_template(
        "agent_space/sheet.html",
        urls=sheet_urls(sheet.id),
        comment_form=CommentForm(),
        dispute_form=dispute_form,
        action_form=ActionForm(),
        resolve_form=ResolveForm(),
        **page,
    )


def _run(action, success: str):
    try:
        action()
        db.session.commit()
        flash(success, "success")
    except CoachingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    except IntegrityError:  # two managers accepting at once: the revision number is taken (one review per revision)
        db.session.rollback()
        flash(_("Someone else answered at the same moment: nothing was changed. Reload to see their answer."), "error")


@bp.route("/me/coaching/<int:sheet_id>/acknowledge", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS)
def acknowledge_sheet(sheet_id: int):
    """The agent acknowledges their sheet, once."""
    sheet = _own_sheet_or_403(sheet_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    _run(lambda: acknowledge(db.session, sheet, current_user), _("Sheet acknowledged."))
    return redirect(url_for("agent_space.sheet", sheet_id=sheet.id))


@bp.route("/me/coaching/<int:sheet_id>/comment", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def comment(sheet_id: int):
    """A comment on the sheet's history."""
    sheet = _sheet_or_404(sheet_id)
    form = CommentForm()
    if form.validate_on_submit():
        _run(lambda: add_comment(db.session, sheet, current_user, form.body.data), _("Comment added."))
    elif len(form.body.data or "") > MAX_COMMENT:
        flash(
            _(
                "A comment can have at most %(max)s characters; this one has %(n)s.",
                max=format_decimal(MAX_COMMENT),
                n=format_decimal(len(form.body.data)),
            ),
            "error",
        )
    else:
        flash(_("Write a comment first."), "error")
    return redirect(url_for("agent_space.sheet", sheet_id=sheet.id))


@bp.route("/me/coaching/<int:sheet_id>/dispute", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS)
def dispute(sheet_id: int):
    """The agent disputes one criterion, with a reason, within the dispute window."""
    sheet = _own_sheet_or_403(sheet_id)
    form = DisputeForm()
    form.criterion.choices = [(request.form.get("criterion", ""), "")]
    if form.validate_on_submit():
        _run(
            lambda: raise_dispute(
                db.session,
                sheet,
                current_user,
                form.criterion.data,
                form.reason.data,
                window_days=current_app.config["DISPUTE_WINDOW_DAYS"],
            ),
            _("Dispute sent to the QA team."),
        )
    else:
        flash(_("Choose a criterion and say why you dispute it."), "error")
    return redirect(url_for("agent_space.sheet", sheet_id=sheet.id))


@bp.route("/disputes/")
@require(Permission.REVIEW_CALLS)
def disputes():
    """Open disputes, oldest first, each with a form to resolve it."""
    return render_template(
        "agent_space/disputes.html", disputes=context.open_disputes(db.session), resolve_form=ResolveForm()
    )


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def resolve(dispute_id: int):
    """Accept (a new revision and sheet) or reject (with a reason) a dispute."""
    dispute = db.get_or_404(Dispute, dispute_id)
    form = ResolveForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        _run(
            lambda: resolve_dispute(
                db.session,
                dispute,
                current_user,
                accept=accept,
                resolution=form.resolution.data,
                new_score=form.new_score.data,
            ),
            _("Dispute accepted: a new revision was created.") if accept else _("Dispute rejected."),
        )
    else:
        flash(_("Choose a decision and give its reason."), "error")
    return redirect(
        request.form.get("next")
        if request.form.get("next", "").startswith("/me/coaching/")
        else url_for("agent_space.disputes")
    )


@bp.route("/notifications/")
@login_required
def notifications():
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
    return render_template("agent_space/notifications.html", notifications=rows, action_form=ActionForm())


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
    return redirect(url_for("agent_space.notifications"))
