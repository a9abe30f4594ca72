"""Quiz authoring forms. They check the shape of input; the rules live in
``quizzes.services.authoring`` and come back as form errors through ``lms.core.forms.submit``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizzes.models import Feedback, Grading, ReviewWhen

GRADING_LABELS = {
    Grading.HIGHEST.value: _l("Highest attempt"),
    Grading.LAST.value: _l("Last attempt"),
    Grading.FIRST.value: _l("First attempt"),
    Grading.AVERAGE.value: _l("Average of attempts"),
}
FEEDBACK_LABELS = {
    Feedback.DEFERRED.value: _l("Deferred: results after submitting (exams, competitions)"),
    Feedback.IMMEDIATE.value: _l("Immediate: check each answer at once (practice)"),
}
REVIEW_LABELS = {
    ReviewWhen.AFTER_ATTEMPT.value: _l("Right after the attempt"),
    ReviewWhen.AFTER_CLOSE.value: _l("After the quiz closes"),
    ReviewWhen.NEVER.value: _l("Never"),
}
LAYOUT_LABELS = {"all": _l("All questions on one page"), "one": _l("One question per page")}
LOCAL_TIME = "%Y-%m-%dT%H:%M"


def _choices(labels: dict[str, object]) -> list[tuple[str, object]]:
    return list(labels.items())


class QuizForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description_md = TextAreaField(
        _l("Quiz description (Markdown)"), validators=[Length(max=50_000)]
    )
    time_limit_minutes = IntegerField(_l("Time limit in minutes (empty: none)"), [Optional()])
    grace_seconds = IntegerField(
        _l("Grace period in seconds after the deadline"), [InputRequired()], default=60
    )
    opens_at = DateTimeLocalField(_l("Opens at (empty: now)"), [Optional()], format=LOCAL_TIME)
    closes_at = DateTimeLocalField(_l("Closes at (empty: never)"), [Optional()], format=LOCAL_TIME)
    max_attempts = IntegerField(_l("Attempts allowed (empty: unlimited)"), [Optional()], default=1)
    grading = SelectField(
        _l("Grade of a member with several attempts"), choices=[], default=Grading.HIGHEST.value
    )
    pass_percent = FloatField(_l("Pass mark in percent (empty: no pass mark)"), [Optional()])
    shuffle_questions = BooleanField(_l("Shuffle the questions for each attempt"))
    shuffle_options = BooleanField(_l("Shuffle the options of each question"), default=True)
    layout = SelectField(_l("Layout"), choices=[], default="all")
    feedback = SelectField(_l("Feedback"), choices=[], default=Feedback.DEFERRED.value)
    review_marks = SelectField(
        _l("Members see their marks"), choices=[], default=ReviewWhen.AFTER_ATTEMPT.value
    )
    review_answers = SelectField(
        _l("Members see the correct answers"), choices=[], default=ReviewWhen.AFTER_CLOSE.value
    )
    review_explanations = SelectField(
        _l("Members see the explanations"), choices=[], default=ReviewWhen.AFTER_CLOSE.value
    )
    unit_ids = SelectMultipleField(_l("Audience: units (none selected: everyone)"), coerce=int)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.grading.choices = _choices(GRADING_LABELS)
        self.layout.choices = _choices(LAYOUT_LABELS)
        self.feedback.choices = _choices(FEEDBACK_LABELS)
        for field in (self.review_marks, self.review_answers, self.review_explanations):
            field.choices = _choices(REVIEW_LABELS)


class FixedSlotForm(FlaskForm):
    question_id = IntegerField(_l("Question number"), [InputRequired(), NumberRange(1, 2**31 - 1)])
    # Both slot forms share a page: their marks need ids of their own for their labels.
    mark = FloatField(_l("Mark"), [InputRequired()], default=1.0, id="fixed_mark")
    submit = SubmitField(_l("Add question"))


class RandomSlotForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, choices=[])
    include_subcategories = BooleanField(_l("Include subcategories"), default=True)
    tags = StringField(_l("Tags, separated by commas (all must match)"), [Length(max=200)])
    difficulty = SelectField(_l("Difficulty"), choices=[], default="")
    type = SelectField(_l("Type"), choices=[], default="")
    count = IntegerField(_l("Number of questions"), [InputRequired()], default=1)
    mark = FloatField(_l("Mark of each question"), [InputRequired()], default=1.0, id="rule_mark")
    submit = SubmitField(_l("Add random questions"))


class AttachForm(FlaskForm):
    module_id = SelectField(_l("Course module"), coerce=int, choices=[])
    submit = SubmitField(_l("Add to the course"))
