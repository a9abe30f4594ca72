"""Domain errors raised by services, and the HTML and JSON error handlers.

A service raises a :class:`DomainError`; a view turns it into a form error or a flash, the API
into ``{"error": {"code", "message"}}`` with the error's status. Anything not caught reaches the
handlers below, which answer every HTTP error with a friendly page, or JSON under ``/api/``.
An unexpected error rolls the database session back before anything else runs, and so does a
refusal that left the session unusable (a failed flush), so the error page itself can read the
database; otherwise what a refused request wrote is dropped when the request ends.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from lms.core.request_log import request_id


class DomainError(Exception):
    """A business rule refused an action. ``message`` is already translated for the user."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationError(DomainError):
    code = "validation_error"
    status = 422

    def __init__(self, message: str, *, problems: list[str] | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.problems = problems or []


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class PermissionDeniedError(DomainError):
    code = "forbidden"
    status = 403


class ConflictError(DomainError):
    code = "conflict"
    status = 409


_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or was removed.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    409: (_l("Conflict"), _l("The request conflicts with the current state.")),
    413: (_l("Too large"), _l("The upload is larger than the allowed size.")),
    422: (_l("Invalid input"), _l("Some of the data sent is not valid.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a minute and try again."),
    ),
    500: (_l("Something went wrong"), _l("An unexpected error happened. Please try again later.")),
    503: (_l("Temporarily unavailable"), _l("This is not available now. Please try again later.")),
}

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


_BARE_PAGE = (
    '<!doctype html><html lang="zh-Hans"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<title>{status}</title><h1>{title}</h1><p>{message}</p><p><a href="/">/</a></p>'
    "<p><small>{request_id}</small></p></html>"
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(extra)
    if request_id() is not None:
        body.setdefault("request_id", request_id())
    return jsonify({"error": body}), status


def _render(status: int, detail: str | None = None) -> tuple[Any, int]:
    title, default = _MESSAGES.get(status, _MESSAGES[500])
    message = str(detail or default)
    if wants_json():
        return json_error(status, _CODES.get(status, "error"), message)
    try:
        page = render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=message,
            request_id=request_id(),
        )
    except Exception:  # the layout itself failed (a broken database, say)
        current_app.logger.exception("The error page could not be rendered")
        page = _BARE_PAGE.format(
            status=status,
            title=escape(title),
            message=escape(message),
            request_id=escape(request_id() or ""),
        )
    return page, status


# Input that got past the checks and that the database or arithmetic cannot hold: a number too
# large for a column or a date, text that cannot be encoded. The request is at fault, not the app.
UNREPRESENTABLE_INPUT = (OverflowError, UnicodeEncodeError, DataError)


def roll_back(*, only_if_broken: bool = False) -> None:
    """Forget what the failed request wrote (with ``only_if_broken``: only when a failed flush
    left the session unusable); a broken connection must not break the error page.

    ``db`` is imported here because the database modules raise these errors themselves."""
    from lms.core.extensions import db  # noqa: PLC0415

    try:
        if not only_if_broken or not db.session.is_active:
            db.session.rollback()
    except Exception:
        current_app.logger.exception("Rolling back after an error failed")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Any:
        roll_back(only_if_broken=True)
        if wants_json():
            extra = {"problems": error.problems} if isinstance(error, ValidationError) else {}
            return json_error(error.status, error.code, error.message, **extra)
        return _render(error.status, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        roll_back(only_if_broken=True)
        status = error.code or 500
        if status == 429:
            return _render(429, _("Too many attempts in a short time. Please wait a minute."))
        if isinstance(error, CSRFError):
            return _render(400, _("The form expired. Please reload the page and try again."))
        return _render(status)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return _http_error(error)
        roll_back()
        if isinstance(error, UNREPRESENTABLE_INPUT):
            app.logger.warning("Refused input the app cannot hold", exc_info=error)
            return _render(BadRequest.code)
        app.logger.exception("Unhandled error", exc_info=error)
        return _render(InternalServerError.code)
