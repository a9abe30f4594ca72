"""Study-hour pages: my yearly record and transcripts, the report of who is behind (admins and
unit leaders), and the admins' yearly targets."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.forms import ROLE_LABELS, ConfirmForm
from lms.accounts.models import OrgUnit
from lms.accounts.services.org_units import leads_a_unit
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES, table_bytes
from lms.points.hours import queries, services, transcript
from lms.points.hours.forms import MinutesPerHourForm, ReportFilterForm, TargetForm

bp = Blueprint("study_hours", __name__)


@bp.app_template_filter("hours")
def hours_filter(centihours: int | None) -> str:
    """Hundredths of an hour as a number in the reader's language: 150 as "1.5"."""
    return format_decimal((centihours or 0) / 100, format="#,##0.##")


@bp.app_template_global("my_study_hours")
def my_study_hours() -> queries.Record | None:
    """This year's sum and target of the signed-in member (the home page's progress card)."""
    if not current_user.is_authenticated:
        return None
    return queries.progress(current_user, queries.this_year())


def _year() -> int:
    year = request.args.get("year", type=int)
    if year is None or not services.MIN_YEAR <= year <= services.MAX_YEAR:
        return queries.this_year()
    return year


@bp.route("/study-hours")
@permissions.authenticated
def index() -> Any:
    year = _year()
    return render_template(
        "hours/index.html",
        record=queries.record(current_user, year),
        years=sorted({*queries.years(current_user), year}, reverse=True),
        source_label=transcript.source_label,
        sees_report=current_user.is_organizer or leads_a_unit(current_user),
    )


def _download(data: bytes, kind: str, name: str) -> Any:
    mimetype = "application/pdf" if kind == "pdf" else MIMETYPES["xlsx"]
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/study-hours/transcript.pdf")
@permissions.authenticated
def transcript_pdf() -> Any:
    record = queries.record(current_user, _year())
    data = transcript.transcript_pdf(current_user, record)
    return _download(data, "pdf", f"study-hours-{record.year}.pdf")


@bp.route("/study-hours/transcript.xlsx")
@permissions.authenticated
def transcript_xlsx() -> Any:
    record = queries.record(current_user, _year())
    data = transcript.transcript_xlsx(current_user, record)
    return _download(data, "xlsx", f"study-hours-{record.year}.xlsx")


SHOW = ("behind", "all")
PAGE_ROWS = 500  # the page lists this many members; the Excel file has them all


def _report() -> tuple[ReportFilterForm, queries.Report, list[queries.MemberRow]]:
    scope = queries.report_scope(current_user)
    form = ReportFilterForm(request.args)
    units = queries.units_in(scope)
    form.unit.choices = [(0, _("All my units") if scope else _("All units"))] + [
        (unit.id, unit.path) for unit in units
    ]
    form.show.choices = [("behind", _("Only those behind")), ("all", _("Everyone"))]
    year = _year()
    form.year.data = year
    chosen = next((unit for unit in units if unit.id == form.unit.data), None)
    show = request.args.get("show") if request.args.get("show") in SHOW else "behind"
    form.show.data = show
    found = queries.report(year, scope, chosen)
    return form, found, found.behind if show == "behind" else found.members


@bp.route("/study-hours/report")
@permissions.authenticated
def report() -> Any:
    form, found, members = _report()
    return render_template(
        "hours/report.html",
        form=form,
        report=found,
        members=members[:PAGE_ROWS],
        more=max(0, len(members) - PAGE_ROWS),
    )


@bp.route("/study-hours/report.xlsx")
@permissions.authenticated
def report_xlsx() -> Any:
    _form, found, members = _report()
    header = [
        _("Unit"),
        _("Username"),
        pgettext("person", "Name"),
        _("Study hours"),
        _("Target"),
        _("Missing"),
    ]
    rows = [
        [
            m.unit,
            m.username,
            m.name,
            m.centihours / 100,
            m.target / 100 if m.target is not None else "",
            m.missing / 100 if m.target is not None else "",
        ]
        for m in members
    ]
    return _download(table_bytes("xlsx", header, rows), "xlsx", f"study-hours-{found.year}.xlsx")


def _target_form(form: TargetForm | None = None) -> TargetForm:
    form = form or TargetForm(formdata=None, year=_year())
    units = queries.units_in(None)
    form.unit_id.choices = [(0, _("Everyone"))] + [(unit.id, unit.path) for unit in units]
    form.role.choices = [("", _("Every role"))] + [
        (value, str(label)) for value, label in ROLE_LABELS.items()
    ]
    return form


def _admin_page(target: TargetForm | None = None, minutes: MinutesPerHourForm | None = None) -> Any:
    target = _target_form(target)
    year = target.year.data if isinstance(target.year.data, int) else _year()
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        year = queries.this_year()
    minutes = minutes or MinutesPerHourForm(
        formdata=None, minutes_per_hour=services.minutes_per_hour()
    )
    return render_template(
        "hours/admin.html",
        year=year,
        targets=queries.targets(year),
        target_form=target,
        minutes_form=minutes,
        delete_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
    )


@bp.route("/admin/study-hours")
@permissions.admin
def admin() -> Any:
    return _admin_page()


def _save_target(form: TargetForm) -> Any:
    unit = db.session.get(OrgUnit, form.unit_id.data) if form.unit_id.data else None
    centihours = services.parse_hours(form.hours.data, field="hours", allow_zero=False)
    return services.set_target(
        year=form.year.data, unit=unit, role=form.role.data or None, centihours=centihours or 0
    )


@bp.route("/admin/study-hours/targets", methods=["POST"])
@permissions.admin
def save_target() -> Any:
    form = _target_form(TargetForm())
    if form.validate_on_submit() and submit(form, lambda: _save_target(form)).ok:
        flash(_("Target saved."), "success")
        return redirect(url_for("study_hours.admin", year=form.year.data))
    return _admin_page(target=form)


@bp.route("/admin/study-hours/targets/<int:target_id>/delete", methods=["POST"])
@permissions.admin
def delete_target(target_id: int) -> Any:
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: services.delete_target(target_id)).ok:
        flash(_("Target removed."), "success")
    return redirect(url_for("study_hours.admin", year=request.args.get("year", type=int)))


@bp.route("/admin/study-hours/minutes", methods=["POST"])
@permissions.admin
def save_minutes() -> Any:
    form = MinutesPerHourForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: services.set_minutes_per_hour(form.minutes_per_hour.data)).ok
    ):
        flash(_("Settings saved."), "success")
        return redirect(url_for("study_hours.admin"))
    return _admin_page(minutes=form)
