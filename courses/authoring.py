"""Authoring pages: courses, modules and lessons, their order, and publishing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses.forms import CourseForm, LessonForm, ModuleForm
from courses.models import Course, CourseItem
from courses.permissions import can_create_course, can_edit_course
from courses.services import authoring, media
from courses.services.progress import load_course
from courses.services.study_hours import set_study_hours, study_hours_text
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services import org_units
from lms.core.clock import from_local, to_local
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.markup import render_markdown
from lms.core.uploads import Upload, save_upload

bp = Blueprint("course_authoring", __name__, url_prefix="/manage")
MAX_PREVIEW = 200_000
# The add-module form shares the course page with the course form: its fields are "module-…".
MODULE_PREFIX = "module"


def _editable(course_id: int) -> Course:
    course = load_course(course_id)
    if course is None:
        abort(404)
    if not can_edit_course(current_user, course):
        abort(403)
    return course


def _prepare(form: CourseForm) -> None:
    form.unit_ids.choices = as_choices((u.id, u.path) for u in org_units.all_units())
    organizers = db.session.scalars(
        select(User).where(User.role == Role.ORGANIZER.value).order_by(User.username)
    )
    form.editor_ids.choices = as_choices(
        (u.id, f"{u.display_name} ({u.username})") for u in organizers
    )


def _upload(field: Any, purpose: str) -> Upload | None:
    """The file sent in ``field``, checked and stored; None when no file was chosen."""
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    return save_upload(storage.stream, storage.filename, purpose, created_by_id=current_user.id)


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


def _save_cover(course: Course, form: CourseForm) -> Course:
    """The cover image and the study hours of a course form, with the rest of it."""
    set_study_hours(course, form.study_hours.data)
    cover = _upload(form.cover_image, "image")
    if cover is not None:
        authoring.set_cover(course, cover)
    elif form.remove_cover.data:
        authoring.set_cover(course, None)
    return course


def _zone() -> str:
    return str(current_app.config["TIMEZONE"])


def _due_at(form: CourseForm) -> datetime | None:
    """The due date typed in the site's time zone, as aware UTC."""
    return from_local(form.due_at.data, _zone()) if form.due_at.data else None


def _chosen(model: type, ids: list[int] | None) -> list[Any]:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


@bp.route("/courses/")
@permissions.staff
def index() -> Any:
    query = select(Course).order_by(Course.title)
    if current_user.role != Role.ADMIN.value:
        query = query.where(Course.editors.any(User.id == current_user.id))
    return render_template(
        "courses/manage/index.html",
        courses=db.session.scalars(query).all(),
        can_create=can_create_course(current_user),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@permissions.admin
def create() -> Any:
    form = CourseForm()
    _prepare(form)
    status = 200
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: _save_cover(
                authoring.create_course(
                    title=form.title.data or "",
                    summary_md=form.summary_md.data or "",
                    tags=authoring.parse_tags(form.tags.data or ""),
                    units=_chosen(OrgUnit, form.unit_ids.data),
                    is_required=bool(form.is_required.data),
                    due_at=_due_at(form),
                    editors=_chosen(User, form.editor_ids.data),
                    created_by=current_user,
                ),
                form,
            ),
        )
        if outcome.ok:
            flash(
                _(
                    "Course “%(title)s” created. Add its modules and lessons.",
                    title=outcome.value.title,
                ),
                "success",
            )
            return redirect(url_for("course_authoring.edit", course_id=outcome.value.id))
        status = outcome.status
    return render_template("courses/manage/course_form.html", form=form, course=None), status


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@permissions.staff
def edit(course_id: int) -> Any:
    course = _editable(course_id)
    form = CourseForm(obj=course)
    _prepare(form)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in course.tags)
        form.unit_ids.data = [unit.id for unit in course.units]
        form.editor_ids.data = [user.id for user in course.editors]
        form.due_at.data = to_local(course.due_at, _zone()) if course.due_at else None
        form.study_hours.data = study_hours_text(course)
    status = 200
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: _save_cover(
                authoring.update_course(
                    course,
                    title=form.title.data or "",
                    summary_md=form.summary_md.data or "",
                    tags=authoring.parse_tags(form.tags.data or ""),
                    units=_chosen(OrgUnit, form.unit_ids.data),
                    is_required=bool(form.is_required.data),
                    due_at=_due_at(form),
                    editors=_chosen(User, form.editor_ids.data),
                    acting=current_user,
                ),
                form,
            ),
        )
        if outcome.ok:
            flash(_("Course saved."), "success")
            return redirect(url_for("course_authoring.edit", course_id=course.id))
        status = outcome.status
    return render_template(
        "courses/manage/course_form.html",
        form=form,
        course=course,
        module_form=ModuleForm(formdata=None, prefix=MODULE_PREFIX),
        action_form=ConfirmForm(),
    ), status


