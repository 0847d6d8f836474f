"""Jinja filters and globals: formatting only."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.api.choices import DeliveryStatus
from app.auth.choices import Permission, Role
from app.auth.forms import LanguageForm
from app.calls.choices import CallStatus, Direction
from app.jobs.choices import JobStatus
from app.review.choices import Verdict
from app.scoring.choices import EvaluationStatus, EvidenceSource
from app.teams.forms import DOMAIN_CHOICES

DOMAIN_LABELS = dict(DOMAIN_CHOICES)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def when(value, fmt: str = "short") -> str:
    """A moment in the reader's language: the date spelled out (never 12/1/26), then the time."""
    if not value:
        return "–"
    return (
        f"{format_date(value, 'medium')} {format_time(value, 'short')}"
        if fmt == "short"
        else format_datetime(value, fmt)
    )


def day(value) -> str:
    """A day in the reader's language: "Dec 15, 2026", "15 déc. 2026"."""
    return format_date(value, "medium") if value else "–"


# The states templates compare against, by their class names (`job.status == JobStatus.FAILED`).
STATES = {
    state.__name__: state
    for state in (CallStatus, Direction, JobStatus, EvaluationStatus, EvidenceSource, Verdict, DeliveryStatus)
}
LANGUAGE_NAMES = {"fr": _l("French"), "en": _l("English")}
ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.QA_MANAGER: _l("QA manager"),
    Role.TRAINER: _l("Trainer"),
    Role.AGENT: _l("Agent"),
}

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


def register(app: Flask) -> None:
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["percent"] = lambda value: format_percent(value) if value is not None else "–"
    app.jinja_env.filters["domain"] = lambda key: DOMAIN_LABELS.get(key, key or "–")
    app.jinja_env.filters["language_name"] = lambda code: LANGUAGE_NAMES.get(code, code or "–")
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else "–"
    app.jinja_env.filters["datetime"] = when
    app.jinja_env.filters["date"] = day

    @app.context_processor
    def inject():
        return {
            "Permission": Permission,
            "Role": Role,
            **STATES,
            "current_locale": str(get_locale()),
            "language_form": LanguageForm(formdata=None, locale=str(get_locale())),
            "can": (lambda p: current_user.is_authenticated and current_user.can(p)),
            "nav_extensions": nav_extensions,
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
