"""PIN guessing limits, the same for every way into a session (the API's join, the join page,
a stage team's page): per address and per account (``LIVE_PIN_RATE_LIMIT_ADDRESS``,
``LIVE_PIN_RATE_LIMIT``), on shared counters (the scopes), so switching doors gains nothing.
Only refused attempts count; the storage is the limiter's (Redis when configured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from lms.core.extensions import limiter

View = TypeVar("View", bound=Callable[..., Any])


def _setting(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


def account_or_address() -> str:
    if getattr(current_user, "is_authenticated", False):
        return f"user-{current_user.id}"
    return f"address-{get_remote_address()}"


def limit_pin_guessing(
    *, refused: Callable[[Response], bool], methods: list[str] | None = None
) -> Callable[[View], View]:
    """Decorate a view that takes a PIN; ``refused(response)``: did this attempt fail?"""

    def decorate(view: View) -> View:
        by_account = limiter.limit(
            _setting("LIVE_PIN_RATE_LIMIT"),
            key_func=account_or_address,
            methods=methods,
            deduct_when=refused,
            scope="live-pin-account",
        )
        by_address = limiter.limit(
            _setting("LIVE_PIN_RATE_LIMIT_ADDRESS"),
            key_func=get_remote_address,
            methods=methods,
            deduct_when=refused,
            scope="live-pin-address",
        )
        return by_address(by_account(view))

    return decorate
