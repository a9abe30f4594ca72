"""Offline activity pages: members register and check in; organizers run the roster."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from courses.forms import ActivityForm, CheckInForm
from courses.models import CourseItem
from courses.permissions import can_edit_course
from courses.services import activities, authoring
from courses.services.progress import load_course
from courses.services.study_hours import set_study_hours, study_hours_text
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.core.clock import from_local, to_local
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES, table_bytes

bp = Blueprint("activities", __name__)


@bp.route("/activities/<int:item_id>")
@permissions.authenticated
def show(item_id: int) -> Any:
    view = activities.view_for(current_user, item_id)
    code = request.args.get("code", "")[:20]
    return render_template(
        "courses/activity.html",
        view=view,
        course=load_course(view.item.module.course_id),
        kind_labels=activities.KIND_LABELS,
        form=ConfirmForm(),
        checkin_form=CheckInForm(formdata=None, code=code),
        can_edit=can_edit_course(current_user, view.item.module.course),
    )


@bp.route("/activities/<int:item_id>/register", methods=["POST"])
@permissions.authenticated
def register(item_id: int) -> Any:
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: activities.register(current_user, item_id)).ok
    ):
        flash(_("You are registered. Check in with the code at the venue."), "success")
    return redirect(url_for("activities.show", item_id=item_id))


@bp.route("/activities/<int:item_id>/unregister", methods=["POST"])
@permissions.authenticated
def unregister(item_id: int) -> Any:
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: activities.unregister(current_user, item_id)).ok
    ):
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("activities.show", item_id=item_id))


@bp.route("/activities/<int:item_id>/checkin", methods=["POST"])
@permissions.authenticated
def check_in(item_id: int) -> Any:
    form = CheckInForm()
    if (
        form.validate_on_submit()
        and submit(
            form, lambda: activities.check_in(current_user, item_id, form.code.data or "")
        ).ok
    ):
        flash(_("You are checked in. Thank you for taking part!"), "success")
        return redirect(url_for("activities.show", item_id=item_id))
    for error in form.code.errors:
        flash(error, "error")
    return redirect(url_for("activities.show", item_id=item_id))


def _editable_item(item_id: int) -> CourseItem:
    item = authoring.get_item(item_id)
    activities.activity_of(item)
    course = load_course(item.module.course_id)
    if course is None or not can_edit_course(current_user, course):
        abort(403)
    return item


def _kind_choices(form: ActivityForm) -> None:
    form.activity_kind.choices = as_choices(activities.KIND_LABELS.items())


def _with_hours(item: CourseItem, form: ActivityForm) -> CourseItem:
    set_study_hours(item, form.study_hours.data)
    return item


def _times(form: ActivityForm) -> tuple[Any, Any]:
    zone = current_app.config["TIMEZONE"]
    return from_local(form.starts_at.data, zone), from_local(form.ends_at.data, zone)


@bp.route("/manage/modules/<int:module_id>/activities/new", methods=["GET", "POST"])
@permissions.staff
def create(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    course = load_course(module.course_id)
    if not can_edit_course(current_user, course):
        abort(403)
    form = ActivityForm()
    _kind_choices(form)
    if form.validate_on_submit():
        starts_at, ends_at = _times(form)
        outcome = submit(
            form,
            lambda: _with_hours(
                activities.add_activity(
                    module,
                    title=form.title.data or "",
                    description_md=form.description_md.data or "",
                    kind=form.activity_kind.data or "",
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=form.place.data or "",
                    capacity=form.capacity.data,
                ),
                form,
            ),
        )
        if outcome.ok:
            flash(_("Activity added."), "success")
            return redirect(url_for("activities.roster", item_id=outcome.value.id))
    return render_template(
        "courses/manage/activity_form.html", form=form, course=course, module=module, item=None
    )


@bp.route("/manage/activities/<int:item_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit(item_id: int) -> Any:
    item = _editable_item(item_id)
    activity = item.activity
    form = ActivityForm(obj=activity)
    _kind_choices(form)
    if request.method == "GET":
        zone = current_app.config["TIMEZONE"]
        form.title.data = item.title
        form.description_md.data = item.body_md
        form.activity_kind.data = activity.kind
        form.starts_at.data = to_local(activity.starts_at, zone)
        form.ends_at.data = to_local(activity.ends_at, zone)
        form.study_hours.data = study_hours_text(item)
    if form.validate_on_submit():
        starts_at, ends_at = _times(form)
        if submit(
            form,
            lambda: _with_hours(
                activities.update_activity(
                    item,
                    title=form.title.data or "",
                    description_md=form.description_md.data or "",
                    kind=form.activity_kind.data or "",
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=form.place.data or "",
                    capacity=form.capacity.data,
                ),
                form,
            ),
        ).ok:
            flash(_("Activity saved."), "success")
            return redirect(url_for("activities.roster", item_id=item.id))
    return render_template(
        "courses/manage/activity_form.html",
        form=form,
        course=item.module.course,
        module=item.module,
        item=item,
    )


@bp.route("/manage/activities/<int:item_id>")
@permissions.staff
def roster(item_id: int) -> Any:
    item = _editable_item(item_id)
    return render_template(
        "courses/manage/roster.html",
        item=item,
        activity=item.activity,
        registrations=activities.roster(item),
        window=activities.checkin_window(item.activity),
        link=url_for(
            "activities.show", item_id=item.id, code=item.activity.checkin_code, _external=True
        ),
        form=ConfirmForm(),
    )


@bp.route("/manage/activities/<int:item_id>/attendance/<int:user_id>", methods=["POST"])
@permissions.staff
def attendance(item_id: int, user_id: int) -> Any:
    item = _editable_item(item_id)
    form = ConfirmForm()
    attended = request.form.get("attended") == "1"
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: activities.mark_attendance(item, user_id, attended=attended, by=current_user),
        ).ok
    ):
        flash(_("Attendance saved."), "success")
    return redirect(url_for("activities.roster", item_id=item.id))


@bp.route("/manage/activities/<int:item_id>/code", methods=["POST"])
@permissions.staff
def renew_code(item_id: int) -> Any:
    item = _editable_item(item_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: activities.renew_code(item)).ok:
        flash(_("A new check-in code was made; the old one no longer works."), "success")
    return redirect(url_for("activities.roster", item_id=item.id))


@bp.route("/manage/activities/<int:item_id>/qr.svg")
@permissions.staff
def qr(item_id: int) -> Any:
    """The check-in link as a QR image, to project or print at the venue."""
    item = _editable_item(item_id)
    link = url_for(
        "activities.show", item_id=item.id, code=item.activity.checkin_code, _external=True
    )
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=8, border=2)
    response = send_file(io.BytesIO(buffer.getvalue()), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/manage/activities/<int:item_id>/attendance.<any(csv, xlsx):fmt>")
@permissions.staff
def export(item_id: int, fmt: str) -> Any:
    item = _editable_item(item_id)
    header, rows = activities.roster_rows(item, current_app.config["TIMEZONE"])
    return send_file(
        io.BytesIO(table_bytes(fmt, header, rows)),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"attendance-{item.id}.{fmt}",
    )
