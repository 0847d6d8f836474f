"""The team page filter (a GET form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectField, SubmitField
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
