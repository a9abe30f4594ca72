"""A local HTTPS server that answers as WeCom, DingTalk and Feishu group robots do.

Its certificate comes from a test CA (``trustme``); the ``robot_receiver`` fixture makes the app
trust that CA (``ROBOT_CA_FILE``) and allows ``127.0.0.1`` as a robot host. Like the real
platforms it checks DingTalk's and Feishu's signatures for the tokens it was given a secret
for, and answers with their error codes when they do not match. A test may queue answers of
its own for a chat (``receiver.answers[token]``) or a delay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
from flask import Flask

HOST = "127.0.0.1"
PATHS = {
    "wecom": "/cgi-bin/webhook/send?key={token}",
    "dingtalk": "/robot/send?access_token={token}",
    "feishu": "/open-apis/bot/v2/hook/{token}",
}


@dataclass
class Received:
    provider: str
    token: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class Receiver:
    port: int
    ca_file: str
    secrets: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Answers to give a chat (by its token) before the platform's own, first come first given.
    answers: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    delay_seconds: float = 0.0

    def url(self, provider: str, token: str) -> str:
        return f"https://{HOST}:{self.port}" + PATHS[provider].format(token=token)

    def reset(self) -> None:
        self.secrets.clear()
        self.received.clear()
        self.answers.clear()
        self.delay_seconds = 0.0


def _sign(key: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def _answer(receiver: Receiver, got: Received) -> tuple[int, dict[str, Any]]:
    """What the platform would answer: signature checks as documented, else success."""
    secret = receiver.secrets.get(got.token)
    if got.provider == "dingtalk":
        stamp = got.query.get("timestamp", "")
        if secret and got.query.get("sign") != _sign(secret, f"{stamp}\n{secret}"):
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        if secret and abs(time.time() * 1000 - int(stamp or 0)) > 3_600_000:
            return 200, {"errcode": 310000, "errmsg": "timestamp expired"}
        return 200, {"errcode": 0, "errmsg": "ok"}
    if got.provider == "feishu":
        stamp = str(got.body.get("timestamp", ""))
        if secret and got.body.get("sign") != _sign(f"{stamp}\n{secret}", ""):
            message = "sign match fail or timestamp is not within one hour from current time"
            return 200, {"code": 19021, "data": {}, "msg": message}
        return 200, {"code": 0, "data": {}, "msg": "success"}
    return 200, {"errcode": 0, "errmsg": "ok"}


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if parts.path.startswith("/open-apis/bot/v2/hook/"):
                got = Received("feishu", parts.path.rsplit("/", 1)[1], query, body)
            elif parts.path == "/robot/send":
                got = Received("dingtalk", query.get("access_token", ""), query, body)
            else:
                got = Received("wecom", query.get("key", ""), query, body)
            receiver.received.append(got)
            if receiver.delay_seconds:
                time.sleep(receiver.delay_seconds)
            queued = receiver.answers.get(got.token)
            status, answer = queued.pop(0) if queued else _answer(receiver, got)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timeout test) is no failure of the receiver


@pytest.fixture(scope="session")
def robot_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    ca = trustme.CA()
    ca_file = Path(tmp_path_factory.mktemp("robot-ca")) / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    receiver = Receiver(port=0, ca_file=str(ca_file))
    server = _QuietServer((HOST, 0), _handler(receiver))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def robot_receiver(app: Flask, db: Any, robot_server: Receiver) -> Iterator[Receiver]:
    """The receiver, trusted by the app, its host allowed, its record empty."""
    from lms.notifications.robots.services import set_allowed_hosts  # noqa: PLC0415

    robot_server.reset()
    app.config["ROBOT_CA_FILE"] = robot_server.ca_file
    set_allowed_hosts(HOST)
    db.session.commit()
    yield robot_server
    app.config["ROBOT_CA_FILE"] = None
    robot_server.reset()
