"""Transcript exports and the channel swap."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record
from app.auth.choices import Permission
from app.auth.permissions import require, sees_unredacted
from app.calls.access import get_call_or_404
from app.extensions import db
from app.jobs.services import active_job, create_job
from app.privacy import sees_payment_data
from app.transcription import exports
from app.transcription.services import to_interchange
from app.ui.forms import ActionForm

bp = Blueprint("transcription", __name__, url_prefix="/calls")

FORMATS = {
    "json": ("application/json", lambda t: exports.to_json(t, with_words=True)),
    "srt": ("application/x-subrip", exports.to_srt),
    "vtt": ("text/vtt", exports.to_vtt),
    "txt": ("text/plain", exports.to_text),
}


@bp.route("/<int:call_id>/transcript.<fmt>")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def export(call_id: int, fmt: str):
    """Download the transcript as JSON (interchange), SRT, WebVTT or text.

    Exports leave the building more easily than pages, so they are redacted by default; a user allowed to
    read the words as spoken asks for them explicitly with ?unredacted=1 (and the download is audited)."""
    call = get_call_or_404(call_id)
    if fmt not in FORMATS or call.transcript is None:
        abort(404)
    mimetype, render = FORMATS[fmt]
    # Words timed one by one would give a card number away: without payment data rights, the export is redacted.
    unredacted = (
        request.args.get("unredacted") == "1" and sees_unredacted(current_user) and sees_payment_data(current_user)
    )
    if unredacted:
        record(db.session, "transcript.exported_unredacted", target=call, actor_id=current_user.id, format=fmt)
        db.session.commit()
    transcript = to_interchange(call.transcript, redacted=not unredacted)
    # Two downloads of one call never share a name: the unmasked words are named as such.
    name = f"call-{call.id}-unmasked.{fmt}" if unredacted else f"call-{call.id}.{fmt}"
    # content_type, not mimetype: Werkzeug would add a second charset to a text/* mimetype.
    return Response(
        render(transcript),
        content_type=f"{mimetype}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:call_id>/swap-channels", methods=["POST"])
@require(Permission.UPLOAD_CALLS)
def swap_channels(call_id: int):
    """Swap agent and customer channels and transcribe again (one click when a swap is suspected)."""
    call = get_call_or_404(call_id)
    if not ActionForm().validate_on_submit() or call.recording.channels < 2:
        abort(400)
    if active_job(db.session, "transcribe", call.id) is None:
        swapped = {"agent,customer": "customer,agent", "customer,agent": "agent,customer"}
        call.channel_layout = swapped.get(call.effective_channel_layout, "agent,customer")
        call.swap_suspected = False
        record(db.session, "call.channels_swapped", target=call, layout=call.channel_layout)
        create_job(db.session, "transcribe", call_id=call.id)
        db.session.commit()
        flash(_("Channels swapped; the call is being transcribed again."), "success")
    return redirect(url_for("calls.show", call_id=call.id))
