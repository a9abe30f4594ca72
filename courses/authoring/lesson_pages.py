"""Writing a lesson: its text, video (staged at once so a form sent back keeps it),
attachments and study hours."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.authoring.blueprint import bp, editable
from courses.forms import LessonForm
from courses.models import Course, CourseItem
from courses.services import authoring, media
from courses.services.study_hours import set_study_hours, study_hours_text
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.forms import submit
from lms.core.uploads import Upload, save_upload


def _stage_video(form: LessonForm) -> tuple[Upload | None, int]:
    """Store a newly chosen video at once (its own transaction), so that a form sent back for
    correction keeps it; the form then carries its token. The video staged before otherwise.
    Also the status to answer with when the form comes back (413 for a video too large)."""
    storage = form.video_file.data
    if storage and getattr(storage, "filename", ""):
        outcome = submit(
            form, lambda: media.stage_video(storage.stream, storage.filename, current_user)
        )
        form.pending_video.data = outcome.value.token if outcome.value is not None else ""
        return outcome.value, outcome.status
    return media.staged_video(form.pending_video.data, current_user), 200


def _save_media(item: CourseItem, form: LessonForm, video: Upload | None) -> CourseItem:
    """Video, attachments and study hours of a lesson form, in the same transaction as its
    text."""
    set_study_hours(item, form.study_hours.data)
    media.set_lesson_video(
        item,
        upload=video,
        url=form.video_url.data or None,
        remove=bool(form.remove_video.data),
        allows_reading=bool(form.video_allows_reading.data),
    )
    for storage in form.new_attachments.data or []:
        if storage and storage.filename:
            upload = save_upload(
                storage.stream, storage.filename, "attachment", created_by_id=current_user.id
            )
            authoring.add_attachment(item, upload)
    return item


def _lesson_form(
    form: LessonForm, course: Course, module: Any, item: CourseItem | None, message: str
) -> Any:
    """Create (``item`` None) or update a lesson with its media, then back to the outline."""
    valid = form.validate_on_submit()
    video, status = (
        _stage_video(form)
        if form.is_submitted() and "csrf_token" not in form.errors
        else (None, 200)
    )

    def save() -> CourseItem:
        fields = {
            "title": form.title.data or "",
            "body_md": form.body_md.data or "",
            "minutes": form.minutes.data or 0,
            "min_read_seconds": form.min_read_seconds.data,
        }
        saved = (
            authoring.update_item(item, **fields)
            if item is not None
            else authoring.add_item(module, kind="lesson", **fields)
        )
        return _save_media(saved, form, video)

    if valid and not form.errors:
        outcome = submit(form, save)
        if outcome.ok:
            flash(message, "success")
            return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")
        status = outcome.status
    return render_template(
        "courses/manage/lesson_form.html",
        form=form,
        course=course,
        module=module,
        item=item,
        pending_video=video,
        action_form=ConfirmForm(),
    ), status


@bp.route("/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@permissions.staff
def add_lesson(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = editable(module.course_id)
    return _lesson_form(LessonForm(), course, module, None, _("Lesson added."))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = editable(item.module.course_id)
    form = LessonForm(obj=item)
    if request.method == "GET":
        form.study_hours.data = study_hours_text(item)
    return _lesson_form(form, course, item.module, item, _("Lesson saved."))


@bp.route("/items/<int:item_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@permissions.staff
def delete_attachment(item_id: int, attachment_id: int) -> Any:
    item = authoring.get_item(item_id)
    editable(item.module.course_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.remove_attachment(item, attachment_id)).ok
    ):
        flash(_("Attachment removed."), "success")
    return redirect(url_for("course_authoring.edit_item", item_id=item.id))
