"""Signing in with OpenID Connect: off to the provider, and back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from lms.accounts import permissions
from lms.accounts.services import oidc_login
from lms.accounts.services.directory_users import DirectoryError
from lms.core.errors import DomainError
from lms.core.extensions import db
from lms.core.http import is_safe_redirect
from lms.core.sqlite import writes_on_get

bp = Blueprint("oidc", __name__, url_prefix="/login/oidc")
PENDING_KEY = "oidc_pending"


def _callback_url() -> str:
    return url_for("oidc.callback", _external=True)


def _refused(error: DomainError) -> Any:
    if isinstance(error, DirectoryError):  # the details are for administrators
        current_app.logger.warning("OpenID Connect sign-in failed: %s", error.message)
        flash(
            _(
                "The organisation's sign-in cannot be reached now. Try again later, "
                "or ask an administrator."
            ),
            "error",
        )
    else:
        flash(error.message, "error")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@permissions.public
def start() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if oidc_login.button() is None:
        return redirect(url_for("accounts.login"))
    next_url = request.args.get("next", "")
    try:
        url, pending = oidc_login.start(
            _callback_url(), next_url if is_safe_redirect(next_url) else ""
        )
    except DomainError as error:
        return _refused(error)
    session[PENDING_KEY] = pending.as_dict()
    return redirect(url)


@bp.route("/callback")
@permissions.public
@writes_on_get
def callback() -> Any:
    pending = oidc_login.Pending.from_dict(session.pop(PENDING_KEY, None))
    try:
        user = oidc_login.finish(_callback_url(), pending, request.args.to_dict())
    except DomainError as error:
        db.session.rollback()
        return _refused(error)
    db.session.commit()
    language = user.language or session.get("language")
    session.clear()  # a fresh session on login: nothing of the guest's carries over
    login_user(user)
    if language:
        session["language"] = language
    return redirect(pending.next_url if pending and pending.next_url else url_for("home.index"))
