"""Who is making the request: a browser session (Flask-Login) or an API bearer token.

Browser sessions carry ``id:nonce`` (the session version); a new nonce (logout, new password,
deactivation) ends every session and remember-me cookie at once. API requests with a bearer
token are authenticated by it alone and need no CSRF token; API requests riding on the browser
session must send the CSRF token (``X-CSRFToken``) like any form; a guest's API call (asking for a
token) has no session to abuse and needs none.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import select

from lms.accounts.api import bearer_secret
from lms.accounts.models import User
from lms.accounts.services.tokens import user_for_api_token
from lms.core import stamps
from lms.core.errors import json_error, wants_json
from lms.core.extensions import csrf, db, login_manager
from lms.core.sqlite import read_before_writing

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Guest(AnonymousUserMixin):
    role = None
    is_admin = False
    is_organizer = False
    display_name = ""
    language = None

    def has_role(self, *_roles: Any) -> bool:
        return False


def _load_user(session_id: str) -> User | None:
    user_id, _sep, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    with read_before_writing(db.session()):
        # The version stamps come with the user: the request's memories need no read of them.
        row = db.session.execute(stamps.with_versions(select(User).where(User.id == int(user_id))))
        found = row.first()
    if found is not None:
        stamps.keep_versions(found)
    user = found[0] if found is not None else None
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


def _unauthorized() -> Any:
    if wants_json():
        return json_error(401, "unauthorized", str(_l("Log in or send a valid bearer token.")))
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def install_authentication(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.anonymous_user = Guest
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)

    @app.before_request
    def _api_authentication() -> Any:
        if not request.path.startswith("/api/"):
            return None
        secret = bearer_secret()
        if secret is not None:
            with read_before_writing(db.session()):
                user = user_for_api_token(secret)
            if user is None:
                return json_error(401, "invalid_token", str(_l("The bearer token is not valid.")))
            g._login_user = user  # Flask-Login reads the current user from here
            return None
        # A browser session is what cross-site requests could abuse; a guest's JSON call (a
        # script asking for a token) has no session to ride on and needs no CSRF token.
        if (
            request.method not in SAFE_METHODS
            and current_app.config["WTF_CSRF_ENABLED"]
            and current_user.is_authenticated
        ):
            csrf.protect()
        return None


def unauthorized() -> Any:
    return _unauthorized()
