"""A short per-process memory of whom an API token belongs to.

Looking a token up costs every API request a query that loads the token, its user and the
user's unit. Answers are kept ``API_TOKEN_CACHE_SECONDS`` (default 5; 0 turns the memory off).
In the worker that revokes a token or changes a user or a unit, the memory is cleared at once
(any flush that touches users, units or tokens clears it); on the other workers a revoked token,
or a member deactivated, given another role or moved, keeps its old answer at most that long.
Entries are keyed by the token's SHA-256, never by the secret, and hold detached copies that
each request merges into its own session without a query.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from itertools import chain
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.models import ApiToken, OrgUnit, User
from lms.core.clock import utcnow
from lms.core.extensions import db

MAX_ENTRIES = 20_000

_entries: dict[str, tuple[float, datetime, User]] = {}
_lock = threading.Lock()


def _detached_copy(instance: Any) -> Any:
    model = type(instance)
    columns = model.__mapper__.columns
    copy = model(**{column.key: getattr(instance, column.key) for column in columns})
    make_transient_to_detached(copy)
    return copy


def remember(digest: str, expires_at: datetime, user: User) -> None:
    seconds = float(current_app.config.get("API_TOKEN_CACHE_SECONDS", 0))
    if seconds <= 0:
        return
    copy = _detached_copy(user)
    set_committed_value(copy, "unit", _detached_copy(user.unit))
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = (time.monotonic() + seconds, expires_at, copy)


def recall(digest: str) -> User | None:
    """The token's user, merged into this request's session, while the memory holds."""
    found = _entries.get(digest)
    if found is None:
        return None
    until, expires_at, copy = found
    if time.monotonic() >= until or expires_at <= utcnow():
        with _lock:
            _entries.pop(digest, None)
        return None
    return db.session.merge(copy, load=False)


def forget_all() -> None:
    with _lock:
        _entries.clear()


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context: Any) -> None:
    if _entries and any(
        isinstance(instance, User | OrgUnit | ApiToken)
        for instance in chain(session.dirty, session.deleted)
    ):
        forget_all()
