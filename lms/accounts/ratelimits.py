"""Rate limits on guessing passwords and secrets.

``login_attempts`` guards the login page and the API token endpoint together: failed logins
count per account and per address, shared by every worker (``services.login_limits``); a view
marks a failure with :func:`mark_failed`, and a login refused by the limit gets 429.
``secret_attempts`` (registration, reset links) counts every POST per address in the rate
limiter's storage (memory by default, Redis when ``LMS_REDIS_URL`` is set).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g, request

from lms.accounts.services import login_limits
from lms.core.extensions import db, limiter

F = TypeVar("F", bound=Callable[..., Any])


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def mark_failed() -> None:
    g.login_failed = True


def _username() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return name if isinstance(name, str) else ""


def login_attempts(view: F) -> F:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or not current_app.config["RATELIMIT_ENABLED"]:
            return view(*args, **kwargs)
        username, address = _username(), request.remote_addr or ""
        if not login_limits.login_allowed(username, address):
            abort(429)
        response = view(*args, **kwargs)
        if g.get("login_failed"):
            login_limits.record_failure(username, address)
            db.session.commit()
        return response

    return guarded  # type: ignore[return-value]


secret_attempts = limiter.shared_limit(_limit, scope="account-secrets", methods=["POST"])
