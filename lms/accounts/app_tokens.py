"""Signing in an app (the mobile client, a script) from the profile: a member who logs in
through OpenID Connect has no password for ``POST /api/v1/auth/token``, so the page makes a
token for them, shows it once, lists the ones still valid and signs an app out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.accounts.services import tokens
from lms.core.extensions import db

bp = Blueprint("app_tokens", __name__)


def _page(issued: tokens.IssuedSecret | None = None) -> str:
    return render_template(
        "accounts/app_tokens.html",
        issued=issued,
        active=tokens.active_api_tokens(current_user),
        form=ConfirmForm(),
        ttl_hours=int(current_app.config["API_TOKEN_TTL_HOURS"]),
    )


@bp.route("/profile/apps")
@permissions.authenticated
def page() -> Any:
    return _page()


@bp.route("/profile/apps/new", methods=["POST"])
@permissions.authenticated
def new() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return redirect(url_for("app_tokens.page"))
    issued = tokens.issue_api_token(current_user)
    db.session.commit()
    return _page(issued)  # shown once, on this answer only: never in a redirect's page


@bp.route("/profile/apps/<int:token_id>/revoke", methods=["POST"])
@permissions.authenticated
def revoke(token_id: int) -> Any:
    if ConfirmForm().validate_on_submit() and tokens.revoke_api_token_of(current_user, token_id):
        db.session.commit()
        flash(_("The app was signed out."), "success")
    return redirect(url_for("app_tokens.page"))
