"""A course's outline: adding, editing, moving, publishing and deleting its modules, and
moving, publishing and deleting its lessons."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from courses.authoring.blueprint import MODULE_PREFIX, bp, direction, editable
from courses.forms import ModuleForm
from courses.services import authoring
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.forms import submit


@bp.route("/courses/<int:course_id>/modules", methods=["POST"])
@permissions.staff
def add_module(course_id: int) -> Any:
    course = editable(course_id)
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
    course = editable(module.course_id)
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


@bp.route("/modules/<int:module_id>/move", methods=["POST"])
@permissions.staff
def move_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.move_module(module, direction()))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/modules/<int:module_id>/publish", methods=["POST"])
@permissions.staff
def publish_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.set_module_published(module, not module.is_published))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/items/<int:item_id>/publish", methods=["POST"])
@permissions.staff
def publish_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.set_item_published(item, not item.is_published))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/modules/<int:module_id>/delete", methods=["POST"])
@permissions.staff
def delete_module(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = editable(module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: authoring.delete_module(module)).ok:
        flash(_("Module deleted."), "success")
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@permissions.staff
def move_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        submit(form, lambda: authoring.move_item(item, direction()))
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
@permissions.staff
def delete_item(item_id: int) -> Any:
    item = authoring.get_item(item_id)
    course = editable(item.module.course_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: authoring.delete_item(item)).ok:
        flash(_("Lesson deleted."), "success")
    return redirect(url_for("course_authoring.edit", course_id=course.id) + "#outline")
