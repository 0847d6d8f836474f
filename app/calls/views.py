"""Calls: list, upload, detail, audio."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.audio import AudioError
from app.audit.services import record
from app.auth.choices import Permission
from app.auth.permissions import require, sees_unredacted
from app.calls import hooks, pages
from app.calls.access import get_call_or_404, visible_calls
from app.calls.choices import CallStatus
from app.calls.forms import CallFilterForm, UploadForm
from app.calls.messages import user_message
from app.calls.services import (
    CallFilters,
    CallMeta,
    IngestError,
    display_name,
    filter_calls,
    ingest,
    recording_path,
)
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.services import queue_was_unreachable, retry_job
from app.privacy import sees_payment_data
from app.teams.models import Agent
from app.teams.services import agent_choices
from app.ui.forms import ActionForm

bp = Blueprint("calls", __name__, url_prefix="/calls")


def _day_start(d) -> datetime | None:
    return datetime.combine(d, time.min, tzinfo=UTC) if d else None


@bp.route("/")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def index():
    """The calls list, filtered and paginated; agents see only their own calls."""
    form = CallFilterForm(request.args)
    pages.fill_filter_choices(form, current_user)
    hooks.fill_filter_choices(form)
    form.validate()  # a malformed filter shows its error and is ignored (its data stays None)
    filters = CallFilters(
        team_id=form.team.data or None,
        agent_id=form.agent.data or None,
        status=form.status.data or None,
        date_from=_day_start(form.date_from.data),
        date_to=_day_start(form.date_to.data) + timedelta(days=1) if form.date_to.data else None,
    )
    # Words said (transcription) and scores (scoring) narrow the list through the filters those stages register.
    query = filter_calls(hooks.narrow_calls(visible_calls(current_user), form, current_user), filters)
    page = db.paginate(query, per_page=current_app.config["CALLS_PER_PAGE"], error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("calls/index.html", form=form, page=page, args=args, rows=pages.call_rows(page.items))


@bp.route("/upload", methods=["GET", "POST"])
@require(Permission.UPLOAD_CALLS)
def upload():
    """Upload one or several recordings for an agent."""
    form = UploadForm()
    form.agent_id.choices = agent_choices()
    if request.method == "GET":
        form.call_date.data = datetime.now().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        agent = db.session.get(Agent, form.agent_id.data) or abort(400)
        meta = CallMeta(
            agent=agent,
            call_date=form.call_date.data.replace(tzinfo=UTC),
            direction=form.direction.data,
            external_id=form.external_id.data or None,
            channel_layout=form.channel_layout.data or None,
        )
        stored, refused = _ingest_all(form.files.data, meta)
        for name, message in refused:
            flash(_("%(name)s was refused: %(reason)s", name=name, reason=message), "error")
        if stored and queue_was_unreachable(db.session):
            flash(
                ngettext(
                    "%(num)d recording stored. The job queue cannot be reached right now: transcription "
                    "starts by itself once it is back, there is no need to upload again.",
                    "%(num)d recordings stored. The job queue cannot be reached right now: transcription "
                    "starts by itself once it is back, there is no need to upload again.",
                    len(stored),
                ),
                "info",
            )
        elif stored:
            flash(
                ngettext(
                    "%(num)d recording uploaded; transcription has started.",
                    "%(num)d recordings uploaded; transcription has started.",
                    len(stored),
                ),
                "success",
            )
        if stored:
            return redirect(url_for("calls.show", call_id=stored[0]) if len(stored) == 1 else url_for("calls.index"))
    return render_template("calls/upload.html", form=form, max_mb=current_app.config["MAX_UPLOAD_MB"])


def _ingest_all(files, meta: CallMeta) -> tuple[list[int], list[tuple[str, str]]]:
    """Each file succeeds or fails on its own; a refused file leaves nothing behind."""
    stored, refused = [], []
    several = len(files) > 1
    for file in files:
        one_meta = (
            meta if not several else CallMeta(meta.agent, meta.call_date, meta.direction, None, meta.channel_layout)
        )
        try:
            call = ingest(db.session, file.stream, file.filename, one_meta, uploaded_by_id=current_user.id)
            db.session.commit()
            stored.append(call.id)
        except (IngestError, AudioError) as exc:
            db.session.rollback()
            refused.append((display_name(file.filename), user_message(exc)))
    return stored, refused


@bp.route("/<int:call_id>")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def show(call_id: int):
    """One call: details, audio player, progress, transcript and scores."""
    call = get_call_or_404(call_id)
    page = render_template("calls/show.html", **pages.call_page(call, current_user), action_form=ActionForm())
    if call.transcript is not None and sees_unredacted(current_user):
        record(db.session, "transcript.viewed_unmasked", target=call)
        db.session.commit()
    return page


def _audio_for(call) -> tuple[Path, str, str]:
    """What the user may hear, its extension, and how: "redacted" (trainers), "payment_masked" (card numbers and
    bank details silenced, for readers without a need for them) or "as_spoken"."""
    if sees_unredacted(current_user) and sees_payment_data(current_user):
        return recording_path(call), call.recording.extension, "as_spoken"
    try:
        return hooks.heard_copy(call, current_user)  # transcription's redacted or payment-masked copy
    except hooks.NothingSafe:
        abort(404)  # nothing is known to be safe to hear before the transcript is redacted


@bp.route("/<int:call_id>/audio")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def audio(call_id: int):
    """The recording, with range requests so the player can seek; the redacted copy for trainers, the copy with
    payment data silenced for agents."""
    call = get_call_or_404(call_id)
    path, extension, heard = _audio_for(call)
    if not path.exists():
        abort(404)
    if heard != "redacted":
        # Each read of the recording as spoken is audited, range requests of the player included.
        record(
            db.session,
            "audio.played_unredacted",
            target=call,
            range=request.headers.get("Range", "")[:40],
            payment_masked=heard == "payment_masked",
        )
        db.session.commit()
    return send_file(
        path, mimetype=pages.audio_mimetype(extension), conditional=True, download_name=f"call-{call.id}.{extension}"
    )


@bp.route("/<int:call_id>/jobs/<int:job_id>/retry", methods=["POST"])
@require(Permission.UPLOAD_CALLS)
def retry(call_id: int, job_id: int):
    """Retry a failed job of this call."""
    call = get_call_or_404(call_id)
    job = db.session.scalars(select(Job).where(Job.id == job_id, Job.call_id == call.id)).first() or abort(404)
    if ActionForm().validate_on_submit() and job.status == JobStatus.FAILED:
        retry_job(db.session, job, extra_attempts=current_app.config["JOB_MAX_ATTEMPTS"])
        call.status = CallStatus.UPLOADED if job.kind == "transcribe" else CallStatus.TRANSCRIBED
        db.session.commit()
        flash(_("The job was queued again."), "success")
    return redirect(url_for("calls.show", call_id=call.id))
