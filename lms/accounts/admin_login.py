"""Admin page of the login methods: local passwords, LDAP, OpenID Connect, and their tests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.accounts import permissions
from lms.accounts.login_forms import LoginSettingsForm
from lms.accounts.services import ldap_login, login_methods, oidc_login
from lms.core.errors import DomainError
from lms.core.forms import show_error, submit

bp = Blueprint("login_admin", __name__, url_prefix="/admin/settings/login")


def _test(form: LoginSettingsForm) -> None:
    """Try the typed settings (nothing is saved) and say what works or what does not."""
    try:
        if form.test_ldap.data:
            settings = login_methods.check_ldap(form.ldap_settings(), required=True)
            message = ldap_login.check_connection(settings, form.ldap_test_username.data or "")
        else:
            oidc = login_methods.check_oidc(form.oidc_settings(), required=True)
            message = oidc_login.check_connection(oidc)
    except DomainError as error:
        show_error(form, error)
        return
    flash(message, "success")


@bp.route("/", methods=["GET", "POST"])
@permissions.admin
def settings() -> Any:
    form = LoginSettingsForm()
    stored = login_methods.ldap_settings(), login_methods.oidc_settings()
    if request.method == "GET":
        form.fill(login_methods.login_methods(), *stored)
    if form.validate_on_submit():
        if form.test_ldap.data or form.test_oidc.data:
            _test(form)
        elif submit(
            form,
            lambda: login_methods.configure(
                form.methods(), form.ldap_settings(), form.oidc_settings()
            ),
        ).ok:
            flash(_("Login settings saved."), "success")
            return redirect(url_for("login_admin.settings"))
    return render_template(
        "accounts/admin/login_settings.html",
        form=form,
        has_bind_password=bool(stored[0].bind_password),
        has_client_secret=bool(stored[1].client_secret),
        callback_url=url_for("oidc.callback", _external=True),
    )
