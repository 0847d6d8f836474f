"""Forms of the role-play pages: moment search, collections, the scenario builder, assignment, practice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.calls.choices import Direction
from app.scoring.choices import EvidenceSource

SIGN_CHOICES = [("", _l("Good and bad")), ("1", _l("Good examples")), ("-1", _l("To avoid"))]
BAND_CHOICES = [
    ("", _l("Any score")),
    ("high", _l("High (80+)")),
    ("mid", _l("Middle (50-79)")),
    ("low", _l("Low (under 50)")),
]
SOURCE_CHOICES = [
    ("", _l("Scorer and reviewers")),
    (EvidenceSource.AUTO, _l("Found by the scorer")),
    (EvidenceSource.REVIEWER, _l("Added by a reviewer")),
]
CALL_TYPE_CHOICES = [
    ("", _l("Any call type")),
    (Direction.INBOUND, _l("Inbound")),
    (Direction.OUTBOUND, _l("Outbound")),
]
LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


def at_least_one_criterion(form, field) -> None:
    """DataRequired for a list of checkboxes, without the HTML `required` flag: on checkboxes the browser
    would read it as "tick every box" and never send the form."""
    if not field.data:
        raise ValidationError(_l("Choose at least one criterion."))


class MomentSearchForm(FlaskForm):
    """Read from the query string: a GET form, no CSRF token needed."""

    class Meta:
        csrf = False

    q = StringField(_l("Words"), validators=[Optional(), Length(max=200)])
    criterion = SelectField(_l("Criterion"), validators=[Optional()])
    sign = SelectField(_l("Kind"), choices=SIGN_CHOICES, validators=[Optional()])
    language = SelectField(
        _l("Language"), choices=[("", _l("Any language")), *LANGUAGE_CHOICES], validators=[Optional()]
    )
    team_id = SelectField(_l("Team"), validators=[Optional()])
    call_type = SelectField(_l("Call type"), choices=CALL_TYPE_CHOICES, validators=[Optional()])
    band = SelectField(_l("Call score"), choices=BAND_CHOICES, validators=[Optional()])
    source = SelectField(_l("Found by"), choices=SOURCE_CHOICES, validators=[Optional()])


class CollectionForm(FlaskForm):
    name = StringField(_l("New collection"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Create collection"))


class PinForm(FlaskForm):
    collection_id = SelectField(_l("Collection"), coerce=int, validators=[DataRequired()])
    moment_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Pin"))


class UnpinForm(FlaskForm):
    moment_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))


class ExcerptToScenarioForm(FlaskForm):
    moment_id = HiddenField(validators=[DataRequired()])
    before = HiddenField(default="2")
    after = HiddenField(default="2")
    scenario_id = SelectField(_l("Add to scenario"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Add excerpt"))


class ScenarioForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language of the scenario"), choices=LANGUAGE_CHOICES)
    objective = TextAreaField(_l("Learning objective"), validators=[Optional(), Length(max=2000)])
    criteria = SelectMultipleField(
        _l("Rubric criteria practised"),
        validators=[at_least_one_criterion],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    situation = TextAreaField(_l("Customer's situation"), validators=[Optional(), Length(max=2000)])
    mood = StringField(_l("Customer's mood"), validators=[Optional(), Length(max=200)])
    knows = TextAreaField(_l("What the customer knows"), validators=[Optional(), Length(max=2000)])
    brief = TextAreaField(_l("Brief for the trainee"), validators=[Optional(), Length(max=4000)])
    customer_lines = TextAreaField(_l("Customer lines (one per line)"), validators=[Optional(), Length(max=8000)])
    escalation_lines = TextAreaField(
        _l("Escalation lines, if the trainee handles it badly (one per line)"),
        validators=[Optional(), Length(max=4000)],
    )
    observed_response = TextAreaField(_l("Observed agent response"), validators=[Optional(), Length(max=4000)])
    model_responses = TextAreaField(_l("Model responses (one per line)"), validators=[Optional(), Length(max=8000)])
    debrief = TextAreaField(_l("Debrief questions (one per line)"), validators=[Optional(), Length(max=4000)])
    moment_id = HiddenField()
    before = HiddenField(default="2")
    after = HiddenField(default="2")
    submit = SubmitField(_l("Save"))


class AssignForm(FlaskForm):
    agent_id = SelectField(_l("Agent"), coerce=int, validators=[Optional()])
    team_id = SelectField(_l("or a whole team"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class PracticeForm(FlaskForm):
    agent_id = SelectField(_l("Agent"), coerce=int, validators=[DataRequired()])
    ticked = SelectMultipleField(_l("Checklist items done"), validators=[Optional()])
    overall = IntegerField(
        _l("Overall (0-100)"), validators=[InputRequired(message=_l("Give an overall mark.")), NumberRange(0, 100)]
    )
    notes = TextAreaField(_l("Observer notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record practice"))
