"""Live notifications between workers, sent only once the database has committed.

With ``LMS_REDIS_URL`` set, :func:`publish` is a Redis ``PUBLISH`` and :func:`listen` a
``SUBSCRIBE``, so a message reaches every gunicorn worker. Without Redis nothing is recorded:
:func:`listen` waits :func:`poll_interval` seconds and returns without a message, and the caller
then polls what it watches (a leaderboard's ``version``) itself. A server-sent-events loop is
the same in both cases::

    while streaming:
        for message in listen(channel, timeout=15):
            ...  # push it
        ...  # compare the board's version with the last one sent; push when it changed

:func:`after_commit` is the hook that holds writes to Redis (here and in ``lms.core.ranking``)
until the SQLAlchemy transaction commits and drops them when it rolls back, so Redis never shows
what the database did not keep.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from flask import current_app
from redis.client import PubSub
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.extensions import db

log = logging.getLogger(__name__)

_PENDING = "lms_after_commit"
DEFAULT_POLL_SECONDS = 1.0
DEFAULT_CHANNEL_PREFIX = "lms:live:"


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


def poll_interval() -> float:
    """Seconds a listener waits between polls without Redis (``LMS_PUBSUB_POLL_SECONDS``)."""
    return float(current_app.config.get("PUBSUB_POLL_SECONDS", DEFAULT_POLL_SECONDS))


def _channel_name(channel: str) -> str:
    return current_app.config.get("PUBSUB_PREFIX", DEFAULT_CHANNEL_PREFIX) + channel


def publish(channel: str, data: dict[str, Any]) -> None:
    """Send ``data`` (JSON-serialisable) to the channel's listeners after the commit."""
    client = redis_client()
    if client is None:
        return
    name, payload = _channel_name(channel), json.dumps(data, separators=(",", ":"))
    after_commit(lambda: client.publish(name, payload))


def listen(channel: str, timeout: float) -> Iterator[dict[str, Any]]:
    """Messages published on ``channel`` during the next ``timeout`` seconds.

    Without Redis this yields nothing and returns after ``min(timeout, poll_interval())``
    seconds: the caller polls. Settings are read now, so the iterator may outlive the app context.
    """
    client = redis_client()
    if client is None:
        return _sleep(min(timeout, poll_interval()))
    subscription = client.pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(_channel_name(channel))  # now, so nothing published after is missed
    return _receive(subscription, timeout)


def _sleep(seconds: float) -> Iterator[dict[str, Any]]:
    time.sleep(seconds)
    yield from ()


def _receive(subscription: PubSub, timeout: float) -> Iterator[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            message = subscription.get_message(timeout=left)
            if message is not None and message["type"] == "message":
                yield json.loads(message["data"])
    finally:
        subscription.close()
