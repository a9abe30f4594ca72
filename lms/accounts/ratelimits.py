"""Rate limits on guessing passwords, shared by the login page and the API token endpoint.

Only failed attempts count (a view sets ``g.login_failed``); the next try after the limit gets
429. Storage is memory by default and Redis when ``LMS_REDIS_URL`` is set.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from lms.core.extensions import limiter


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def mark_failed() -> None:
    g.login_failed = True


login_attempts = limiter.shared_limit(_limit, scope="login", methods=["POST"], deduct_when=_failed)
secret_attempts = limiter.shared_limit(_limit, scope="account-secrets", methods=["POST"])
