"""What scoring adds to the calls list: filters on the newest evaluation's total and on one criterion's score."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select

from app.auth.models import User
from app.calls.forms import CallFilterForm
from app.calls.hooks import list_filter
from app.scoring.pages import criterion_choices
from app.scoring.services import where_scored


def criterion_field(form: CallFilterForm) -> None:
    form.criterion.choices = [("", _("Any criterion")), *criterion_choices()]


def scored(query: Select, form: CallFilterForm, user: User) -> Select:
    return where_scored(
        query,
        total=(form.total_min.data, form.total_max.data),
        criterion=form.criterion.data or None,
        criterion_score=(form.criterion_min.data, form.criterion_max.data),
    )


list_filter(scored, fill_choices=criterion_field)
