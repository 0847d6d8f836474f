"""The team page filter (a GET form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from app.validators import InCalendar


class TeamFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    team = SelectField(_l("Team"), coerce=int, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), InCalendar()])
    date_to = DateField(_l("To"), validators=[Optional(), InCalendar()])
    threshold = FloatField(_l("Threshold"), default=70, validators=[Optional(), NumberRange(0, 100)])
    submit = SubmitField(_l("Show"))


class ScorerFilterForm(TeamFilterForm):
    """The scorer accuracy filter: a rubric version, a team, a period and the minimum reviews per criterion."""

    threshold = None
    version = SelectField(_l("Rubric version"), coerce=int, validators=[Optional()])
    min_reviews = IntegerField(_l("Minimum reviews per criterion"), validators=[Optional(), NumberRange(2, 10000)])


class ScorerFitForm(FlaskForm):
    """Fit the rubric to the reviews the page shows (admins; the filter travels in the query string); publish
    saves the fit as a new rubric version."""

    fit = SubmitField(_l("Fit to these reviews"))
    publish = SubmitField(_l("Publish as a new version"))
