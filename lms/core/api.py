"""Helpers for JSON API handlers: body parsing, ISO times, lists, OpenAPI annotations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _

from lms.core.errors import DomainError
from lms.core.strict_json import InvalidJSONError, strict_loads

F = TypeVar("F", bound=Callable[..., Any])
OPENAPI_ATTRIBUTE = "_lms_openapi"


class BadRequestError(DomainError):
    code = "bad_request"
    status = 400


def json_body() -> dict[str, Any]:
    """The request's JSON object, read by :func:`strict_loads`, or a 400 with a clear message."""
    if not request.is_json:
        raise BadRequestError(_("The request body must be a JSON object."))
    try:
        data = strict_loads(request.get_data(cache=True))
    except InvalidJSONError as error:
        raise BadRequestError(str(error.message)) from error
    if not isinstance(data, dict):
        raise BadRequestError(_("The request body must be a JSON object."))
    return data


def optional_flag(data: dict[str, Any], key: str, default: bool) -> bool:
    """``data[key]`` as true or false (``default`` when absent); a 400 for anything else."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise BadRequestError(_("“%(key)s” must be true or false.", key=key), field=key)
    return value


def string_list(data: dict[str, Any], key: str) -> list[str]:
    """``data[key]`` as a list of strings (empty when absent); a 400 for anything else."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequestError(_("“%(key)s” must be a list of strings.", key=key), field=key)
    return value


def require_string(data: dict[str, Any], key: str, *, max_length: int = 1000) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRequestError(_("“%(key)s” must be a non-empty string.", key=key), field=key)
    if len(value) > max_length:
        raise BadRequestError(_("“%(key)s” is too long.", key=key), field=key)
    return value


def require_moment(data: dict[str, Any], key: str, *, nullable: bool = False) -> datetime | None:
    """``data[key]`` as an aware UTC time: ISO 8601 with an offset (None only when nullable)."""
    value = data.get(key)
    if value is None and nullable:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass  # not a time, or one that UTC cannot hold (year 1 with a positive offset)
    raise BadRequestError(
        _("“%(key)s” must be an ISO 8601 time with an offset.", key=key), field=key
    )


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


MAX_PAGE = 100_000
# The query parameters of every paged list, for :func:`documented`.
PAGING: dict[str, dict[str, Any]] = {
    "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    "per_page": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def list_of(item: dict[str, Any]) -> dict[str, Any]:
    """The schema of a paged list answer, ``{items: [item], total}``."""
    return {
        "type": "object",
        "required": ["items", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer", "description": "items on every page"},
        },
    }


def page_args(default_per_page: int = 20, max_per_page: int = 100) -> tuple[int, int]:
    """``?page=&per_page=``: a page past :data:`MAX_PAGE` is a 400; the rest is clamped."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", default_per_page, type=int) or default_per_page
    if page > MAX_PAGE:
        raise BadRequestError(_("“page” must be at most %(n)d.", n=MAX_PAGE), field="page")
    return max(page, 1), min(max(per_page, 1), max_per_page)


def documented(
    summary: str,
    *,
    request_schema: dict[str, Any] | None = None,
    response_schema: dict[str, Any] | None = None,
    auth: bool = True,
    tags: tuple[str, ...] = (),
    status: int | tuple[int, ...] = 200,
    query: dict[str, dict[str, Any]] | None = None,
    errors: dict[int, str] | None = None,
) -> Callable[[F], F]:
    """Attach the OpenAPI description of an endpoint to its handler: its request body and
    success answer (JSON schemas), the success status (or statuses, e.g. 201 created and 200
    resumed), its query parameters as ``{name: schema}``, and the error answers beyond the
    4xx every endpoint has, as ``{status: when}`` (e.g. 503 when a service it needs is down)."""

    def decorator(view: F) -> F:
        setattr(
            view,
            OPENAPI_ATTRIBUTE,
            {
                "summary": summary,
                "request": request_schema,
                "response": response_schema,
                "auth": auth,
                "tags": list(tags),
                "status": (status,) if isinstance(status, int) else tuple(status),
                "query": dict(query or {}),
                "errors": dict(errors or {}),
            },
        )
        return view

    return decorator
