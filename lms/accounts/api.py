"""JSON API for accounts: bearer tokens and the current user (DESIGN.md section 6)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.calendar_feed import feed_token
from lms.accounts.models import User
from lms.accounts.ratelimits import login_attempts, mark_failed
from lms.accounts.services import auth, tokens, users
from lms.core.api import BadRequestError, documented, json_body, require_string
from lms.core.errors import DomainError, json_error
from lms.core.extensions import db
from lms.core.openapi import build_openapi

bp = Blueprint("accounts_api", __name__)

USER_SCHEMA = {
    "type": "object",
    "required": ["id", "username", "display_name", "role", "unit", "language", "calendar_url"],
    "properties": {
        "id": {"type": "integer"},
        "username": {"type": "string"},
        "display_name": {"type": "string"},
        "role": {"type": "string", "enum": ["member", "organizer", "admin"]},
        "unit": {"type": "string", "description": "Unit path, Org/Branch/Group"},
        "language": {"type": "string", "nullable": True},
        "calendar_url": {
            "type": "string",
            "format": "uri",
            "description": "The user's secret iCalendar feed (reset on the calendar page)",
        },
    },
}


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "unit": user.unit.path,
        "language": user.language,
        "calendar_url": url_for("calendar.feed", token=feed_token(user), _external=True),
    }


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


@bp.route("/auth/token", methods=["POST"])
@permissions.public
@login_attempts
@documented(
    "Exchange a username and password for a bearer token",
    auth=False,
    errors={
        503: "directory_unavailable: the site signs this person in through a directory (LDAP) "
        "that does not answer now; administrators can still use their local password",
    },
    request_schema={
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
    },
    response_schema={
        "type": "object",
        "required": ["token", "expires_at"],
        "properties": {
            "token": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
)
def issue_token() -> Any:
    data = request.get_json(silent=True)
    username = data.get("username") if isinstance(data, dict) else None
    password = data.get("password") if isinstance(data, dict) else None
    if not isinstance(username, str) or not isinstance(password, str):
        mark_failed()
        return json_error(400, "bad_request", _("Send a JSON object with username and password."))
    try:
        user = auth.authenticate(username, password)
    except DomainError as error:  # the directory is unreachable, or refused this person
        db.session.rollback()
        mark_failed()
        return json_error(error.status, error.code, error.message)
    db.session.commit()  # what the directory said (a deactivation) stays when refused
    if user is None:
        mark_failed()
        return json_error(401, "invalid_credentials", _("The username or password is not correct."))
    issued = tokens.issue_api_token(user)
    db.session.commit()
    return jsonify({"token": issued.secret, "expires_at": issued.expires_at.isoformat()})


@bp.route("/auth/token", methods=["DELETE"])
@permissions.authenticated
@documented(
    "Revoke the bearer token of this request",
    response_schema={
        "type": "object",
        "required": ["revoked"],
        "properties": {"revoked": {"type": "boolean", "enum": [True]}},
    },
)
def revoke_token() -> Any:
    secret = bearer_secret()
    if secret is None:
        return json_error(400, "bad_request", _("Send the token to revoke as a bearer token."))
    tokens.revoke_api_token(secret)
    db.session.commit()
    return jsonify({"revoked": True})


@bp.route("/me")
@permissions.authenticated
@documented("The current user", response_schema=USER_SCHEMA)
def me() -> Any:
    return jsonify(user_json(current_user))


PROFILE_INPUT = {
    "type": "object",
    "properties": {
        "display_name": {"type": "string", "maxLength": 100},
        "language": {"type": "string", "enum": ["zh_Hans", "en"], "nullable": True},
    },
}


@bp.route("/me", methods=["PATCH"])
@permissions.authenticated
@documented(
    "Change the current user's display name or language",
    request_schema=PROFILE_INPUT,
    response_schema=USER_SCHEMA,
)
def update_me() -> Any:
    data = json_body()
    language = data.get("language", current_user.language)
    if language is not None and not isinstance(language, str):
        raise BadRequestError(_("“%(key)s” must be a string.", key="language"), field="language")
    users.update_profile(
        current_user,
        display_name=(
            require_string(data, "display_name", max_length=1000)
            if "display_name" in data
            else current_user.display_name
        ),
        language=language,
    )
    db.session.commit()
    return jsonify(user_json(current_user))


@bp.route("/openapi.json")
@permissions.public
@documented(
    "This OpenAPI document",
    auth=False,
    response_schema={
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": {
            "openapi": {"type": "string"},
            "info": {"type": "object", "additionalProperties": True},
            "paths": {"type": "object", "additionalProperties": {"type": "object"}},
        },
    },
)
def openapi() -> Any:
    return jsonify(build_openapi(current_app, title="LMS API", version="1"))
