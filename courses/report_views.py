"""Course reports for organizers, admins and unit leaders: a table, a chart, an Excel file."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, render_template, send_file
from flask_login import current_user

from courses.services import reports
from lms.accounts import permissions
from lms.core.spreadsheets import MIMETYPES, table_bytes

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@permissions.authenticated
def index() -> Any:
    scope = reports.report_scope(current_user)
    return render_template(
        "courses/reports/index.html", courses=reports.courses_for_reports(current_user), scope=scope
    )


@bp.route("/courses/<int:course_id>")
@permissions.authenticated
def course(course_id: int) -> Any:
    scope = reports.report_scope(current_user)
    report = reports.course_report(reports.course_for_report(current_user, course_id), scope)
    return render_template("courses/reports/course.html", report=report, scope=scope)


@bp.route("/courses/<int:course_id>.xlsx")
@permissions.authenticated
def export(course_id: int) -> Any:
    scope = reports.report_scope(current_user)
    report = reports.course_report(reports.course_for_report(current_user, course_id), scope)
    header, rows = reports.report_rows(report)
    return send_file(
        io.BytesIO(table_bytes("xlsx", header, rows)),
        mimetype=MIMETYPES["xlsx"],
        as_attachment=True,
        download_name=f"course-{course_id}-report.xlsx",
    )
