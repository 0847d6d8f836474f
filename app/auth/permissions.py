"""Permission and ownership checks, in one place; which calls a user may see, as queries, is app.calls.access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Protocol, TypeVar

from flask import abort
from flask_login import current_user, login_required

from app.auth.choices import Permission
from app.auth.models import User

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


class OwnedCall(Protocol):
    """A call as access control sees it (app.calls.models.Call has it): auth is core and imports no stage."""

    @property
    def agent_id(self) -> int | None: ...


def can_view_call(user: User, call: OwnedCall) -> bool:
    """Managers, trainers and admins see every call; an agent only the calls they took."""
    if user.can(Permission.VIEW_ALL_CALLS):
        return True
    return user.can(Permission.VIEW_OWN_CALLS) and user.agent_id is not None and call.agent_id == user.agent_id


def sees_unredacted(user: User) -> bool:
    return user.can(Permission.VIEW_UNREDACTED)
