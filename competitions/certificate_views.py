"""The admin page for what every certificate prints besides the award (issuer, seal room)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length

from lms.accounts import permissions
from lms.accounts.services import certificate_settings
from lms.core.forms import submit

bp = Blueprint("certificate_settings", __name__, url_prefix="/admin/certificates")


class CertificateSettingsForm(FlaskForm):
    issuer = StringField(
        _l("Issuing organisation"),
        validators=[Length(max=certificate_settings.ISSUER_MAX_LENGTH)],
        description=_l("Printed above the date, where the seal is stamped."),
    )
    seal_space = BooleanField(_l("Leave room for a seal over the issuer and the date"))
    submit = SubmitField(_l("Save"))


@bp.route("/", methods=["GET", "POST"])
@permissions.admin
def edit() -> Any:
    form = CertificateSettingsForm()
    if request.method == "GET":
        current = certificate_settings.current()
        form.issuer.data = current.issuer
        form.seal_space.data = current.seal_space
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: certificate_settings.save(
                issuer=form.issuer.data or "", seal_space=bool(form.seal_space.data)
            ),
        )
        if outcome.ok:
            flash(_("Settings saved."), "success")
            return redirect(url_for("certificate_settings.edit"))
    return render_template("competitions/certificate_settings.html", form=form)
