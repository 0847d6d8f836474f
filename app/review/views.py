"""Review pages for QA managers: the queue and sampling plans, the review screen, revisions, calibration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.choices import Permission, Role
from app.auth.models import User
from app.auth.permissions import require
from app.calls.access import get_call_or_404, visible_call
from app.db import utcnow
from app.extensions import db
from app.navigation import nav_item
from app.review import assignments, calibration, pages, sampling
from app.review.forms import (
    AssignmentForm,
    CalibrationScoreForm,
    DrawForm,
    OpenCalibrationForm,
    PeriodForm,
    PlanForm,
    ReviewForm,
    RevisionForm,
)
from app.review.models import CalibrationSession, ReviewAssignment, SamplingPlan
from app.review.services import (
    ActionDraft,
    AlreadyFinalised,
    CriterionChange,
    Judgement,
    NewEvidence,
    ReviewError,
    create_revision,
    finalise,
    finalised_by,
    latest_auto_evaluation,
    latest_review,
    save_draft,
    start_review,
)
from app.scoring.choices import EvaluationStatus
from app.scoring.pages import criterion_choices
from app.teams.models import Team
from app.ui.forms import ActionForm

bp = Blueprint("review", __name__, url_prefix="/review")
nav_item("review.queue_page", _l("Review"), Permission.REVIEW_CALLS)
nav_item("review.calibrations", _l("Calibration"), Permission.REVIEW_CALLS)


def _reviewers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_((Role.QA_MANAGER, Role.ADMIN))).order_by(User.name)
        )
    )


def _plan_form(bound: bool = True) -> PlanForm:
    """The new plan form; `bound` reads the request's form data, for the form that was submitted."""
    form = PlanForm() if bound else PlanForm(formdata=None)
    form.team_id.choices = [(t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]
    form.criterion.choices = [("", _("None: draw by the shares above")), *criterion_choices()]
    return form


def _draw_form(bound: bool = True) -> DrawForm:
    form = DrawForm() if bound else DrawForm(formdata=None)
    plans = db.session.scalars(select(SamplingPlan).order_by(SamplingPlan.name))
    form.plan_id.choices = [(p.id, p.name) for p in plans]
    form.reviewer_id.choices = [(u.id, u.name) for u in _reviewers()]
    if form.reviewer_id.data is None and current_user.id in dict(form.reviewer_id.choices):
        form.reviewer_id.data = current_user.id  # the signed-in manager draws for themself unless told otherwise
    if form.day.data is None:
        form.day.data = utcnow().date()
    return form


def _assignment_form(bound: bool = True) -> AssignmentForm:
    form = AssignmentForm() if bound else AssignmentForm(formdata=None)
    form.reviewer_id.choices = [(u.id, u.name) for u in _reviewers()]
    return form


@bp.route("/")
@require(Permission.REVIEW_CALLS)
def queue_page():
    """My assignments, everyone's open ones (overdue first), plans with their coverage, a draw form."""
    return _queue()


def _queue(plan_form: PlanForm | None = None, draw_form: DrawForm | None = None):
    """The queue page; a submitted form that was refused comes back as entered, with its errors (200, as the
    review screen does: the page is the answer, and the access matrix reads 4xx as a refusal)."""
    context = pages.queue_page(db.session, current_user, utcnow().date())
    return render_template(
        "review/queue.html",
        plan_form=_plan_form(bound=False) if plan_form is None else plan_form,
        draw_form=_draw_form(bound=False) if draw_form is None else draw_form,
        assignment_form=_assignment_form(bound=False),
        **context,
    )


@bp.route("/assignments/<int:assignment_id>", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def assignment(assignment_id: int):
    """Skip, remove or reassign one open item of the queue."""
    item = db.session.get(ReviewAssignment, assignment_id) or abort(404)
    form = _assignment_form()
    try:
        if not form.validate_on_submit():
            raise assignments.SamplingError(_("Choose what to do with this call."))
        if form.action.data == "reassign":
            reviewer = db.session.get(User, form.reviewer_id.data or 0)
            if reviewer is None or reviewer.id not in dict(form.reviewer_id.choices):
                raise assignments.SamplingError(_("Choose the reviewer to give it to."))
            assignments.reassign(db.session, item, reviewer, current_user)
            message = _("Call #%(id)d given to %(name)s.", id=item.call_id, name=reviewer.name)
        elif form.action.data == "skip":
            assignments.skip(db.session, item, current_user)
            message = _("Call #%(id)d skipped: it will not be drawn again.", id=item.call_id)
        else:
            call_id = item.call_id
            assignments.remove(db.session, item, current_user)
            message = _("Call #%(id)d removed from the queue.", id=call_id)
        db.session.commit()
        flash(message, "success")
    except assignments.SamplingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("review.queue_page"))


@bp.route("/plans", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def create_plan():
    """Create a sampling plan for a team."""
    form = _plan_form()
    if not form.validate_on_submit():
        flash(_("The plan was not created: check the form."), "error")
        return _queue(plan_form=form)
    strata = {name: (getattr(form, name).data or 0) / 100 for name in sampling.STRATA}
    strata[sampling.TARGETED] = form.criterion.data or None
    try:
        assignments.create_plan(
            db.session,
            team=db.session.get(Team, form.team_id.data) or abort(400),
            name=form.name.data,
            calls_per_agent=form.calls_per_agent.data,
            period=form.period.data,
            strata=strata,
            min_duration=form.min_duration.data or 0,
        )
    except assignments.SamplingError as exc:
        db.session.rollback()
        flash(_("The plan was not created: %(reason)s", reason=pages.error_label(str(exc))), "error")
        return _queue(plan_form=form)
    db.session.commit()
    flash(_("Sampling plan created."), "success")
    return redirect(url_for("review.queue_page"))


@bp.route("/draw", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def draw():
    """Draw a plan's calls for the period into a reviewer's queue."""
    form = _draw_form()
    if not form.validate_on_submit():
        flash(_("Nothing was drawn: check the form."), "error")
        return _queue(draw_form=form)
    plan = db.session.get(SamplingPlan, form.plan_id.data) or abort(404)
    reviewer = db.session.get(User, form.reviewer_id.data) or abort(400)
    rows = assignments.draw(
        db.session, plan, day=form.day.data, reviewer=reviewer, seed=form.seed.data, due_days=form.due_days.data
    )
    db.session.commit()
    seed = rows[0].seed if rows else form.seed.data
    seed = seed if seed is not None else "–"
    flash(
        ngettext("%(num)d call drawn (seed %(seed)s).", "%(num)d calls drawn (seed %(seed)s).", len(rows), seed=seed),
        "success",
    )
    return redirect(url_for("review.queue_page"))


def _fill_criteria(field_list, criteria) -> None:
    while len(field_list.entries):
        field_list.pop_entry()
    for c in criteria:
        field_list.append_entry({"key": c["id"], "score": c["score"], "na": c["na"], "reason": c.get("reason")})


def _changes(form_criteria) -> dict[str, CriterionChange]:
    return {
        entry.form.key.data: CriterionChange(
            score=float(entry.form.score.data) if entry.form.score.data is not None else None,
            na=bool(entry.form.na.data),
            reason=entry.form.reason.data,
        )
        for entry in form_criteria
    }


def _new_evidence(raw: str | None) -> list[NewEvidence]:
    try:
        items = json.loads(raw) if raw else []
        return [
            NewEvidence(
                str(i["criterion"]), int(i["segment"]), int(i["start"]), int(i["end"]), int(i["sign"]), str(i["note"])
            )
            for i in items
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReviewError("the evidence selection could not be read") from exc


def _judgements(form) -> list[Judgement]:
    """The confirm/reject radio of each automatic evidence item, with its optional reason."""
    return [
        Judgement(name.removeprefix("verdict-"), value, form.get("verdict_reason-" + name.removeprefix("verdict-")))
        for name, value in form.items()
        if name.startswith("verdict-")
    ]


def _lost_race(call, by: str | None = None):
    """Another reviewer finalised (or started) this review between this page's reading and its saving."""
    db.session.rollback()
    head = latest_review(db.session, call)
    if head is not None and head.status == EvaluationStatus.FINAL:
        flash(
            _(
                "This review was already finalised by %(name)s: your changes were not saved.",
                name=by or finalised_by(db.session, head.id) or "?",
            ),
            "error",
        )
    else:
        flash(
            _(
                "Another reviewer saved this review at the same moment: your changes were not saved. "
                "Check their version and try again."
            ),
            "error",
        )
    return redirect(url_for("review.screen", call_id=call.id))


def _show_errors(form_criteria, exc: ReviewError) -> None:
    for entry in form_criteria:
        message = exc.errors.get(entry.form.key.data)
        if message:
            entry.form.reason.errors = [*entry.form.reason.errors, pages.error_label(message)]
    if not exc.errors:
        flash(pages.error_label(str(exc)), "error")


@bp.route("/calls/<int:call_id>", methods=["GET", "POST"])
@require(Permission.REVIEW_CALLS)
def screen(call_id: int):
    """The review screen: listen, read, confirm or change each score, save a draft, finalise."""
    call = get_call_or_404(call_id)
    if request.method == "GET":  # the screen shows the transcript as spoken
        record(db.session, "review.screen_viewed", target=call)
        db.session.commit()
    current = latest_review(db.session, call)
    if current is not None and current.status == EvaluationStatus.FINAL:
        if request.method == "POST":
            flash(
                _(
                    "This review was already finalised by %(name)s; create a revision to correct it.",
                    name=current.reviewer.name if current.reviewer else "?",
                ),
                "error",
            )
            return redirect(url_for("review.screen", call_id=call.id))
        return render_template(
            "review/final.html",
            **pages.final_page_extras(db.session, current),
            **pages.review_page(db.session, call, current, current_user),
        )
    shown = current or latest_auto_evaluation(db.session, call)
    if shown is None:
        flash(_("This call has no automatic score yet: it can be reviewed once it is scored."), "info")
        return redirect(url_for("calls.show", call_id=call.id))
    form = ReviewForm()
    if request.method == "GET":
        context = pages.review_page(db.session, call, shown, current_user)
        _fill_review(form, shown, context)
        return render_template("review/screen.html", form=form, action_form=ActionForm(), **context)
    if form.validate_on_submit():
        try:
            _save_review(call, form)
            db.session.commit()
            flash(
                _("Review finalised; the coaching sheet is being prepared.")
                if form.finalise.data
                else _("Draft saved."),
                "success",
            )
            return redirect(url_for("review.screen", call_id=call.id))
        except AlreadyFinalised as exc:
            return _lost_race(call, exc.by)
        except IntegrityError:
            return _lost_race(call)
        except ReviewError as exc:
            db.session.rollback()
            _show_errors(form.criteria, exc)
    flash(_("Nothing was saved: see the messages below."), "error")
    # The page comes back as the reviewer left it: the form carries scores, reasons, coaching and added evidence;
    # the evidence verdicts are not form fields, so they are handed to the page.
    context = pages.review_page(db.session, call, shown, current_user, submitted=_judgements(request.form))
    return render_template("review/screen.html", form=form, action_form=ActionForm(), **context)


def _fill_review(form: ReviewForm, shown, context) -> None:
    """The review form as stored: scores and reasons, coaching, action items plus two empty ones."""
    _fill_criteria(form.criteria, context["criteria"])
    form.strengths.data, form.improvements.data = shown.strengths, shown.improvements
    for entry, item in zip(form.actions.entries, context["actions"], strict=False):
        entry.form.text.data, entry.form.due_date.data = item.text, item.due_date
    while len(form.actions.entries) < len(context["actions"]) + 2:
        form.actions.append_entry()


def _save_review(call, form: ReviewForm) -> None:
    draft = start_review(db.session, call, current_user)
    save_draft(
        db.session,
        draft,
        current_user,
        changes=_changes(form.criteria),
        strengths=form.strengths.data,
        improvements=form.improvements.data,
        actions=[ActionDraft(a.form.text.data or "", a.form.due_date.data) for a in form.actions],
        evidence=_new_evidence(form.new_evidence.data),
        judgements=_judgements(request.form),
        finalising=bool(form.finalise.data),
    )
    if form.finalise.data:
        finalise(db.session, draft, current_user)


@bp.route("/calls/<int:call_id>/revise", methods=["GET", "POST"])
@require(Permission.REVIEW_CALLS)
def revise(call_id: int):
    """Correct a final review: a new revision with who, when and why, and a new coaching sheet."""
    call = get_call_or_404(call_id)
    head = latest_review(db.session, call)
    if head is None or head.status != EvaluationStatus.FINAL:
        flash(_("Only a final review can be corrected."), "info")
        return redirect(url_for("review.screen", call_id=call.id))
    context = pages.review_page(db.session, call, head, current_user)
    form = RevisionForm()
    if request.method == "GET":
        _fill_criteria(form.criteria, context["criteria"])
    elif form.validate_on_submit():
        before = {c.criterion_key: (c.score, c.na) for c in head.criteria}
        changes = {
            k: c
            for k, c in _changes(form.criteria).items()
            if k in before and (None if c.na else c.score, c.na) != before[k]
        }
        try:
            create_revision(db.session, head, changes, current_user, form.why.data)
            db.session.commit()
            flash(_("Revision saved; a new coaching sheet is being prepared."), "success")
            return redirect(url_for("review.screen", call_id=call.id))
        except IntegrityError:
            db.session.rollback()
            flash(_("Another reviewer corrected this review at the same moment: your revision was not saved."), "error")
            return redirect(url_for("review.screen", call_id=call.id))
        except ReviewError as exc:
            db.session.rollback()
            _show_errors(form.criteria, exc)
    return render_template("review/revise.html", form=form, **context)


def _period(form: PeriodForm) -> tuple[datetime, datetime]:
    today = utcnow().date()
    start = form.start.data or today.replace(day=1)
    end = form.end.data or today
    return (
        datetime(start.year, start.month, start.day, tzinfo=UTC),
        datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1),
    )


@bp.route("/calibration/", methods=["GET", "POST"])
@require(Permission.REVIEW_CALLS)
def calibrations():
    """Calibration sessions, opening a new one, and reviewer agreement over a period."""
    form = OpenCalibrationForm()
    form.reviewer_ids.choices = [(u.id, u.name) for u in _reviewers()]
    if form.validate_on_submit() and (opened := _open_calibration(form)) is not None:
        return redirect(url_for("review.calibration_page", call_id=opened.call_id))
    period = PeriodForm(request.args)
    start, end = _period(period)
    sessions = db.session.scalars(select(CalibrationSession).order_by(CalibrationSession.id.desc()).limit(50)).all()
    return render_template(
        "review/calibrations.html",
        form=form,
        period=period,
        sessions=sessions,
        agreement=calibration.period_agreement(db.session, start, end),
    )


def _open_calibration(form: OpenCalibrationForm) -> CalibrationSession | None:
    """The calibration the form asks for, committed; or None, with what stops it next to its field."""
    call = visible_call(form.call_id.data)
    if call is None:
        form.call_id.errors = [*form.call_id.errors, _("No call number %(id)d.", id=form.call_id.data)]
        return None
    reviewers = list(db.session.scalars(select(User).where(User.id.in_(form.reviewer_ids.data))))
    try:
        opened = calibration.open_session(db.session, call, reviewers, current_user)
        db.session.commit()
        return opened
    except ReviewError as exc:
        db.session.rollback()
        field = form.call_id if str(exc) == calibration.NOT_SCORED else form.reviewer_ids
        field.errors = [*field.errors, pages.error_label(str(exc))]
        return None


def _calibration_or_redirect(call_id: int):
    call = get_call_or_404(call_id)
    wanted = request.args.get("session", type=int)
    cal = db.session.get(CalibrationSession, wanted) if wanted else calibration.latest_session(db.session, call)
    if cal is not None and cal.call_id != call.id:
        abort(404)
    return call, cal


@bp.route("/calls/<int:call_id>/calibration", methods=["GET", "POST"])
@require(Permission.REVIEW_CALLS)
def calibration_page(call_id: int):
    """Score the call blind as a participant; once revealed, the spread, distances and agreement."""
    call, cal = _calibration_or_redirect(call_id)
    if cal is None:
        flash(_("No calibration on this call yet."), "info")
        return redirect(url_for("review.calibrations"))
    form = CalibrationScoreForm()
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "GET":
            mine = {s.criterion_key: s for s in cal.scores if s.reviewer_id == current_user.id}
            _fill_criteria(
                form.criteria,
                [
                    {"id": k, "score": mine[k].score if k in mine else None, "na": k in mine and mine[k].na}
                    for k in cal.auto_scores
                ],
            )
    else:
        changes = _changes(form.criteria)
        scores = {k: (None if c.na else c.score) for k, c in changes.items()}
        blank = [k for k, c in changes.items() if c.score is None and not c.na]
        try:
            if blank:
                raise ReviewError(_("Give every criterion a score or mark it N/A: nothing was saved."))
            calibration.submit(db.session, cal, current_user, scores)
            db.session.commit()
            flash(_("Your scores are saved. They stay hidden until the scores are revealed."), "success")
            return redirect(url_for("review.calibration_page", call_id=call.id, session=cal.id))
        except ReviewError as exc:
            db.session.rollback()
            flash(pages.error_label(str(exc)), "error")
    return render_template(
        "review/calibration.html",
        form=form,
        action_form=ActionForm(),
        call=call,
        **pages.calibration_page(db.session, cal, current_user),
    )


@bp.route("/calls/<int:call_id>/calibration/reveal", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def reveal(call_id: int):
    """Show every participant's scores side by side; the session is closed to new scores."""
    call, cal = _calibration_or_redirect(call_id)
    if cal is not None and ActionForm().validate_on_submit():
        if not calibration.may_reveal(cal, current_user):
            abort(403)
        try:
            calibration.reveal(db.session, cal, current_user)
            db.session.commit()
        except ReviewError:
            db.session.rollback()
            flash(_("The scores stay hidden until at least two reviewers have scored."), "error")
        return redirect(url_for("review.calibration_page", call_id=call.id, session=cal.id))
    return redirect(url_for("review.calibrations"))
