"""The main navigation, as the feature packages declare it: each adds its pages when its views load, so the
layout (and app.main) needs to know none of them."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app.auth.choices import Permission


class CountedLabel:
    """A navigation label with a live count, e.g. unread notifications."""

    def __init__(self, label, counter) -> None:
        self.label, self.counter = label, counter

    def __html__(self) -> str:
        count = self.counter() if current_user.is_authenticated else 0
        badge = Markup(' <span class="badge badge-count">{}</span>').format(count) if count else ""
        return str(escape(str(self.label)) + badge)

    def __str__(self) -> str:
        return str(self.label)


# Later stages add their pages to the navigation: (endpoint, label, permission, options).
_NAV: list[tuple[str, Any, Permission, dict[str, bool]]] = []


def nav_item(endpoint: str, label: Any, permission: Permission, *, mine: bool = False, admin: bool = False) -> None:
    """Add a page to the main navigation for users holding the permission.

    `mine`: a page about the user's own calls as an agent, shown only to users linked to an agent.
    `admin`: a configuration page, grouped under Administration for those who administer."""
    if all(e != endpoint for e, _, _, _ in _NAV):
        _NAV.append((endpoint, label, permission, {"mine": mine, "admin": admin}))


def nav_extensions(group: str = "main") -> list[dict[str, Any]]:
    """The navigation items of one group: "main" (inline) or "admin" (the Administration menu)."""
    if not current_user.is_authenticated:
        return []
    administers = current_user.can(Permission.MANAGE_USERS)
    items = []
    for endpoint, label, permission, options in _NAV:
        if not current_user.can(permission) or (options["mine"] and current_user.agent_id is None):
            continue
        if ("admin" if options["admin"] and administers else "main") == group:
            items.append({"endpoint": endpoint, "url": url_for(endpoint), "label": label})
    return items
