"""Coaching sheets: the HTML page and the stored PDF (for the sheet's agent, QA managers and admins), the agent's
own coaching page, a sheet's history (acknowledgement, comments, disputes) and the disputes page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.choices import Permission
from app.auth.permissions import require
from app.coaching import pages  # also adds the review and sheet links to the call page
from app.coaching.forms import CommentForm, DisputeForm, ResolveForm
from app.coaching.history import (
    CoachingError,
    acknowledge,
    add_comment,
    can_see_sheet,
    is_owner,
    raise_dispute,
    resolve_dispute,
)
from app.coaching.models import CoachingSheet, Dispute
from app.coaching.services import sheet_html, sheet_path
from app.extensions import db
from app.navigation import CountedLabel, nav_item
from app.scoring.models import Evaluation
from app.ui.forms import ActionForm

bp = Blueprint("coaching", __name__)


def register_nav() -> None:
    """My coaching and Disputes in the navigation (called after the team reports add theirs, which come first)."""
    nav_item("coaching.my_coaching", _l("My coaching"), Permission.VIEW_OWN_CALLS, mine=True)
    nav_item(
        "coaching.disputes",
        CountedLabel(_l("Disputes"), lambda: pages.open_dispute_count(db.session)),
        Permission.REVIEW_CALLS,
    )


def get_sheet_or_404(sheet_id: int) -> CoachingSheet:
    """The sheet, if the signed-in user is its agent or a reviewer; 404 otherwise, so ids leak nothing."""
    sheet = db.session.get(CoachingSheet, sheet_id)
    if sheet is None or not can_see_sheet(current_user, sheet):
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
        (_("Sheet history"), url_for("coaching.sheet", sheet_id=sheet.id)),
        (_("Call"), url_for("calls.show", call_id=evaluation.call_id)),
        (_("PDF"), url_for("coaching.pdf", sheet_id=sheet.id)),
    ]
    if current_user.can(Permission.REVIEW_CALLS):
        links.append((_("Final review"), url_for("review.screen", call_id=evaluation.call_id)))
    if current_user.agent_id == sheet.agent_id:
        links.insert(0, (_("My coaching"), url_for("coaching.my_coaching")))
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


def _own_sheet_or_403(sheet_id: int) -> CoachingSheet:
    """Only the sheet's own agent acknowledges or disputes it."""
    sheet = get_sheet_or_404(sheet_id)
    if not is_owner(current_user, sheet):
        abort(403)
    return sheet


def sheet_urls(sheet_id: int) -> dict[str, str]:
    """The HTML and PDF views of a sheet."""
    return {"html": url_for("coaching.show", sheet_id=sheet_id), "pdf": url_for("coaching.pdf", sheet_id=sheet_id)}


@bp.route("/me/coaching")
@require(Permission.VIEW_OWN_CALLS)
def my_coaching():
    """The agent's sheets newest first, trends per criterion and open action items."""
    page = pages.my_coaching(db.session, current_user.agent_id)
    return render_template("coaching/my_coaching.html", sheet_urls=sheet_urls, **page)


@bp.route("/me/coaching/<int:sheet_id>")
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def sheet(sheet_id: int):
    """A sheet's history: acknowledgement, comments, disputes and their resolutions."""
    return _sheet_page(get_sheet_or_404(sheet_id))


def _sheet_page(
    sheet: CoachingSheet,
    *,
    comment_form: CommentForm | None = None,
    dispute_form: DisputeForm | None = None,
    resolve_forms: dict[int, ResolveForm] | None = None,
) -> str:
    """The history page; a form given back keeps what was typed in it and shows its errors."""
    page = pages.sheet_page(db.session, sheet, current_user, current_app.config["DISPUTE_WINDOW_DAYS"])
    dispute_form = dispute_form or DisputeForm(formdata=None)
    dispute_form.criterion.choices = [(c["key"], c["title"]) for c in page["disputable"]]
    return render_template(
        "coaching/sheet_page.html",
        urls=sheet_urls(sheet.id),
        comment_form=comment_form or CommentForm(formdata=None),
        dispute_form=dispute_form,
        action_form=ActionForm(),
        resolve_form=ResolveForm(formdata=None),
        resolve_forms=resolve_forms or {},
        **page,
    )


