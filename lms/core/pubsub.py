"""Redis for the app, and writes to it held until the database commits.

:func:`redis_client` is the application's Redis client (``LMS_REDIS_URL``), or None without
Redis. :func:`after_commit` is the hook that holds writes to Redis (``lms.core.ranking``) until
the SQLAlchemy transaction commits and drops them when it rolls back, so Redis never shows what
the database did not keep. Nothing here waits for messages: live pages poll with ETags, and the
push tier (nginx + Nchan) holds subscribers' connections, never an app thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.extensions import db

log = logging.getLogger(__name__)

_PENDING = "lms_after_commit"


def redis_client() -> redis.Redis | None:
    """The application's Redis client (one connection pool per app), or None without Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients: dict[str, redis.Redis] = current_app.extensions.setdefault("lms_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(url, decode_responses=True)
    return clients[url]


def after_commit(callback: Callable[[], object], session: Session | None = None) -> None:
    """Run ``callback`` once the session's current transaction commits; forget it on rollback.

    A callback that fails is logged and does not undo the commit (Redis boards can be rebuilt
    from the database).
    """
    target = session if session is not None else db.session()
    if target.get_transaction() is None:
        target.begin()  # as any query would: its rollback must drop the callback too
    target.info.setdefault(_PENDING, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    callbacks = session.info.pop(_PENDING, [])
    for callback in callbacks:
        try:
            callback()
        except redis.RedisError:
            log.exception("after-commit Redis write failed; rebuild the board from the database")


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # A committed root transaction already ran its callbacks; a rolled back one drops them.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
