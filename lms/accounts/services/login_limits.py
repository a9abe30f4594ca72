"""How many failed logins an account and an address may have in a moving window.

Failures are counted twice: against the account tried (``LOGIN_RATE_LIMIT``, 10 a minute) and
against the client address (``LOGIN_RATE_LIMIT_ADDRESS``, higher, 50 a minute, so colleagues
behind one office NAT do not lock each other out). When either is used up, the next login to
that account or from that address is refused, whatever the password, until the window moves on.
Counts are shared by every worker: in Redis when ``LMS_REDIS_URL`` is set (through the
rate limiter's storage), in the database otherwise. Only SHA-256 digests of the keys are kept.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Protocol

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, select

from lms.accounts.models import LoginFailure
from lms.accounts.services.users import normalise_username
from lms.core.clock import utcnow
from lms.core.extensions import db, limiter


class FailureCounter(Protocol):
    def used_up(self, item: RateLimitItem, key: str) -> bool: ...
    def add(self, item: RateLimitItem, key: str) -> None: ...
    def forget_older_than(self, seconds: int) -> None: ...


class DatabaseCounter:
    """One row per failure and key; rows older than the longest window are deleted."""

    def used_up(self, item: RateLimitItem, key: str) -> bool:
        since = utcnow() - timedelta(seconds=item.get_expiry())
        count = db.session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == key, LoginFailure.failed_at > since
            )
        )
        return (count or 0) >= item.amount

    def add(self, item: RateLimitItem, key: str) -> None:
        db.session.add(LoginFailure(key=key, failed_at=utcnow()))
        db.session.flush()

    def forget_older_than(self, seconds: int) -> None:
        since = utcnow() - timedelta(seconds=seconds)
        db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= since))


class StorageCounter:
    """The rate limiter's storage (Redis when configured), as a moving window."""

    def __init__(self) -> None:
        self._window = MovingWindowRateLimiter(limiter.storage)

    def used_up(self, item: RateLimitItem, key: str) -> bool:
        return not self._window.test(item, "login-failures", key)

    def add(self, item: RateLimitItem, key: str) -> None:
        self._window.hit(item, "login-failures", key)

    def forget_older_than(self, seconds: int) -> None:
        """Redis expires each window's key by itself."""


def _counter() -> FailureCounter:
    return StorageCounter() if current_app.config.get("REDIS_URL") else DatabaseCounter()


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _limits(username: str, address: str) -> list[tuple[RateLimitItem, str]]:
    config = current_app.config
    pairs = [(parse(config["LOGIN_RATE_LIMIT_ADDRESS"]), _digest("address", address))]
    name = normalise_username(username)
    if name:
        pairs.append((parse(config["LOGIN_RATE_LIMIT"]), _digest("account", name)))
    return pairs


def login_allowed(username: str, address: str) -> bool:
    """Whether this account and this address may try a password now."""
    counter = _counter()
    return not any(counter.used_up(item, key) for item, key in _limits(username, address))


def record_failure(username: str, address: str) -> None:
    counter = _counter()
    limits = _limits(username, address)
    counter.forget_older_than(max(item.get_expiry() for item, _key in limits))
    for item, key in limits:
        counter.add(item, key)
