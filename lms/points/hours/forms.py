"""Forms of the study-hour pages: a yearly target, the minutes of a study hour, the report's
filters. They check the shape of input; ``lms.points.hours.services`` checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.points.hours.services import MAX_YEAR, MIN_YEAR


class TargetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(MIN_YEAR, MAX_YEAR)])
    unit_id = SelectField(_l("Unit (and the units below it)"), coerce=int, choices=[])
    role = SelectField(_l("Role"), choices=[])
    hours = StringField(
        _l("Study hours"),
        validators=[DataRequired(), Length(max=10)],
        description=_l("For example 32, or 1.5"),
    )
    submit = SubmitField(_l("Set target"))


class MinutesPerHourForm(FlaskForm):
    minutes_per_hour = IntegerField(
        _l("Minutes in one study hour"),
        validators=[InputRequired(), NumberRange(30, 60)],
        description=_l(
            "A lesson or activity without hours of its own counts its minutes divided by this."
        ),
    )
    submit = SubmitField(_l("Save"))


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    year = IntegerField(_l("Year"), validators=[NumberRange(MIN_YEAR, MAX_YEAR)])
    unit = SelectField(_l("Unit"), coerce=int, choices=[])
    show = SelectField(_l("Show"), choices=[])