def _run(action, success: str) -> bool:
    """Run the action and commit; on refusal, roll back and say why. True when it went through."""
    try:
        action()
        db.session.commit()
    except CoachingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    except IntegrityError:  # two managers accepting at once: the revision number is taken (one review per revision)
        db.session.rollback()
        flash(_("Someone else answered at the same moment: nothing was changed. Reload to see their answer."), "error")
        return False
    flash(success, "success")
    return True


@bp.route("/me/coaching/<int:sheet_id>/acknowledge", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS)
def acknowledge_sheet(sheet_id: int):
    """The agent acknowledges their sheet, once."""
    sheet = _own_sheet_or_403(sheet_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    _run(lambda: acknowledge(db.session, sheet, current_user), _("Sheet acknowledged."))
    return redirect(url_for("coaching.sheet", sheet_id=sheet.id))


@bp.route("/me/coaching/<int:sheet_id>/comment", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
def comment(sheet_id: int):
    """A comment on the sheet's history."""
    sheet = get_sheet_or_404(sheet_id)
    form = CommentForm()
    if form.validate_on_submit() and _run(
        lambda: add_comment(db.session, sheet, current_user, form.body.data), _("Comment added.")
    ):
        return redirect(url_for("coaching.sheet", sheet_id=sheet.id))
    return _sheet_page(sheet, comment_form=form)


@bp.route("/me/coaching/<int:sheet_id>/dispute", methods=["POST"])
@require(Permission.VIEW_OWN_CALLS)
def dispute(sheet_id: int):
    """The agent disputes one criterion, with a reason, within the dispute window."""
    sheet = _own_sheet_or_403(sheet_id)
    form = DisputeForm()
    form.criterion.choices = [(request.form.get("criterion", ""), "")]  # the service checks the criterion
    if form.validate_on_submit() and _run(
        lambda: raise_dispute(
            db.session,
            sheet,
            current_user,
            form.criterion.data,
            form.reason.data,
            window_days=current_app.config["DISPUTE_WINDOW_DAYS"],
        ),
        _("Dispute sent to the QA team."),
    ):
        return redirect(url_for("coaching.sheet", sheet_id=sheet.id))
    return _sheet_page(sheet, dispute_form=form)


@bp.route("/disputes/")
@require(Permission.REVIEW_CALLS)
def disputes():
    """Open disputes, oldest first, each with a form to resolve it."""
    return _disputes_page()


def _disputes_page(resolve_forms: dict[int, ResolveForm] | None = None) -> str:
    return render_template(
        "coaching/disputes.html",
        disputes=pages.open_disputes(db.session),
        resolve_form=ResolveForm(formdata=None),
        resolve_forms=resolve_forms or {},
    )


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def resolve(dispute_id: int):
    """Accept (a new revision and sheet) or reject (with a reason) a dispute; a refused answer comes back as typed,
    on the page it was given from."""
    dispute = db.get_or_404(Dispute, dispute_id)
    form = ResolveForm()
    from_sheet = request.form.get("next", "").startswith("/me/coaching/")
    accept = form.decision.data == "accept"
    if form.validate_on_submit() and _run(
        lambda: resolve_dispute(
            db.session,
            dispute,
            current_user,
            accept=accept,
            resolution=form.resolution.data,
            new_score=form.new_score.data,
        ),
        _("Dispute accepted: a new revision was created.") if accept else _("Dispute rejected."),
    ):
        return redirect(request.form["next"] if from_sheet else url_for("coaching.disputes"))
    if from_sheet:
        return _sheet_page(db.session.get(CoachingSheet, dispute.sheet_id), resolve_forms={dispute_id: form})
    return _disputes_page({dispute_id: form})
