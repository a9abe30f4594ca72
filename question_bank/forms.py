"""The question form: common fields plus the fields of each type, present for that type only.

A form holds only the fields its page shows (``question_form(kind)``), so no field the page
never renders can refuse a submission.
"""

from __future__ import annotations

from functools import cache

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
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class QuestionForm(FlaskForm):
    """The fields every question type has; ``question_form`` adds those of one type."""

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
    submit = SubmitField(_l("Save"))


TYPE_FIELDS: dict[str, UnboundField] = {
    "options": TextAreaField(_l("Options, one per line")),
    "correct": StringField(_l("Number(s) of the correct option(s), e.g. 1 or 1, 3")),
    "scoring": SelectField(
        _l("Scoring"),
        choices=[
            SelectChoice("all", _l("All or nothing")),
            SelectChoice("partial", _l("Partial credit, wrong picks cost")),
        ],
        default="all",
    ),
    "penalty": FloatField(
        _l("Cost of a wrong pick (0–1)"), validators=[Optional(), NumberRange(0, 1)]
    ),
    "truth": SelectField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        default="true",
    ),
    "answers": TextAreaField(
        _l("Accepted answers: one line per blank, alternatives separated by |")
    ),
    "value": FloatField(_l("Correct number"), validators=[Optional()]),
    "tolerance": FloatField(_l("Tolerance (±)"), validators=[Optional(), NumberRange(0)]),
    "units": StringField(_l("Accepted units, separated by commas")),
    "pairs": TextAreaField(
        _l("Pairs, one per line: left = right (a line “= item” adds an item that matches nothing)")
    ),
    "reference": TextAreaField(_l("Reference answer for the graders")),
}
FIELDS_OF_TYPE: dict[str, tuple[str, ...]] = {
    "single_choice": ("options", "correct"),
    "multiple_choice": ("options", "correct", "scoring", "penalty"),
    "true_false": ("truth",),
    "fill_blank": ("answers",),
    "numerical": ("value", "tolerance", "units"),
    "matching": ("pairs",),
    "short_answer": ("reference",),
}


@cache
def question_form(kind: str) -> type[QuestionForm]:
    """The form class of one question type: the common fields and that type's own."""
    names = FIELDS_OF_TYPE[kind]
    own: dict[str, object] = {name: TYPE_FIELDS[name] for name in names}
    # A refusal of the whole definition (``field="definition"``) is shown beside the type's
    # first field, where the author wrote it.
    own["definition"] = property(lambda form: form[names[0]])
    return type(f"QuestionForm_{kind}", (QuestionForm,), own)


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent category"), coerce=int, choices=[])
    submit = SubmitField(_l("Save"))
