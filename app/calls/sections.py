"""The call page is composed of sections contributed by later pipeline stages (transcript, scores).

Each stage registers a builder returning (template, context) or None; the calls package does not
need to know what the stages store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.auth.models import User
from app.calls.models import Call

Section = tuple[str, dict[str, Any]]
_BUILDERS: list[tuple[int, Callable[[Call, User], Section | None]]] = []


def call_section(order: int) -> Callable:
    """Register a builder of a call-page section, shown in ascending order."""

    def decorator(fn: Callable[[Call, User], Section | None]):
        _BUILDERS.append((order, fn))
        _BUILDERS.sort(key=lambda item: item[0])
        return fn

    return decorator


def sections_for(call: Call, user: User) -> list[Section]:
    return [section for _, build in _BUILDERS if (section := build(call, user)) is not None]
