"""A request id for every request, and the access log as JSON lines.

The id comes from the proxy (nginx sets ``X-Request-ID`` from its ``$request_id``) or is made
here; it goes back in the response's ``X-Request-ID``, into every access log line and onto the
error pages, so a member's screenshot of an error leads to the log line of that request.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request

ACCESS_LOGGER = "lms.access"
HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_log = logging.getLogger(ACCESS_LOGGER)


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id")


def install_request_log(app: Flask) -> None:
    """Give every request an id; with ``ACCESS_LOG`` on, log each request as one JSON line."""
    if app.config.get("ACCESS_LOG") and not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False

    @app.before_request
    def _start() -> None:
        offered = request.headers.get(HEADER, "")
        g.request_id = offered if _ACCEPTED_ID.match(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        rid = g.get("request_id")
        if rid is None:
            return response
        response.headers[HEADER] = rid
        if app.config.get("ACCESS_LOG"):
            access_log.info(_line(response))
        return response


def _line(response: Response) -> str:
    started = g.get("request_started")
    # Only a user the request already loaded: the log never costs a query of its own.
    user_id = getattr(g.get("_login_user"), "id", None)
    return json.dumps(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "bytes": response.calculate_content_length(),
            "user_id": user_id,
            "remote_addr": request.remote_addr,
            "user_agent": request.user_agent.string[:200],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
