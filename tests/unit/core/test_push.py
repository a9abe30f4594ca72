"""The push tier's publisher: messages leave after the commit, never on rollback, and nothing
happens without a push tier; costly messages are coalesced per key."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from lms.core import push
from tests.conftest import require_service
from tests.push_tier import record_publishes

URL = "http://push.test/push/pub"


@pytest.fixture
def sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bytes]]]:
    """POSTs to nginx's publisher, recorded instead of sent; the push tier is on."""
    posts = record_publishes(monkeypatch)
    saved = {key: app.config.get(key) for key in ("PUSH_PUBLISH_URL", "PUSH_COALESCE_SECONDS")}
    app.config.update(PUSH_PUBLISH_URL=URL, PUSH_COALESCE_SECONDS=0.2)
    yield posts
    app.config.update(saved)


def _wait_for(condition: Any, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_publish_waits_for_the_commit(db: Any, sent: list[tuple[str, bytes]]) -> None:
    push.publish("competition-1", {"version": 1, "名": "李"})
    assert sent == []
    db.session.commit()
    assert sent == [(f"{URL}/competition-1", '{"version":1,"名":"李"}'.encode())]


def test_publish_is_dropped_on_rollback(db: Any, sent: list[tuple[str, bytes]]) -> None:
    push.publish("competition-1", b"{}")
    db.session.rollback()
    db.session.commit()
    assert sent == []


def test_without_a_push_tier_nothing_is_sent(
    app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = record_publishes(monkeypatch)
    push.publish_each([("competition-1", b"{}")])
    assert not app.config.get("PUSH_PUBLISH_URL")
    push.publish("competition-1", b"{}")
    push.publish_coalesced("k", lambda: [("competition-1", b"{}")])
    db.session.commit()
    time.sleep(0.1)
    assert posts == []
    assert push.subscribe_url("competition-1") is None
    assert not push.enabled()


def test_a_bad_channel_is_refused(db: Any, sent: list[tuple[str, bytes]]) -> None:
    with pytest.raises(ValueError, match="channel"):
        push.publish("../admin", b"{}")


def test_many_changes_make_one_message_with_the_latest_state(
    db: Any, sent: list[tuple[str, bytes]]
) -> None:
    state = {"n": 0}
    builds = threading.Event()

    def build() -> list[tuple[str, bytes]]:
        builds.set()
        return [("competition-2", b'{"n":%d}' % state["n"])]

    push.publish_coalesced("board-2", build)  # the first change goes out at once
    db.session.commit()
    _wait_for(lambda: len(sent) == 1)
    for n in range(1, 30):  # then 29 changes within the interval: one more message
        state["n"] = n
        push.publish_coalesced("board-2", build)
        db.session.commit()
    _wait_for(lambda: len(sent) == 2)
    time.sleep(0.3)
    assert sent == [(f"{URL}/competition-2", b'{"n":0}'), (f"{URL}/competition-2", b'{"n":29}')]


def test_a_coalesced_message_is_dropped_on_rollback(db: Any, sent: list[tuple[str, bytes]]) -> None:
    push.publish_coalesced("board-3", lambda: [("competition-3", b"{}")])
    db.session.rollback()
    db.session.commit()
    time.sleep(0.1)
    assert sent == []


def test_channels_ask_their_kind(app: Flask) -> None:
    push.register_channel("testkind", lambda rest: rest == "yes")
    assert push.may_subscribe("testkind-yes")
    assert not push.may_subscribe("testkind-no")
    assert not push.may_subscribe("unknown-yes")
    assert not push.may_subscribe("testkind-")
    assert not push.may_subscribe("testkind-a/b")


@pytest.mark.redis
def test_with_redis_the_workers_take_turns(
    app: Flask, db: Any, sent: list[tuple[str, bytes]]
) -> None:
    url = require_service("LMS_TEST_REDIS_URL", "the Redis tests")
    saved = {key: app.config.get(key) for key in ("REDIS_URL", "PUSH_REDIS_PREFIX")}
    app.config.update(REDIS_URL=url, PUSH_REDIS_PREFIX=f"test-push:{uuid.uuid4().hex}:")
    try:
        first, second = push._Coalescer(app), push._Coalescer(app)  # two workers
        first.mark("board-4", lambda: [("competition-4", b"1")])
        _wait_for(lambda: len(sent) == 1)
        started = time.monotonic()
        second.mark("board-4", lambda: [("competition-4", b"2")])
        time.sleep(0.1)
        assert len(sent) == 1  # the first worker's turn lasts the interval
        _wait_for(lambda: len(sent) == 2)
        assert time.monotonic() - started >= 0.1
        assert [body for _url, body in sent] == [b"1", b"2"]  # the later change still goes out
    finally:
        app.config.update(saved)


def test_a_failed_publish_is_logged_and_keeps_the_commit(
    app: Flask, db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    saved = app.config.get("PUSH_PUBLISH_URL")
    app.config["PUSH_PUBLISH_URL"] = "http://127.0.0.1:9/push/pub"  # nothing listens there
    try:
        push.publish("competition-5", b"{}")
        db.session.commit()
    finally:
        app.config["PUSH_PUBLISH_URL"] = saved
    assert "push: publishing to http://127.0.0.1:9/push/pub/competition-5 failed" in caplog.text


def test_publish_each_sends_every_message_on_one_connection_after_the_commit(
    app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message per bucket of phones: many POSTs, one kept-alive connection to nginx."""
    received: list[tuple[str, bytes]] = []
    connections: list[Any] = []

    class Publisher(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            connections.append(self.connection)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, body))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setitem(
        app.config, "PUSH_PUBLISH_URL", f"http://127.0.0.1:{server.server_port}/push/pub"
    )
    try:
        push.publish_each([("live-1", {"n": 1}), ("live-1-p0", {"n": 2}), ("live-1-p1", b"{}")])
        assert received == []
        db.session.commit()
        assert received == [
            ("/push/pub/live-1", b'{"n":1}'),
            ("/push/pub/live-1-p0", b'{"n":2}'),
            ("/push/pub/live-1-p1", b"{}"),
        ]
        assert len(connections) == 1
        with pytest.raises(ValueError, match="not a channel"):
            push.publish_each([("no channel", b"{}")])
    finally:
        server.shutdown()
        server.server_close()
