"""A light HTTP/1.1 client for load benchmarks: one kept-alive connection, JSON in and out.

The load benchmarks run their clients on the same cores as the server they measure, so every
millisecond a client spends is taken from the server. ``requests`` spends about a millisecond of
CPU per call (sessions, adapters, cookie jars, header merging); ``http.client`` on a kept-alive
connection spends a fraction of that, as a phone or a browser on another machine would cost
this machine nothing at all.
"""

from __future__ import annotations

import http.client
import json as jsonlib
from typing import Any
from urllib.parse import urlsplit

ERRORS = (OSError, http.client.HTTPException)  # what a failed call raises


class Response:
    def __init__(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = content

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class Client:
    """One connection to ``base``, reopened once when the server closed it between calls.
    Not shared between threads: give each thread its own."""

    def __init__(self, base: str, token: str | None = None, timeout: float = 60) -> None:
        parts = urlsplit(base)
        self._base = base.rstrip("/")
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._timeout = timeout
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, json: Any = None) -> Response:
        return self.request("POST", path, json)

    def put(self, path: str, json: Any = None) -> Response:
        return self.request("PUT", path, json)

    def request(self, method: str, path: str, json: Any = None) -> Response:
        """``path`` is a path on the server, or a whole URL under ``base``."""
        if path.startswith(self._base):
            path = path[len(self._base) :]
        headers = dict(self._headers)
        body = None
        if json is not None or method in ("POST", "PUT"):
            body = jsonlib.dumps(json if json is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        for retry in (False, True):
            connection = self._connection or self._connect()
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                content = answer.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self.close()
                if retry:
                    raise
                continue  # the server closed an idle kept-alive connection: open a new one
            except ERRORS:
                self.close()
                raise
            if answer.will_close:
                self.close()
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, content)
        raise AssertionError("unreachable")

    def _connect(self) -> http.client.HTTPConnection:
        self._connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
