"""Upload and filter forms for calls."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import DateField, DateTimeLocalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.calls.choices import Direction
from app.validators import InCalendar, NotInFuture

DIRECTION_CHOICES = [(Direction.INBOUND, _l("Inbound")), (Direction.OUTBOUND, _l("Outbound"))]
LAYOUT_CHOICES = [
    ("", _l("Team default")),
    ("agent,customer", _l("Stereo: agent left, customer right")),
    ("customer,agent", _l("Stereo: customer left, agent right")),
    ("mono", _l("Mono: tell speakers apart automatically")),
]
ACCEPT = ".wav,.mp3,.m4a,.ogg,.oga,.opus,.flac,.webm,audio/*"


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Recordings"), validators=[FileRequired()], render_kw={"accept": ACCEPT})
    agent_id = SelectField(_l("Agent"), coerce=int, validators=[DataRequired()])
    call_date = DateTimeLocalField(
        _l("Call date"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(), InCalendar(), NotInFuture()]
    )
    direction = SelectField(_l("Direction"), choices=DIRECTION_CHOICES)
    external_id = StringField(_l("External id (optional)"), validators=[Optional(), Length(max=120)])
    channel_layout = SelectField(_l("Channels"), choices=LAYOUT_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Upload"))


class CallFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    team = SelectField(_l("Team"), coerce=int, validators=[Optional()])
    agent = SelectField(_l("Agent"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), InCalendar()])
    date_to = DateField(_l("To"), validators=[Optional(), InCalendar()])
    said = StringField(_l("Words in the transcript"), validators=[Optional(), Length(max=100)])
    total_min = IntegerField(_l("Total from"), validators=[Optional(), NumberRange(0, 100)])
    total_max = IntegerField(_l("Total up to"), validators=[Optional(), NumberRange(0, 100)])
    criterion = SelectField(_l("Criterion"), validators=[Optional()])
    criterion_min = IntegerField(_l("Criterion score from"), validators=[Optional(), NumberRange(0, 100)])
    criterion_max = IntegerField(_l("Criterion score up to"), validators=[Optional(), NumberRange(0, 100)])
    submit = SubmitField(_l("Filter"))
