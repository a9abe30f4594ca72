"""Authoring a course: the list of courses one may edit, creating, editing, publishing, and
the live preview of Markdown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses.authoring.blueprint import MODULE_PREFIX, bp, editable
from courses.forms import CourseForm, ModuleForm
from courses.models import Course
from courses.permissions import can_create_course
from courses.services import authoring
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

MAX_PREVIEW = 200_000


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
    course = editable(course_id)
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
    course = editable(course_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.set_published(course, not course.is_published)).ok
    ):
        flash(_("The course is published.") if course.is_published
              else _("The course is hidden from members."), "success")  # fmt: skip
    return redirect(url_for("course_authoring.edit", course_id=course.id))


@bp.route("/preview", methods=["POST"])
@permissions.staff
def preview() -> Any:
    """The live preview of a Markdown field, rendered exactly as members will see it."""
    text = request.form.get("text", "")[:MAX_PREVIEW]
    return jsonify({"html": str(render_markdown(text))})
