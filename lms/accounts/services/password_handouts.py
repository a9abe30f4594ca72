"""The generated passwords of a user import, as a file the admin downloads once.

The passwords are encrypted (Fernet) with a fresh key that the server does not keep: the import
page holds it in its download form, the table only its SHA-256. Downloading deletes the row, so
afterwards no copy is left on the server; a handout not downloaded expires after
``PASSWORD_HANDOUT_MINUTES`` (default 60) and is purged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import PasswordHandout, User
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from lms.core.spreadsheets import table_bytes


class GeneratedPassword(Protocol):
    user: User
    initial_password: str | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _purge_expired() -> None:
    db.session.execute(delete(PasswordHandout).where(PasswordHandout.expires_at <= utcnow()))


def create_handout(created: Sequence[GeneratedPassword], *, by: User) -> str | None:
    """The key that downloads the generated passwords once, or None when none was generated."""
    rows = [
        [row.user.username, row.user.display_name, row.user.unit.path, row.initial_password]
        for row in created
        if row.initial_password
    ]
    if not rows:
        return None
    _purge_expired()
    key = Fernet.generate_key().decode()
    now = utcnow()
    minutes = int(current_app.config.get("PASSWORD_HANDOUT_MINUTES", 60))
    db.session.add(
        PasswordHandout(
            key_hash=_digest(key),
            created_by_id=by.id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            payload=Fernet(key).encrypt(json.dumps(rows, ensure_ascii=False).encode()),
        )
    )
    db.session.flush()
    return key


def take_handout(key: str, *, by: User) -> list[list[str]]:
    """The rows (username, display name, unit, password), once: the handout is deleted."""
    _purge_expired()
    handout = db.session.scalar(
        select(PasswordHandout).where(
            PasswordHandout.key_hash == _digest(key), PasswordHandout.created_by_id == by.id
        )
    )
    gone = NotFoundError(
        _(
            "These passwords were already downloaded or have expired. Create a password-reset "
            "link for each user who still needs one."
        )
    )
    if handout is None:
        raise gone
    try:
        rows = json.loads(Fernet(key.encode()).decrypt(handout.payload))
    except (InvalidToken, ValueError) as error:
        raise gone from error
    db.session.delete(handout)
    db.session.flush()
    return rows


def handout_file(rows: list[list[str]], fmt: str) -> bytes:
    header = [_("Username"), _("Display name"), _("Unit"), _("Initial password")]
    return table_bytes(fmt, header, rows)
