"""The question form: common fields plus the fields of each type (shown for that type only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class QuestionForm(FlaskForm):
    category_path = StringField(
        _l("Category (path, created when new)"), validators=[DataRequired(), Length(max=1000)]
    )
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
    stem = TextAreaField(
        _l("Question text (Markdown)"), validators=[DataRequired(), Length(max=20_000)]
    )
    difficulty = IntegerField(
        _l("Difficulty (1–5)"), default=3, validators=[DataRequired(), NumberRange(1, 5)]
    )
    default_mark = DecimalField(
        _l("Mark"), default=1, places=None, validators=[DataRequired(), NumberRange(0.01, 1000)]
    )
    tags = StringField(_l("Tags, separated by commas"), validators=[Length(max=500)])
    explanation = TextAreaField(_l("Explanation (解析, Markdown)"), validators=[Length(max=20_000)])
    source = StringField(_l("Source or reference"), validators=[Optional(), Length(max=300)])
    # single and multiple choice
    options = TextAreaField(_l("Options, one per line"))
    correct = StringField(_l("Number(s) of the correct option(s), e.g. 1 or 1, 3"))
    scoring = SelectField(
        _l("Scoring"),
        choices=[
            SelectChoice("all", str(_l("All or nothing"))),
            SelectChoice("partial", str(_l("Partial credit, wrong picks cost"))),
        ],
    )
    penalty = FloatField(
        _l("Cost of a wrong pick (0–1)"), validators=[Optional(), NumberRange(0, 1)]
    )
    # true / false
    truth = SelectField(
        _l("The statement is"),
        choices=[SelectChoice("true", str(_l("True"))), SelectChoice("false", str(_l("False")))],
    )
    # fill in the blanks
    answers = TextAreaField(_l("Accepted answers: one line per blank, alternatives separated by |"))
    # numerical
    value = FloatField(_l("Correct number"), validators=[Optional()])
    tolerance = FloatField(_l("Tolerance (±)"), validators=[Optional(), NumberRange(0)])
    units = StringField(_l("Accepted units, separated by commas"))
    # matching
    pairs = TextAreaField(
        _l("Pairs, one per line: left = right (a line “= item” adds an item that matches nothing)")
    )
    # short answer
    reference = TextAreaField(_l("Reference answer for the graders"))
    submit = SubmitField(_l("Save"))


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent category"), coerce=int, choices=[])
    submit = SubmitField(_l("Save"))
