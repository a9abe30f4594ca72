"""Pages for one's own account: log in and out, profile, password, language, registration."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from lms.accounts import permissions
from lms.accounts.forms import (
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from lms.accounts.ratelimits import login_attempts, mark_failed, secret_attempts
from lms.accounts.services import auth, login_methods, oidc_login, tokens, users
from lms.core.errors import DomainError
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.http import is_safe_redirect

bp = Blueprint("accounts", __name__)


def _next_url(candidate: str | None) -> str:
    return candidate if is_safe_redirect(candidate) else url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@permissions.public
@login_attempts
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = auth.authenticate(form.username.data or "", form.password.data or "")
        except DomainError as error:  # the directory is unreachable, or refused this person
            db.session.rollback()
            user, refusal = None, error.message
        else:
            db.session.commit()  # the login, or what the directory said (a deactivation)
            refusal = _("The username or password is not correct.")
        if user is not None:
            language = user.language or session.get("language")
            session.clear()  # a fresh session on login: nothing of the guest's carries over
            login_user(user, remember=bool(form.remember.data))
            if language:
                session["language"] = language
            return redirect(_next_url(form.next.data))
        mark_failed()
        flash(refusal, "error")
    elif request.method == "POST":
        mark_failed()
    return render_template(
        "accounts/login.html", form=form, registration=auth.self_registration_enabled(),
        oidc=oidc_login.button(), passwords=login_methods.passwords_offered(),
    )  # fmt: skip


@bp.route("/logout", methods=["POST"])
@permissions.public
def logout() -> Any:
    language = session.get("language")
    if current_user.is_authenticated:
        auth.log_out(current_user)
        db.session.commit()
    session.clear()
    logout_user()  # after clearing: it leaves the flag that deletes the remember-me cookie
    if language:
        session["language"] = language
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@permissions.public
@secret_attempts
def register() -> Any:
    if not auth.self_registration_enabled():
        flash(_("Self-registration is switched off. Ask your organisation for an account."), "info")
        return redirect(url_for("accounts.login"))
    form = RegisterForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: auth.register(
                username=form.username.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                language=session.get("language"),
            ),
        )
        if outcome.ok:
            login_user(outcome.value)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/register.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@permissions.authenticated
def profile() -> Any:
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.language or ""
    if form.validate_on_submit() and submit(
        form,
        lambda: users.update_profile(
            current_user, display_name=form.display_name.data or "",
            language=form.language.data or None,
        ),
    ).ok:  # fmt: skip
        session["language"] = current_user.language
        flash(_("Your profile was saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@permissions.authenticated
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit() and submit(
        form,
        lambda: auth.change_password(
            current_user, current=form.current_password.data or "",
            new=form.new_password.data or "",
        ),
    ).ok:  # fmt: skip
        # This device carries the new nonce on, in its session and its remember-me cookie.
        cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
        remembered = cookie in request.cookies
        login_user(current_user._get_current_object(), remember=remembered)
        flash(
            _(
                "Your password was changed. You were logged out on every other device, "
                "and your API tokens were revoked."
            ),
            "success",
        )
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/reset/<secret>", methods=["GET", "POST"])
@permissions.public
@secret_attempts
def reset_password(secret: str) -> Any:
    link = tokens.valid_reset_link(secret)
    if link is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: tokens.reset_password(secret, form.new_password.data or "")).ok
    ):
        logout_user()
        flash(_("Your new password is set. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=link.user)


@bp.route("/language", methods=["POST"])
@permissions.public
def set_language() -> Any:
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            users.update_profile(
                current_user, display_name=current_user.display_name, language=form.language.data
            )
            db.session.commit()
    return redirect(_next_url(form.next.data or request.referrer))
