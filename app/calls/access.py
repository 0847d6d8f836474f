"""Which calls a user may see, as queries and lookups; the rule itself is app.auth.permissions.can_view_call."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from app.auth.choices import Permission
from app.auth.models import User
from app.auth.permissions import can_view_call
from app.calls.models import Call
from app.extensions import db


def visible_calls(user: User) -> Select:
    """The calls this user may list, as a query to filter further."""
    query = select(Call)
    if user.can(Permission.VIEW_ALL_CALLS):
        return query
    if user.can(Permission.VIEW_OWN_CALLS) and user.agent_id is not None:
        return query.where(Call.agent_id == user.agent_id)
    return query.where(False)


def visible_call(call_id: int) -> Call | None:
    """The call, if it exists and the signed-in user may see it; None either way otherwise, so ids of others' calls
    leak nothing. An id no database integer can hold is no call."""
    call = db.session.get(Call, call_id) if 0 < call_id < 2**31 else None
    return call if call is not None and can_view_call(current_user, call) else None


def get_call_or_404(call_id: int) -> Call:
    """The call, if the signed-in user may see it; 404 otherwise (`visible_call`)."""
    call = visible_call(call_id)
    if call is None:
        abort(404)
    return call
