"""Authoring forms. They check the shape of input; rules live in ``courses.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary_md = TextAreaField(_l("Summary (Markdown)"), validators=[Length(max=20_000)])
    tags = StringField(_l("Tags, separated by commas"), validators=[Length(max=500)])
    unit_ids = SelectMultipleField(_l("Audience: units (none selected: everyone)"), coerce=int)
    is_required = BooleanField(_l("Required for its audience (members are enrolled)"))
    due_at = DateTimeLocalField(
        _l("Due (required courses; empty: no due date)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    editor_ids = SelectMultipleField(_l("Editors (organizers who may edit)"), coerce=int)
    cover_image = FileField(_l("Cover image (PNG, JPEG, GIF or WebP)"))
    remove_cover = BooleanField(_l("Remove the cover image"))
    study_hours = StringField(
        _l("Study hours of the whole course"),
        validators=[Length(max=10)],
        description=_l(
            "Credited once the whole course is complete. Empty: each lesson and activity "
            "counts its own hours."
        ),
    )
    submit = SubmitField(_l("Save"))


class ModuleForm(FlaskForm):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=200)])
    requires_previous = BooleanField(_l("Opens only when the module before it is complete"))
    submit = SubmitField(_l("Save"))


class LessonForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(
        _l("Estimated minutes"), default=5, validators=[DataRequired(), NumberRange(1, 600)]
    )
    body_md = TextAreaField(_l("Lesson text (Markdown)"), validators=[Length(max=200_000)])
    min_read_seconds = IntegerField(
        _l("Minimum reading time in seconds (empty: the site's default)"),
        validators=[Optional(), NumberRange(0, 3600)],
    )
    video_file = FileField(_l("Video file (MP4)"))
    # The token of a video already stored while this form was sent back for correction.
    pending_video = HiddenField(validators=[Optional(), Length(max=32)])
    video_url = StringField(
        _l("Or embed a video from this address"), validators=[Optional(), Length(max=500)]
    )
    video_allows_reading = BooleanField(
        _l("Members may also complete it by reading, without watching the video")
    )
    remove_video = BooleanField(_l("Remove the video"))
    study_hours = StringField(
        _l("Study hours (empty: from the minutes)"), validators=[Length(max=10)]
    )
    new_attachments = MultipleFileField(
        _l("Attachments (PDF, Word, Excel, PowerPoint, text, images)")
    )
    submit = SubmitField(_l("Save"))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    activity_kind = SelectField(_l("Kind"), choices=[])
    starts_at = DateTimeLocalField(
        _l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField(
        _l("Capacity (empty: no limit)"), validators=[Optional(), NumberRange(1, 100_000)]
    )
    description_md = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=50_000)])
    study_hours = StringField(
        _l("Study hours (empty: from the minutes)"), validators=[Length(max=10)]
    )
    submit = SubmitField(_l("Save"))


class CheckInForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Check in"))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment (Markdown)"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Post"))


class HideCommentForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Hide"))
