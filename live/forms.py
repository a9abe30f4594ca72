"""Live session forms. They check the shape of input; the rules (question types a phone can
answer, seconds within bounds, who may join) live in ``live.services`` and come back as form
errors through ``lms.core.forms.submit``."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from lms.accounts.forms import as_choices

SOURCE_LABELS = {"quiz": _l("From a quiz"), "bank": _l("From the question bank")}
MODE_LABELS = {"individual": _l("Everyone for themselves"), "teams": _l("Teams")}
SCORING_LABELS = {
    "accuracy": _l("Accuracy: the same points for every right answer"),
    "speed": _l("Speed: the faster a right answer, the more points"),
}
TEAM_DEPTH_LABELS = {
    2: _l("Branches (second level of the organisation)"),
    3: _l("Groups (third level)"),
    0: _l("Teams I name below"),
}
STATE_LABELS = {
    "lobby": _l("Lobby"),
    "question": _l("Question open"),
    "reveal": _l("Answer shown"),
    "leaderboard": _l("Leaderboard"),
    "finished": _l("Finished"),
}


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    source = RadioField(_l("Questions"), choices=as_choices(SOURCE_LABELS.items()), default="quiz")
    quiz_id = SelectField(_l("Quiz"), coerce=int, validate_choice=False)
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=False)
    count = IntegerField(_l("Number of questions"), [Optional(), NumberRange(1, 100)], default=10)
    mode = SelectField(_l("Mode"), choices=as_choices(MODE_LABELS.items()), default="individual")
    team_depth = SelectField(
        _l("Teams are"), choices=as_choices(TEAM_DEPTH_LABELS.items()), coerce=int, default=2
    )
    team_names = TextAreaField(
        _l("Team names, one per line"), validators=[Length(max=5000)], render_kw={"rows": 3}
    )
    scoring = SelectField(
        _l("Scoring"), choices=as_choices(SCORING_LABELS.items()), default="accuracy"
    )
    seconds_per_question = IntegerField(
        _l("Seconds per question"), [InputRequired(), NumberRange(5, 600)], default=20
    )
    unit_id = SelectField(_l("For the members of"), coerce=int, validate_choice=False)
    streak_bonus = BooleanField(_l("Streak bonus for right answers in a row"))
    guests = BooleanField(_l("Guests may join with a nickname"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.source.data == "quiz" and not self.quiz_id.data:
            self.quiz_id.errors = [*self.quiz_id.errors, _l("Choose a quiz.")]
            valid = False
        if self.source.data == "bank":
            if not self.category_id.data:
                self.category_id.errors = [*self.category_id.errors, _l("Choose a category.")]
                valid = False
            if not self.count.data:
                self.count.errors = [*self.count.errors, _l("Give the number of questions.")]
                valid = False
        if self.mode.data == "teams" and self.team_depth.data == 0 and not self.names():
            self.team_names.errors = [*self.team_names.errors, _l("Name the teams.")]
            valid = False
        return valid

    def names(self) -> tuple[str, ...]:
        lines = (self.team_names.data or "").splitlines()
        return tuple(line.strip() for line in lines if line.strip())


def _ascii_digits(value: Any) -> Any:
    """Full-width digits (１２３) typed with a Chinese keyboard read as 123."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class JoinForm(FlaskForm):
    pin = StringField(
        _l("PIN"),
        validators=[
            InputRequired(message=_l("Enter the 6-digit PIN.")),
            Regexp(r"^\s*[0-9]{6}\s*$", message=_l("The PIN has 6 digits.")),
        ],
        filters=[_ascii_digits],
    )
    nickname = StringField(_l("Nickname"), validators=[Length(max=30)])
