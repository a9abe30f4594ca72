"""Who may use which route.

Every view declares its audience with one of the decorators below; a ``before_request`` hook
installed by :func:`enforce_access` checks the declaration centrally and refuses any endpoint
that has none, so a forgotten declaration fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from lms.accounts.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ACCESS_ATTRIBUTE = "_lms_access"


def _declare(access: str | frozenset[str]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        setattr(view, ACCESS_ATTRIBUTE, access)
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, logged in or not."""
    return _declare(PUBLIC)(view)


def authenticated(view: F) -> F:
    """Any logged-in user, whatever the role."""
    return _declare(AUTHENTICATED)(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Logged-in users with one of these roles."""
    return _declare(frozenset(role.value for role in allowed))


def staff(view: F) -> F:
    """Organizers and admins."""
    return roles(Role.ORGANIZER, Role.ADMIN)(view)


def admin(view: F) -> F:
    return roles(Role.ADMIN)(view)


def access_of(view: Callable[..., Any]) -> str | frozenset[str] | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


def may_access(user: User | Any, access: str | frozenset[str]) -> bool:
    if access == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if access == AUTHENTICATED:
        return True
    return user.role in access


def enforce_access(app: Flask, on_anonymous: Callable[[], Any]) -> None:
    """Check the declared audience before every request; ``on_anonymous`` answers a guest."""

    @app.before_request
    def _check_access() -> Any:
        if request.endpoint is None:
            return None  # 404 and 405 are answered by the error handlers
        view = current_app.view_functions.get(request.endpoint)
        access = PUBLIC if request.endpoint == "static" else access_of(view)
        if access is None:
            current_app.logger.error("Endpoint %s declares no access rule", request.endpoint)
            abort(403)
        if may_access(current_user, access):
            return None
        if not current_user.is_authenticated:
            return on_anonymous()
        abort(403)
        return None
