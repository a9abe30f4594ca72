"""Import files waiting between their preview and the import, kept in the storage (so the
import may reach another server than the preview did) under an unguessable name.

A preview that is never imported leaves its file until ``flask --app wsgi lms clean-storage``
removes it (after :data:`KEEP`); a preview stores nothing else (embedded images are stored only
by the import itself)."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

from flask_babel import gettext as _

from lms.core.clock import utcnow
from lms.core.errors import NotFoundError
from lms.core.storage import get_storage
from question_bank.services.importing import FORMATS

PREFIX = "pending-imports/"
KEEP = timedelta(hours=24)


def _key(user_id: int, token: str, fmt: str) -> str:
    if not token.isalnum() or len(token) > 64 or fmt not in FORMATS:
        raise NotFoundError(_("This import is no longer waiting: upload the file again."))
    return f"{PREFIX}{user_id}-{token}.{fmt}"


def park(data: bytes, fmt: str, user_id: int) -> str:
    """Keep the previewed file for its import; the token that names it."""
    token = secrets.token_hex(16)
    get_storage().save(_key(user_id, token, fmt), io.BytesIO(data))
    return token


def take(token: str, fmt: str, user_id: int) -> bytes:
    """The file ``user_id`` previewed under ``token`` (NotFoundError when gone or not theirs)."""
    try:
        return get_storage().read(_key(user_id, token, fmt))
    except FileNotFoundError:
        raise NotFoundError(_("This import is no longer waiting: upload the file again.")) from None


def discard(token: str, fmt: str, user_id: int) -> None:
    get_storage().delete(_key(user_id, token, fmt))


def clean(keep: timedelta = KEEP) -> int:
    """Remove the files of previews older than ``keep``; how many were removed."""
    store = get_storage()
    old = [s.key for s in store.list(PREFIX) if s.modified_at < utcnow() - keep]
    for key in old:
        store.delete(key)
    return len(old)
