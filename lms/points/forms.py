"""Forms of the points pages: a rule's overrides and a manual adjustment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from lms.points.services import MAX_ADJUSTMENT, MAX_RULE_VALUE


class RuleForm(FlaskForm):
    """One rule's row; each row is its own form, prefixed with the rule's key."""

    points = IntegerField(
        _l("Points"), validators=[InputRequired(), NumberRange(0, MAX_RULE_VALUE)]
    )
    daily_cap = IntegerField(
        _l("Daily cap (empty: none)"), validators=[Optional(), NumberRange(0, MAX_RULE_VALUE)]
    )
    submit = SubmitField(_l("Save"))


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Find a member by username or name"), validators=[Length(max=100)])


class AdjustmentForm(FlaskForm):
    user_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    points = IntegerField(
        _l("Points (negative to deduct)"),
        validators=[InputRequired(), NumberRange(-MAX_ADJUSTMENT, MAX_ADJUSTMENT)],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Record adjustment"))
