"""Secrets kept in the database (a directory's bind password, an OpenID client secret), sealed
with a key derived from the site's ``SECRET_KEY``, which lives in the server's environment, not
in the database: a copy of the database or an ``lms backup`` archive does not give them away.

A value sealed under another secret key (the key was changed, or the database was restored on
another site) no longer opens: :func:`unseal` gives ``""`` and the admin types the secret again.
Values stored before sealing existed (no prefix) read as they are until they are saved again.
"""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "sealed:v1:"
log = logging.getLogger(__name__)


def _box() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"lms site setting secrets"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value: str) -> str:
    """``value`` sealed for storage; an empty value stays empty (nothing to hide)."""
    if not value:
        return ""
    return PREFIX + _box().encrypt(value.encode()).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str) -> str:
    """The value of ``stored``; ``""`` when it was sealed under another secret key."""
    if not is_sealed(stored):
        return stored
    try:
        return _box().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        log.warning("a stored secret was sealed under another SECRET_KEY: type it again")
        return ""
