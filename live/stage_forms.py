"""Forms of the stage format. They check the shape of input (numbers are numbers); the rules
(known judges, two teams, points in range) live in ``live.services.stage``."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from lms.accounts.forms import as_choices

NUMBERS = re.compile(r"[\s,，、;；]+")
DEPTH_LABELS = {
    0: _l("Teams I name below"),
    2: _l("Branches (second level of the organisation)"),
    3: _l("Groups (third level)"),
}


def numbers(text: str | None) -> list[int]:
    """The whole numbers in a list written with commas or spaces (Chinese commas too)."""
    parts = [p for p in NUMBERS.split(text or "") if p]
    return [int(p) for p in parts if p.isascii() and p.isdigit()]


def _number_list(form: Any, field: Field) -> None:
    parts = [p for p in NUMBERS.split(field.data or "") if p]
    if any(not (p.isascii() and p.isdigit()) for p in parts):
        raise ValidationError(_l("Write whole numbers separated by commas."))
    if len(parts) > 100:
        raise ValidationError(_l("At most 100 numbers."))


def _points(label: Any, default: int) -> IntegerField:
    return IntegerField(label, [InputRequired(), NumberRange(0, 1000)], default=default)


class StageForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    team_depth = SelectField(
        _l("Teams"), choices=as_choices(DEPTH_LABELS.items()), coerce=int, default=0
    )
    teams = TextAreaField(_l("Team names, one per line"), validators=[Length(max=5000)])
    judges = TextAreaField(
        _l("Judges' usernames, one per line (the first is the head judge)"),
        validators=[DataRequired(), Length(max=2000)],
    )
    required_quiz = SelectField(_l("Required round: a quiz's questions"), coerce=int)
    required_ids = StringField(_l("Required round: question numbers"), validators=[_number_list])
    buzzer_quiz = SelectField(_l("Buzzer round: a quiz's questions"), coerce=int)
    buzzer_ids = StringField(_l("Buzzer round: question numbers"), validators=[_number_list])
    risk_quiz = SelectField(_l("Risk round: a quiz's questions"), coerce=int)
    risk_ids = StringField(_l("Risk round: question numbers"), validators=[_number_list])
    points_required = _points(_l("Points for a right required answer"), 10)
    points_buzzer = _points(_l("Points for a right buzzer answer"), 10)
    buzzer_wrong = _points(_l("Points deducted for a wrong buzzer answer"), 10)
    foul_penalty = _points(_l("Points deducted for a buzz before buzzing opens (foul)"), 5)
    risk_values = StringField(
        _l("Values a team may risk"), default="10, 20, 30", validators=[_number_list]
    )
    submit = SubmitField(_l("Create the stage session"))


class AdjustForm(FlaskForm):
    team = SelectField(_l("Team"), coerce=int)
    delta = IntegerField(
        _l("Score change (negative to deduct)"), [InputRequired(), NumberRange(-10_000, 10_000)]
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Adjust the score"))


class MarkForm(FlaskForm):
    verdict = HiddenField(validators=[DataRequired()])
    decide = HiddenField(default="")


class PinForm(FlaskForm):
    pin = StringField(_l("PIN"), validators=[DataRequired(), Length(min=6, max=6)])
    submit = SubmitField(_l("Join"))


class TeamForm(FlaskForm):
    team = SelectField(_l("Your team"), coerce=int)
    submit = SubmitField(_l("Join this team"))


class RiskForm(FlaskForm):
    value = HiddenField(validators=[DataRequired()])
