"""Password hashing (scrypt through Werkzeug) and the password policy."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from lms.core.errors import ValidationError

# Verified when no account matches, so a login takes as long whether or not the user exists.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    return check_password_hash(password_hash, password)


def check_password_policy(password: str, *, username: str | None = None) -> None:
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise ValidationError(
            _("The password must have at least %(n)d characters.", n=minimum), field="password"
        )
    if len(password) > 128:
        raise ValidationError(_("The password must have at most 128 characters."), field="password")
    if username and password.casefold() == username.casefold():
        raise ValidationError(_("The password must differ from the username."), field="password")
