"""Jinja filters and globals: formatting only."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.choices import Permission, Role
from app.auth.forms import LanguageForm
from app.calls.choices import CallStatus, Direction
from app.jobs.choices import JobStatus
from app.navigation import nav_extensions
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
    state.__name__: state for state in (CallStatus, Direction, JobStatus, EvaluationStatus, EvidenceSource, Verdict)
}
LANGUAGE_NAMES = {"fr": _l("French"), "en": _l("English")}
ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.QA_MANAGER: _l("QA manager"),
    Role.TRAINER: _l("Trainer"),
    Role.AGENT: _l("Agent"),
}


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