@bp.route("/courses/<int:course_id>/publish", methods=["POST"])
@permissions.staff
def publish(course_id: int) -> Any:
    course = _editable(course_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.set_published(course, not course.is_published)).ok
    ):
        flash(_("The course is published.") if course.is_published
              else _("The course is hidden from members."), "success")  # fmt: skip
    return redirect(url_for("course_authoring.edit", course_id=course.id))


@bp.route("/courses/<int:course_id>/modules", methods=["POST"])
@permissions.staff
def add_module(course_id: int) -> Any:
    course = _editable(course_id)
    form = ModuleForm(prefix=MODULE_PREFIX)
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: authoring.add_module(
                course,
                title=form.title.data or "",
                requires_previous=bool(form.requires_previous.data),
            ),
        ).ok
    ):
        flash(_("Module added."), "success")
    elif form.errors:
        flash(_("A module needs a title."), "error")
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = _editable(module.course_id)
    form = ModuleForm(obj=module)
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: authoring.update_module(
                module,
                title=form.title.data or "",
                requires_previous=bool(form.requires_previous.data),
            ),
        ).ok
    ):
        flash(_("Module saved."), "success")
        return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")
    return render_template("courses/manage/module_form.html", form=form, course=course)


def _direction() -> int:
    return -1 if request.form.get("direction") == "up" else 1


@bp.route("/modules/<int:module_id>/move", methods=["POST"])
@permissions.staff
def move_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = _editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.move_module(module, _direction()))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/modules/<int:module_id>/publish", methods=["POST"])
@permissions.staff
def publish_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = _editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.set_module_published(module, not module.is_published))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/items/<int:item_id>/publish", methods=["POST"])
@permissions.staff
def publish_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = _editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.set_item_published(item, not item.is_published))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/modules/<int:module_id>/delete", methods=["POST"])
@permissions.staff
def delete_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = _editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: authoring.delete_module(module)).ok:
        flash(_("Module deleted."), "success")
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


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
    course = _editable(module.course_id)
    return _lesson_form(LessonForm(), course, module, None, _("Lesson added."))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = _editable(item.module.course_id)
    form = LessonForm(obj=item)
    if request.method == "GET":
        form.study_hours.data = study_hours_text(item)
    return _lesson_form(form, course, item.module, item, _("Lesson saved."))


@bp.route("/items/<int:item_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@permissions.staff
def delete_attachment(item_id: int, attachment_id: int) -> Any:
    item = authoring.get_item(item_id)
    _editable(item.module.course_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.remove_attachment(item, attachment_id)).ok
    ):
        flash(_("Attachment removed."), "success")
    return redirect(url_for("course_authoring.edit_item", item_id=item.id))


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@permissions.staff
def move_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = _editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.move_item(item, _direction()))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
@permissions.staff
def delete_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = _editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: authoring.delete_item(item)).ok:
        flash(_("Lesson deleted."), "success")
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/preview", methods=["POST"])
@permissions.staff
def preview() -> Any:
    """The live preview of a Markdown field, rendered exactly as members will see it."""
    text = request.form.get("text", "")[:MAX_PREVIEW]
    return jsonify({"html": str(render_markdown(text))})
