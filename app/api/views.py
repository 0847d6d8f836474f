"""JSON API for scripts and the pages' progress polling; same permission and ownership checks."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from app.api.v1.calls import call_json
from app.auth.choices import Permission
from app.auth.permissions import require
from app.calls.access import get_call_or_404, visible_calls
from app.calls.models import Call
from app.calls.pages import progress_of
from app.calls.services import with_list_columns
from app.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api")


def _call_json(call: Call) -> dict:
    """The integration API's call, as this older endpoint has always answered it: no links, the date as text."""
    fields = {key: value for key, value in call_json(call).items() if key != "links"}
    return fields | {"call_date": call.call_date.isoformat()}


@bp.route("/calls")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def calls():
    """Visible calls, newest first, paginated (?page=, ?per_page= up to 100)."""
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), 100)
    page = db.paginate(
        with_list_columns(visible_calls(current_user)).order_by(Call.call_date.desc(), Call.id.desc()),
        per_page=per_page,
        error_out=False,
    )
    return {"items": [_call_json(c) for c in page.items], "page": page.page, "pages": page.pages, "total": page.total}


@bp.route("/calls/<int:call_id>")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def call(call_id: int):
    """One call."""
    return _call_json(get_call_or_404(call_id))


@bp.route("/calls/<int:call_id>/progress")
@require(Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)
def progress(call_id: int):
    """Pipeline progress of a call, polled by the progress bars."""
    return progress_of(get_call_or_404(call_id))
