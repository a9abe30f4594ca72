"""The push tier's publisher: messages leave after the commit, never on rollback, and nothing
happens without a push tier; costly messages are coalesced per key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from lms.core import push

URL = "http://push.test/push/pub"


@pytest.fixture
def sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bytes]]]:
    """POSTs to nginx's publisher, recorded instead of sent; the push tier is on."""
    posts: list[tuple[str, bytes]] = []
    monkeypatch.setattr(push, "_post", lambda url, body: posts.append((url, body)))
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
    posts: list[str] = []
    monkeypatch.setattr(push, "_post", lambda url, body: posts.append(url))
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
