"""HTTP hardening shared by every response: security headers, safe redirects, bounded ids."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response
from werkzeug.routing import IntegerConverter, Map

from lms.core.storage import signed_url_origins


def content_security_policy(
    frame_hosts: tuple[str, ...] = (), file_origins: tuple[str, ...] = ()
) -> str:
    """No inline script or style anywhere; frames only from the allow-listed video hosts;
    images and media also from the object storage that signed file addresses point at."""
    frames = " ".join(["'self'", *(f"https://{host}" for host in frame_hosts)])
    files = "".join(f" {origin}" for origin in file_origins)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{files}",
            "font-src 'self'",
            "connect-src 'self'",
            f"media-src 'self'{files}",
            f"frame-src {frames}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def install_security_headers(app: Flask) -> None:
    policy = content_security_policy(
        tuple(app.config.get("VIDEO_EMBED_HOSTS", ())), signed_url_origins(app.config)
    )

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site (``/profile?x=1``), never a URL another site could own.

    Scheme-relative (``//host``), backslash and scheme-only (``http:host``) forms are refused,
    since browsers read each as another host.
    """
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    return target.startswith("/") and not target.startswith("//")


MAX_ID = 2**31 - 1  # what an INTEGER column holds on every back end


def parse_id(text: str) -> int | None:
    """A whole number as a form or query string carries an id: ASCII digits only (``str.isdigit``
    also takes "²", which ``int`` refuses), at most :data:`MAX_ID`; else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in URLs, bounded to what an INTEGER column holds: a larger number answers 404
    instead of overflowing in PostgreSQL."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
