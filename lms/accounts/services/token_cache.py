"""A per-process memory of whom an API token belongs to.

Looking a token up costs every API request a query that loads the token, its user and the
user's unit. An answer is kept under the "people" version stamp (``people_stamp``): revoking a
token, or deactivating, renaming, moving or giving another role to a member, or editing a unit,
in any worker, bumps it, and every worker asks the database again at once. The versions cost one
tiny statement per request, shared with the other memories. ``API_TOKEN_CACHE_SECONDS``
(default 60; 0 turns the memory off) bounds only what a change made behind the app's back (SQL
by hand) leaves. Entries are keyed by the database and the token's SHA-256, never by the
secret, and hold detached copies that each request merges into its own session without a query.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import User
from lms.accounts.services import people_stamp
from lms.core.clock import utcnow
from lms.core.extensions import db

MAX_ENTRIES = 20_000

# (engine, digest) -> (monotonic time until, token expiry, people version, detached user)
_entries: dict[tuple[Any, str], tuple[float, datetime, int, User]] = {}
_lock = threading.Lock()


def _detached_copy(instance: Any) -> Any:
    model = type(instance)
    columns = model.__mapper__.columns
    copy = model(**{column.key: getattr(instance, column.key) for column in columns})
    make_transient_to_detached(copy)
    return copy


def _seconds() -> float:
    return float(current_app.config.get("API_TOKEN_CACHE_SECONDS", 0))


def remember(digest: str, expires_at: datetime, user: User) -> None:
    """Remember the token's user under the version ``recall`` read before it was loaded (the
    same transaction's)."""
    seconds = _seconds()
    if seconds <= 0 or people_stamp.changed_here():
        return
    version = people_stamp.version()
    copy = _detached_copy(user)
    set_committed_value(copy, "unit", _detached_copy(user.unit))
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[(db.engine, digest)] = (time.monotonic() + seconds, expires_at, version, copy)


def recall(digest: str) -> User | None:
    """The token's user, merged into this request's session, while the memory holds. Reads
    the versions first, also when nothing is remembered: the token is loaded after them."""
    if _seconds() <= 0 or people_stamp.changed_here():
        return None
    version = people_stamp.version()
    key = (db.engine, digest)
    found = _entries.get(key)
    if found is None:
        return None
    until, expires_at, remembered_at, copy = found
    if time.monotonic() >= until or expires_at <= utcnow() or remembered_at != version:
        with _lock:
            _entries.pop(key, None)
        return None
    return db.session.merge(copy, load=False)


def forget_all() -> None:
    with _lock:
        _entries.clear()
