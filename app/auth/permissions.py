"""Permission and ownership checks, in one place. Views use these and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from app.auth.choices import Permission
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db

F = TypeVar("F", bound=Callable)


def require(*permissions: Permission) -> Callable[[F], F]:
    """Sign-in required, then any one of the permissions; otherwise 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def can_view_call(user: User, call: Call) -> bool:
    """Managers, trainers and admins see every call; an agent only the calls they took."""
    if user.can(Permission.VIEW_ALL_CALLS):
        return True
    return user.can(Permission.VIEW_OWN_CALLS) and user.agent_id is not None and call.agent_id == user.agent_id


def visible_calls(user: User) -> Select:
    """The calls this user may list, as a query to filter further."""
    query = select(Call)
    if user.can(Permission.VIEW_ALL_CALLS):
        return query
    if user.can(Permission.VIEW_OWN_CALLS) and user.agent_id is not None:
        return query.where(Call.agent_id == user.agent_id)
    return query.where(False)


def get_call_or_404(call_id: int) -> Call:
    """The call, if the signed-in user may see it; 404 otherwise, so ids of others' calls leak nothing."""
    call = db.session.get(Call, call_id)
    if call is None or not can_view_call(current_user, call):
        abort(404)
    return call


def sees_unredacted(user: User) -> bool:
    return user.can(Permission.VIEW_UNREDACTED)
