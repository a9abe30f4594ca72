"""Importing questions from the pages: upload, a preview with every problem, then all or none.

The uploaded file waits in the storage under an unguessable name between the preview and the
import (question_bank.services.pending_imports), so the import is exactly what the preview
showed, on whichever server it lands.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
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
from lms.accounts.forms import ConfirmForm
from lms.core.errors import DomainError, NotFoundError
from lms.core.extensions import db
from lms.core.spreadsheets import MIMETYPES
from question_bank.formats import spreadsheet
from question_bank.services import pending_imports
from question_bank.services.importing import FORMATS, import_questions, preview

bp = Blueprint("bank_import", __name__, url_prefix="/bank/import")


@bp.route("/", methods=["GET", "POST"])
@permissions.staff
def upload() -> Any:
    if request.method == "GET":
        return render_template("question_bank/import.html", formats=FORMATS, form=ConfirmForm())
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("bank_import.upload"))
    file = request.files.get("file")
    fmt = request.form.get("format", "")
    category = request.form.get("category", "").strip() or None
    if not file or not file.filename or fmt not in FORMATS:
        flash(_("Choose a file and its format."), "error")
        return render_template("question_bank/import.html", formats=FORMATS, form=form), 400
    data = file.read()
    try:
        checked = preview(data, fmt, category)
    except DomainError as error:
        flash(error.message, "error")
        return render_template(
            "question_bank/import.html", formats=FORMATS, form=form
        ), error.status
    token = pending_imports.park(data, fmt, current_user.id)
    return render_template(
        "question_bank/import_preview.html",
        checked=checked,
        token=token,
        fmt=fmt,
        category=category or "",
        filename=file.filename,
        form=form,
    )


@bp.route("/commit", methods=["POST"])
@permissions.staff
def commit() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("bank_import.upload"))
    fmt, token = request.form.get("format", ""), request.form.get("token", "")
    try:
        data = pending_imports.take(token, fmt, current_user.id)
    except NotFoundError:
        abort(404)
    try:
        created = import_questions(data, fmt, request.form.get("category") or None, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("bank_import.upload"))
    db.session.commit()
    pending_imports.discard(token, fmt, current_user.id)
    flash(_("%(n)d questions were imported.", n=len(created)), "success")
    return redirect(url_for("bank.index"))


@bp.route("/template.<any(csv, xlsx):fmt>")
@permissions.staff
def template(fmt: str) -> Any:
    data = spreadsheet.template(fmt)
    return send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"questions-template.{fmt}",
    )
