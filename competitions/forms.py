"""Competition forms. They check the shape of input; the rules (a window in order, quizzes not
used by another competition, ...) live in ``competitions.services`` and come back as form
errors through ``lms.core.forms.submit``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from competitions.models import UnitMetric
from lms.accounts.forms import as_choices

LOCAL_TIME = "%Y-%m-%dT%H:%M"
METRIC_LABELS = {
    UnitMetric.AVERAGE.value: _l("Average score of the unit's participants"),
    UnitMetric.PARTICIPATION.value: _l("Participation rate (participants ÷ eligible members)"),
    UnitMetric.TOTAL.value: _l("Total score of the unit's participants"),
}
DEPTH_LABELS = {
    2: _l("Branches (second level of the organisation)"),
    3: _l("Groups (third level)"),
    1: _l("The whole organisation (first level)"),
}


class CompetitionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    rules_md = TextAreaField(_l("Rules (Markdown)"), validators=[Length(max=50_000)])
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), [DataRequired()], format=LOCAL_TIME
    )
    starts_at = DateTimeLocalField(_l("Competition starts"), [DataRequired()], format=LOCAL_TIME)
    ends_at = DateTimeLocalField(_l("Competition ends"), [DataRequired()], format=LOCAL_TIME)
    quiz_ids = SelectMultipleField(
        _l("Rounds: published quizzes (scores add up)"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one quiz."))],
    )
    unit_ids = SelectMultipleField(_l("Eligible units (none selected: everyone)"), coerce=int)
    unit_metric = SelectField(
        _l("Unit leaderboard metric"),
        choices=as_choices(METRIC_LABELS.items()),
        default=UnitMetric.AVERAGE.value,
    )
    min_participants = IntegerField(
        _l("Participants a unit needs to be ranked"),
        [InputRequired(), NumberRange(0, 100_000)],
        default=3,
    )
    unit_depth = SelectField(
        _l("Units ranked on the unit leaderboard"),
        choices=as_choices(DEPTH_LABELS.items()),
        coerce=int,
        default=2,
    )
    freeze_minutes = IntegerField(
        _l("Freeze the public leaderboard for the last minutes (0: never)"),
        [InputRequired(), NumberRange(0, 10_000)],
        default=0,
    )
    certificate_top_n = IntegerField(
        _l("Certificates of placement for the top"),
        [InputRequired(), NumberRange(0, 10_000)],
        default=3,
    )
    submit = SubmitField(_l("Save"))


class ReasonForm(FlaskForm):
    """Disqualifying or reinstating an entry: the reason goes to the audit trail."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class AwardForm(FlaskForm):
    """An award given by hand (after publication): to whom, its name, and why (audited)."""

    username = StringField(_l("Member's username"), validators=[DataRequired(), Length(max=80)])
    title = StringField(
        _l("Award"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Printed on the certificate, e.g. “Best newcomer”."),
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Grant the award"))
