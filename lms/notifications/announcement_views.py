"""Announcement pages: the reader's list and page, posting, and who read it (with export)."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
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

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.accounts.services import org_units
from lms.core.api import page_args
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES, workbook_bytes
from lms.core.sqlite import writes_on_get
from lms.notifications import announcement_queries as queries
from lms.notifications import announcements
from lms.notifications.announcement_export import readers_workbook
from lms.notifications.announcement_forms import AnnouncementForm
from lms.notifications.announcement_models import Announcement

bp = Blueprint("announcements", __name__, url_prefix="/announcements")


@bp.app_template_global("home_announcements")
def home_announcements() -> list[queries.ReaderItem]:
    return queries.for_home(current_user) if current_user.is_authenticated else []


def _managed(announcement_id: int) -> Announcement:
    return announcements.get_managed(current_user, announcement_id)


def _unit_choices(form: AnnouncementForm) -> None:
    allowed = announcements.require_poster(current_user)
    units = org_units.all_units() if allowed is None else allowed
    form.unit_ids.choices = as_choices((unit.id, unit.path) for unit in units)


@bp.route("/")
@permissions.authenticated
def index() -> Any:
    page, per_page = page_args(default_per_page=20)
    return render_template(
        "notifications/announcements/index.html",
        feed=queries.for_reader(current_user, page, per_page),
        can_post=announcements.can_post(current_user),
    )


@bp.route("/<int:announcement_id>")
@permissions.authenticated
@writes_on_get
def show(announcement_id: int) -> Any:
    announcement = announcements.get_for(current_user, announcement_id)
    receipt = announcements.mark_read(current_user, announcement)
    db.session.commit()
    manages = announcements.can_manage(current_user, announcement)
    return render_template(
        "notifications/announcements/show.html",
        announcement=announcement,
        receipt=receipt,
        manages=manages,
        tally=queries.tally(announcement) if manages else None,
        action_form=ConfirmForm(),
    )


@bp.route("/<int:announcement_id>/acknowledge", methods=["POST"])
@permissions.authenticated
def acknowledge(announcement_id: int) -> Any:
    form = ConfirmForm()
    if form.validate_on_submit():
        announcement = announcements.get_for(current_user, announcement_id)
        if submit(form, lambda: announcements.acknowledge(current_user, announcement)).ok:
            flash(_("Thank you: your acknowledgement is recorded."), "success")
    return redirect(url_for("announcements.show", announcement_id=announcement_id))


@bp.route("/new", methods=["GET", "POST"])
@permissions.authenticated
def create() -> Any:
    form = AnnouncementForm()
    _unit_choices(form)
    if form.validate_on_submit():
        outcome = submit(form, lambda: announcements.publish(current_user, form.draft()))
        if outcome.ok and outcome.value is not None:
            flash(_("The announcement is published."), "success")
            return redirect(url_for("announcements.readers", announcement_id=outcome.value.id))
    return render_template(
        "notifications/announcements/form.html",
        form=form,
        announcement=None,
        for_everyone=announcements.postable_units(current_user) is None,
    )


@bp.route("/<int:announcement_id>/edit", methods=["GET", "POST"])
@permissions.authenticated
def edit(announcement_id: int) -> Any:
    announcement = _managed(announcement_id)
    form = AnnouncementForm(obj=announcement if request.method == "GET" else None)
    if request.method == "GET":
        form.unit_ids.data = [unit.id for unit in announcement.units]
    form.submit.label.text = _("Save")
    _unit_choices(form)
    if form.validate_on_submit():
        draft = form.draft()
        if submit(form, lambda: announcements.update(current_user, announcement, draft)).ok:
            flash(_("The announcement is saved."), "success")
            return redirect(url_for("announcements.show", announcement_id=announcement.id))
    return render_template(
        "notifications/announcements/form.html",
        form=form,
        announcement=announcement,
        for_everyone=announcements.postable_units(current_user) is None,
        action_form=ConfirmForm(),
    )


@bp.route("/<int:announcement_id>/withdraw", methods=["POST"])
@permissions.authenticated
def withdraw(announcement_id: int) -> Any:
    announcement = _managed(announcement_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: announcements.withdraw(current_user, announcement)).ok
    ):
        flash(_("The announcement is withdrawn."), "success")
        return redirect(url_for("announcements.manage"))
    return redirect(url_for("announcements.edit", announcement_id=announcement_id))


@bp.route("/manage")
@permissions.authenticated
def manage() -> Any:
    announcements.require_poster(current_user)
    page, per_page = page_args(default_per_page=20)
    return render_template(
        "notifications/announcements/manage.html",
        posted=queries.managed_by(current_user, page, per_page),
    )


def _reader_filters() -> tuple[int | None, str]:
    status = request.args.get("status", "")
    return request.args.get("unit", type=int), status if status in queries.READER_STATUSES else ""


@bp.route("/<int:announcement_id>/readers")
@permissions.authenticated
def readers(announcement_id: int) -> Any:
    announcement = _managed(announcement_id)
    unit_id, status = _reader_filters()
    return render_template(
        "notifications/announcements/readers.html",
        announcement=announcement,
        tally=queries.tally(announcement),
        units=queries.by_unit(announcement),
        rows=queries.readers(announcement, unit_id=unit_id, status=status),
        unit_id=unit_id,
        status=status,
    )


@bp.route("/<int:announcement_id>/readers.xlsx")
@permissions.authenticated
def export(announcement_id: int) -> Any:
    announcement = _managed(announcement_id)
    return send_file(
        io.BytesIO(workbook_bytes(readers_workbook(announcement, current_app.config["TIMEZONE"]))),
        mimetype=MIMETYPES["xlsx"],
        as_attachment=True,
        download_name=f"announcement-{announcement.id}-readers.xlsx",
    )
