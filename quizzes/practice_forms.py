"""Forms of the practice, daily quiz and notebook pages. They check the shape of input; which
category may be practised and how many questions it has are rules of the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from lms.core.http import parse_id
from quizzes.services.daily import DEFAULT_COUNT, MAX_COUNT


class PracticeForm(FlaskForm):
    """One category's row on the practice page: its id, and the size button pressed (the
    service says whether the category may be practised and which sizes it can fill)."""

    category = IntegerField(
        _l("Category"), validators=[InputRequired(message=_l("Choose a category to practise."))]
    )
    size = IntegerField(
        _l("Number of questions"),
        validators=[InputRequired(message=_l("Choose how many questions."))],
    )


class NotebookPracticeForm(FlaskForm):
    category = HiddenField(validators=[Optional()])
    submit = SubmitField(_l("Practise my wrong answers"))

    def category_id(self) -> int | None:
        value = (self.category.data or "").strip()
        return parse_id(value)


class PracticeSettingsForm(FlaskForm):
    practice_categories = SelectMultipleField(
        _l("Categories members may practise (with their subcategories)"), coerce=int
    )
    daily_categories = SelectMultipleField(
        _l("Categories the daily quiz draws from (with their subcategories)"), coerce=int
    )
    daily_count = IntegerField(
        _l("Questions in the daily quiz"),
        default=DEFAULT_COUNT,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_COUNT)],
    )
    submit = SubmitField(_l("Save"))
