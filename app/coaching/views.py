"""Coaching sheets: the HTML page and the stored PDF, for the sheet's agent, QA managers and admins."""

from __future__ import annotations

from flask import Blueprint, abort, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.choices import Permission
from app.auth.permissions import require
from app.coaching import context  # noqa: F401  (adds the review and sheet links to the call page)
from app.coaching.models import CoachingSheet
from app.coaching.services import sheet_html, sheet_path
from app.extensions import db
from app.scoring.models import Evaluation

bp = Blueprint("coaching", __name__)


def get_sheet_or_404(sheet_id: int) -> CoachingSheet:
    """The sheet, if the signed-in user is its agent or a reviewer; 404 otherwise, so ids leak nothing."""
    sheet = db.session.get(CoachingSheet, sheet_id)
    if sheet is None:
        abort(404)
    if current_user.can(Permission.REVIEW_CALLS):
        return sheet
    if current_user.agent_id is None or current_user.agent_id != sheet.agent_id:
        abort(404)
    return sheet


@bp.route("/sheets/<int:sheet_id>")
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def show(sheet_id: int):
    """The sheet as a page, in the agent's language."""
    sheet = get_sheet_or_404(sheet_id)
    evaluation = db.session.get(Evaluation, sheet.evaluation_id)
    return sheet_html(db.session, evaluation, screen=_screen(sheet, evaluation))


def _screen(sheet: CoachingSheet, evaluation: Evaluation) -> dict:
    """What the sheet shows in a browser only: where to go next, and the recording to hear each quote."""
    links = [
        (_("Sheet history"), url_for("agent_space.sheet", sheet_id=sheet.id)),
        (_("Call"), url_for("calls.show", call_id=evaluation.call_id)),
        (_("PDF"), url_for("coaching.pdf", sheet_id=sheet.id)),
    ]
    if current_user.can(Permission.REVIEW_CALLS):
        links.append((_("Final review"), url_for("review.screen", call_id=evaluation.call_id)))
    if current_user.agent_id == sheet.agent_id:
        links.insert(0, (_("My coaching"), url_for("agent_space.my_coaching")))
    return {
        "links": links,
        "nav": _("Sheet"),
        "audio": url_for("calls.audio", call_id=evaluation.call_id),
        "play": _("Play this moment"),
        "player": _("Recording of the call"),
        "script": url_for("static", filename="js/sheet.js"),
    }


@bp.route("/sheets/<int:sheet_id>.pdf")
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def pdf(sheet_id: int):
    """The issued PDF, exactly as stored."""
    sheet = get_sheet_or_404(sheet_id)
    path = sheet_path(sheet)
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"coaching-sheet-{sheet.id}.pdf", max_age=0
    )
