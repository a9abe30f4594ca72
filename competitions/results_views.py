"""Results pages: the published ranking, publishing, exports and certificates (HTML and PDF)."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competitions import certificates as certificate_pdf
from competitions.services import leaderboards, results
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.accounts.services import certificate_settings
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES, table_bytes

bp = Blueprint("competition_results", __name__, url_prefix="/competitions")

PDF = "application/pdf"


@bp.route("/<int:competition_id>/results", endpoint="results")
@permissions.authenticated
def results_page(competition_id: int) -> Any:
    competition = results.load_competition(competition_id, current_user)
    staff = current_user.is_organizer
    visible = staff or results.is_published(competition)
    units = leaderboards.units_board(competition) if visible else None
    return render_template(
        "competitions/results/results.html",
        competition=competition,
        staff=staff,
        visible=visible,
        rows=results.result_rows(competition, include_disqualified=staff) if visible else [],
        units=units,
        metric_label=results.METRIC_LABELS.get(competition.unit_metric, ""),
        metric_value=lambda value: results.metric_text(competition.unit_metric, value),
        my_award=results.award_of(competition, current_user),
        awards={award.user_id: award for award in results.awards_of_competition(competition)}
        if staff
        else {},
        publish_form=ConfirmForm(formdata=None),
        may_publish=staff and results.may_publish(competition),
    )


@bp.route("/<int:competition_id>/results/publish", methods=["POST"])
@permissions.staff
def publish(competition_id: int) -> Any:
    competition = results.load_competition(competition_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: results.publish_results(competition, current_user))
        if outcome.ok:
            flash(_("The results were published."), "success")
    return redirect(url_for("competition_results.results", competition_id=competition.id))


@bp.route("/<int:competition_id>/results.<fmt>")
@permissions.staff
def export(competition_id: int, fmt: str) -> Any:
    if fmt not in MIMETYPES:
        abort(404)
    competition = results.load_competition(competition_id, current_user)
    header, rows = results.result_table(results.result_rows(competition))
    return send_file(
        io.BytesIO(table_bytes(fmt, header, rows)),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"competition-{competition.id}-results.{fmt}",
    )


@bp.route("/<int:competition_id>/certificates/<int:award_id>")
@permissions.authenticated
def certificate(competition_id: int, award_id: int) -> Any:
    competition = results.load_competition(competition_id, current_user)
    award = results.get_award(competition, award_id, current_user)
    return render_template(
        "competitions/results/certificate.html",
        competition=competition,
        certificate=results.certificate(competition, award),
        settings=certificate_settings.current(),
    )


@bp.route("/<int:competition_id>/certificates/<int:award_id>.pdf")
@permissions.authenticated
def certificate_file(competition_id: int, award_id: int) -> Any:
    competition = results.load_competition(competition_id, current_user)
    award = results.get_award(competition, award_id, current_user)
    document = certificate_pdf.certificates_pdf(
        [results.certificate(competition, award)],
        title=competition.title,
        settings=certificate_settings.current(),
    )
    return send_file(
        io.BytesIO(document),
        mimetype=PDF,
        download_name=f"certificate-{award.code}.pdf",
    )


@bp.route("/<int:competition_id>/certificates.pdf")
@permissions.staff
def all_certificates(competition_id: int) -> Any:
    competition = results.load_competition(competition_id, current_user)
    document = certificate_pdf.certificates_pdf(
        results.certificates(competition),
        title=competition.title,
        settings=certificate_settings.current(),
    )
    return send_file(
        io.BytesIO(document),
        mimetype=PDF,
        as_attachment=True,
        download_name=f"competition-{competition.id}-certificates.pdf",
    )
